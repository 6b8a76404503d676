// The trainer's insides, shared by trainer.cpp (manifest-level work: variants, seeds, summaries)
// and training_run.cpp (one run, phase by phase).  Not a public header.
#pragma once

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mtpc/core/mtp_potential.hpp"
#include "mtpc/mtp/mtp_model.hpp"
#include "mtpc/plugin/plugin_host.hpp"
#include "mtpc/train/convergence_rule.hpp"
#include "mtpc/train/linear_fit.hpp"
#include "mtpc/train/progress_printer.hpp"
#include "mtpc/train/trainer.hpp"
#include "mtpc/train/training_objective.hpp"
#include "mtpc/train/training_set.hpp"

namespace mtpc {

/// The model a manifest starts from: a trained or untrained MLIP-2 potential, or a parameters
/// file written by an earlier run (whose potential holds the basis and coefficients).
struct StartingPoint {
    MtpPotential pot;
    nlohmann::json parameters;  ///< the parameters file when model.init_from was one, else null
};

using OptimizerPtr = std::unique_ptr<sdk::Optimizer, std::function<void(sdk::Optimizer*)>>;

/// Everything one (variant, seed) run holds while it trains.
struct RunContext {
    RunContext(const Manifest& manifest, std::string variant_name, std::uint64_t run_seed, std::filesystem::path d)
        : m(manifest), variant(std::move(variant_name)), seed(run_seed), dir(std::move(d)),
          checkpoint_file(dir / "checkpoint.json") {}

    const Manifest& m;
    std::string variant;
    std::uint64_t seed;
    std::filesystem::path dir, checkpoint_file;
    std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

    // model and data
    StartingPoint start;
    std::unique_ptr<MtpModel> model;
    sdk::RadialShape shape;
    int n_species = 0, nx = 0;  ///< species coefficients; whole Euclidean block (species + ξ)
    std::unique_ptr<TrainingSet> train;
    std::vector<Configuration> valid_cfgs;
    std::vector<NeighborList> valid_nls;

    // the iterate: x in the objective's scaled coordinates, θ of the current parameterization
    std::string radial_options;
    PluginPtr<sdk::RadialParameterization> radial;
    Eigen::VectorXd theta, x_scaled;
    std::vector<double> scale;

    // progress
    size_t first_step = 0;
    int resume_iterations = 0;
    nlohmann::json resume_rule_state;  ///< the convergence rule's state from the checkpoint, or null
    nlohmann::json fingerprint;        ///< settings and data digests a checkpoint must match to resume
    long evaluations = 0;
    int total_iterations = 0;
    std::vector<std::string> stop_reasons;  ///< per step run in this process
    double final_loss = 0;
    std::ofstream curve;
};

struct Trainer::Impl {
    Manifest manifest;
    TrainOptions options;
    PluginHost host;
    std::map<std::string, std::vector<Configuration>> cfg_cache;
    std::map<std::string, double> auto_min_dist_cache;  ///< training file → resolved min_dist "auto"
    long reports_seen = 0;

    const std::vector<Configuration>& configs(const std::string& file);
    /// "threads": 0 in a manifest means every core.
    [[nodiscard]] int threads() const;
    /// model.min_dist, or for "auto" 0.99 × the smallest interatomic distance of the training set.
    double min_dist(const Manifest& m);
    StartingPoint starting_point(const Manifest& m);
    PluginPtr<sdk::RadialParameterization> make_radial(const Manifest& m, const std::string& options_text);
    OptimizerPtr make_optimizer(const Manifest& m, size_t i);
    ParameterCounts counts(const Manifest& m, const std::string& variant);
    void validate_one(const Manifest& m);
    [[nodiscard]] std::vector<std::pair<std::string, Manifest>> variants() const;

    // One run, phase by phase (training_run.cpp).
    RunSummary run_one(const Manifest& m, const std::string& variant, std::uint64_t seed,
                       const std::filesystem::path& dir);
    void load_model_and_data(RunContext& run);
    void choose_start(RunContext& run);
    void resume_or_begin(RunContext& run);
    /// Where a run can be resumed exactly: step and iterations done in it, the iterate, the
    /// evaluations so far, the step's convergence-rule state (null at a step boundary).
    struct RestartPoint {
        size_t step;
        int iterations;
        const double* x;
        const double* theta;
        long evaluations;
        nlohmann::json rule_state;
        bool at_restart_point = true;  ///< false: where a stop request arrived (see CheckpointOnStop)
    };
    void write_checkpoint(const RunContext& run, const RestartPoint& at);
    /// One optimisation step as the host follows it.
    struct StepProgress {
        size_t step;
        std::string optimizer;
        int first_iteration;  ///< iterations already done (resumed inside the step), else 0
        ProgressPrinter& printer;
        ConvergenceRule rule;
        bool converged = false;  ///< the rule, not the optimiser or a signal, ended the step
        int last_restart_iteration = 0;  ///< where the checkpoint of this step is (its start, or later)
        bool reports_restart_points = false;  ///< the optimiser can restart from any iterate it reports
        std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
        const TrainingObjective* objective = nullptr;
    };
    void run_step(RunContext& run, size_t step, ProgressPrinter& printer);
    /// The built-in step "linear" (linear_step.cpp): the exact regularised least-squares fit of
    /// the species coefficients and ξ for the current radial functions.
    void run_linear_step(RunContext& run, size_t step, ProgressPrinter& printer);
    /// The exact minimiser over the linear coefficients for the radial tensor C (linear_step.cpp).
    LinearFitResult solve_linear(const RunContext& run, const double* C, const LinearFitOptions& options);
    /// solve_linear with l2 0 for the radial tensor C, written to x in the objective's scaled
    /// coordinates: what an optimiser's periodic re-solve (Objective::solve_linear) gets.
    void exact_linear_coefficients(const RunContext& run, const double* C, double* x);
    /// Checkpoints, progress, learning curve, stop requests and the convergence rule; returns
    /// whether the optimiser may go on.
    bool on_report(RunContext& run, StepProgress& s, const sdk::ProgressReport& r);
    /// On a stop request, moves the checkpoint to the iterate reached (TrainOptions::checkpoint_on_stop).
    void checkpoint_on_stop(RunContext& run, StepProgress& s, const sdk::ProgressReport& r, long evaluations);
    /// Takes the optimiser's result into the run (or throws TrainingInterrupted).
    void finish_step(RunContext& run, const StepProgress& s, sdk::OptimizerState& state, TrainingObjective& objective);
    std::string validation_progress(const RunContext& run, const sdk::ProgressReport& r);
    void write_outputs(RunContext& run, MtpParameters& p, std::vector<double>& x_phys, Eigen::VectorXd& C);
    RunSummary summarize(RunContext& run, const MtpParameters& p);
};

/// The plugin options text for a shape: the manifest's options plus the shape keys.
std::string radial_options_text(const Manifest& m, const sdk::RadialShape& shape);

/// The objective's penalty weights, as the manifest's `loss` sets them.
Regularization regularization_of(const LossSpec& loss);

}  // namespace mtpc
