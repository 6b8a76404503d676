// A set of configurations prepared for repeated evaluation: neighbour lists built once, loss
// targets with MLIP-2's per-configuration weighting.
#pragma once

#include <string>
#include <vector>

#include "mtpc/core/configuration.hpp"
#include "mtpc/mtp/mtp_model.hpp"
#include "mtpc/mtp/neighbor_list.hpp"
#include "mtpc/sdk/descriptor.hpp"

namespace mtpc {

/// Loss weights and how they apply per configuration of N atoms.  MLIP-2's weightings
/// (dev_src/mtpr_trainer.cpp, AddToSLAE) with the stress over the full 3×3 virial:
///   "vibrations" (default): w_e/N, w_f, w_s/N;  "structures": w_e/N², w_f/N, w_s/N²;
///   "molecules": w_e, w_f, w_s;
/// and eq. (8) of the low-rank paper exactly:
///   "eq8": w_e, w_f, w_s with the 6 stress components each counted once (sdk::LossTarget::stress_voigt).
struct LossWeights {
    double energy = 1.0, forces = 0.01, stress = 0.0;
    std::string weighting = "vibrations";
};

class TrainingSet {
public:
    TrainingSet() = default;
    // items() point into this object's vectors: moving keeps them valid, copying would not.
    TrainingSet(const TrainingSet&) = delete;
    TrainingSet& operator=(const TrainingSet&) = delete;
    TrainingSet(TrainingSet&&) = default;
    TrainingSet& operator=(TrainingSet&&) = default;
    /// Takes the configurations (checked against `species_count`; `file` for messages), builds
    /// neighbour lists for `cutoff` and the loss targets.
    TrainingSet(std::vector<Configuration> cfgs, int species_count, double cutoff, const LossWeights& weights,
                const std::string& file);

    [[nodiscard]] int size() const { return static_cast<int>(cfgs_.size()); }
    [[nodiscard]] long atoms() const { return atoms_; }
    [[nodiscard]] const std::vector<Configuration>& configurations() const { return cfgs_; }
    [[nodiscard]] const std::vector<TrainingItem>& items() const { return items_; }
    [[nodiscard]] const NeighborList& neighbors(int k) const { return nls_[k]; }
    [[nodiscard]] const std::string& file() const { return file_; }
    /// Closest distance (Å) between atoms of species z_i and z_j over all configurations, at
    /// [z_i·N_T + z_j] (symmetric); +infinity where no such pair is within the cutoff.  Below it
    /// the data say nothing about that pair's radial functions.
    [[nodiscard]] const std::vector<double>& closest_by_species() const { return closest_by_species_; }

private:
    void record_closest_pairs(const NeighborList& nl, const std::vector<int>& types, int species_count);

    std::vector<Configuration> cfgs_;
    std::vector<NeighborList> nls_;
    std::vector<std::vector<double>> forces_;  ///< flattened reference forces (targets point here)
    std::vector<std::array<double, 6>> virials_;
    std::vector<TrainingItem> items_;
    std::vector<double> closest_by_species_;
    long atoms_ = 0;
    std::string file_;
};

}  // namespace mtpc
