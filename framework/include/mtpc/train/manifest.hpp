// Training pipelines as JSON manifests: parsing and up-front validation.
//
// Every error names the manifest file and the JSON path of the offending value, e.g.
//   "fit.json: steps[1].options.rank: must be an integer"
// and is raised before any work starts (plugin options are checked by creating the plugins).
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "mtpc/sdk/linear_resolve_schedule.hpp"
#include "mtpc/train/convergence_rule.hpp"
#include "mtpc/train/model_selection.hpp"

namespace mtpc {

struct ModelSpec {
    int level = 0;                 ///< MTP level (even, 2..28); ignored when init_from is set
    double min_dist = 0, max_dist = 0;
    /// min_dist "auto": kAutoMinDistFactor × the smallest interatomic distance of the training
    /// set (MLIP-2's --update-mindist), resolved by the trainer.
    bool min_dist_auto = false;
    int radial_basis_size = 8;
    std::string init_from;         ///< optional trained .mtp to start from (its basis and coefficients)
};

/// min_dist "auto" = this × the closest training pair (MLIP-2's factor).
inline constexpr double kAutoMinDistFactor = 0.99;

struct RadialSpec {
    std::string plugin = "radial-full";
    nlohmann::json options = nlohmann::json::object();  ///< without the shape keys (the host adds them)
    /// "random": θ from the seed; "compress": θ = plugin.initialize_from(C of model.init_from).
    std::string init = "random";
    /// Size of the random initial entries of C; 0 = automatic, 1/((max_dist − min_dist)²·√N_b),
    /// which keeps each f_μ of order one (|Q_β| ≤ (R_cut − r)²).
    double init_scale = 0;
};

struct LossSpec {
    double energy_weight = 1.0, force_weight = 0.01, stress_weight = 0.0;
    /// Per-configuration weighting (LossWeights): MLIP-2's "vibrations" (default), "structures",
    /// "molecules", or "eq8" (eq. (8) of the low-rank paper: no 1/N, 6 stress components once).
    std::string weighting = "vibrations";
    /// λ of the ridge term λ K Σ_s (ξ_s / scale_s)² on the linear coefficients in the trainer's
    /// scaled coordinates, i.e. on each basis function's typical contribution per atom (see
    /// LinearStart); K = number of training configurations.  With the radial functions held on
    /// the unit sphere (below) it bounds the moment coefficients; 0 = off.
    double linear_l2 = 1e-6;
    /// λ of λ K P(C), MLIP-2's orthonormality penalty on the radial functions
    /// (RadialOrthonormalityPenalty): fixes their scale, which the data leave free.  0 = off.
    double radial_orthonormality = 1e-3;
    /// λ of λ K S(C), the spread of each centre's radial functions over its neighbour species
    /// (NeighborSpeciesSpreadPenalty): what keeps fits sane in environments with more neighbour
    /// species than the training data have.  0 = off.
    double radial_species_spread = 1e-2;
    /// λ of λ K K(C), the curvature of the radial functions over [min_dist, max_dist]
    /// (RadialCurvaturePenalty): how a radial function continues below the closest distance
    /// the training data show (train_tiny of Nb-Mo-Ta-W, three seeds: largest test force error
    /// of MFRA → 6 fits 1.8–4.9 eV/Å instead of up to 62; bench/README).  0 = off.
    double radial_curvature = 1e-2;
};

struct StepSpec {
    /// linear_every of a bfgs/lbfgs step that does not set it: the exact re-solve of the linear
    /// coefficients every 500 iterations (after the doubling start below) and at the step's end
    /// (the fixed period 500 on the whole train.cfg of Nb-Mo-Ta-W,
    /// seed 1: validation 3.75 instead of 4.40 meV/atom, test 6.15 instead of 7.69; bench/README).
    static constexpr int kDefaultLinearEvery = sdk::LinearResolveSchedule::kDefaultEvery;
    /// linear_first with that default: the first re-solve after 50 iterations, the intervals
    /// doubling to 500 (LinearResolveSchedule), so that a short fit is not stopped with linear
    /// coefficients that lag its radial functions (train_tiny.cfg, 250 iterations, three seeds: one
    /// seed's Ta forces 9.7 eV/Å with the fixed period, 0.49 with this; bench/README).
    static constexpr int kDefaultLinearFirst = sdk::LinearResolveSchedule::kDefaultFirst;
    std::string optimizer;  ///< "bfgs"/"lbfgs" (built-in, Ceres) or an optimizer plugin name
    nlohmann::json options = nlohmann::json::object();
};

/// A named set of overrides of the manifest ("radial.options.rank": 4, ...), one training run each.
struct VariantSpec {
    std::string name;
    nlohmann::json set = nlohmann::json::object();  ///< dotted path -> value
};

struct Manifest {
    std::string path;       ///< the manifest file
    std::string directory;  ///< relative paths inside are relative to this
    std::vector<std::string> species;
    std::vector<std::string> plugin_paths;
    std::string train_file, validation_file, test_file;  ///< absolute or empty
    ModelSpec model;
    RadialSpec radial;
    LossSpec loss;
    std::vector<StepSpec> steps;
    /// When a step has finished (besides its optimiser's own limits): manifest "convergence",
    /// {"window": 50, "relative_decrease": 1e-3} by default; false or relative_decrease 0 = off.
    ConvergenceOptions convergence;
    std::vector<std::uint64_t> seeds{1};
    std::vector<VariantSpec> variants;  ///< from "variants" and/or "sweep"; empty = the manifest as is
    int threads = 0;                    ///< 0 = all cores
    std::string output_directory;       ///< absolute
    bool write_potential = true;
    int validate_every = 50;            ///< validation errors in the progress every N iterations (0: never)
    /// Manifest "select": after all runs, choose one variant and export its potential
    /// (Trainer::run writes selected.mtp and selection.json); rule kNone when absent.
    SelectionOptions selection;
    nlohmann::json raw;                 ///< the document as read
};

/// Reads and validates a manifest (structure, types, ranges, files exist).  Plugin names and
/// options are checked separately by Trainer::validate(), which creates the plugins.
Manifest load_manifest(const std::string& path);
/// Parses an already-read document (for tests); `path` is used in messages and for relative paths.
Manifest parse_manifest(const nlohmann::json& doc, const std::string& path);

/// Applies a variant's overrides to the raw document and re-validates it.
Manifest apply_variant(const Manifest& base, const VariantSpec& variant);

}  // namespace mtpc
