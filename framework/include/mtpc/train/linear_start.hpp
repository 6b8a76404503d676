// Where the Euclidean block (species coefficients, ξ) starts, and how it is scaled.
#pragma once

#include <vector>

#include "mtpc/mtp/mtp_model.hpp"
#include "mtpc/train/training_set.hpp"

namespace mtpc {

struct LinearStart {
    /// x_phys = scale ⊙ x_optimiser: 1 for species coefficients; for ξ_s, 1 / RMS over the training
    /// configurations of the per-atom value of basis function s.  Raw MTP basis functions span
    /// many orders of magnitude; this makes BFGS's first steps sensible (MLIP-2 rescales too).
    std::vector<double> scale;
    /// Physical linear coefficients: the fit below when requested, else empty.
    std::vector<double> x;
};

/// The energy of configuration k is linear in the linear block, E_k = a_kᵀ x (a_k = ∂E_k/∂x from
/// one energy-gradient pass).  Computes the scale and, when `fit` is set, the weighted ridge
/// least-squares fit of the energies (weights 1/N_k so every atom counts the same; ridge 1e-8 of
/// the mean diagonal in scaled coordinates, which only resolves exact degeneracies).
LinearStart fit_linear_start(const MtpModel& model, const TrainingSet& train, const double* C, bool fit, int threads);

}  // namespace mtpc
