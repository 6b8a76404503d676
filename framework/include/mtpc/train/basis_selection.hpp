// ℓ0 selection of basis functions (Shapeev 2016 §4.5.3): the greedy algorithm made genetic by
// crossover and local search, on the normal equations of the linear fit.
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <vector>

#include "mtpc/train/normal_equations.hpp"

namespace mtpc {

struct BasisSelectionOptions {
    /// The number of basis functions (ξ) to keep, N_nz; 0 = stop by `tolerance` instead.
    int keep = 0;
    /// Accuracy goal when keep = 0: the smallest N_nz whose loss is at most (1 + tolerance) × the
    /// loss of the fit with every basis function.
    double tolerance = 0.05;
    /// Sets kept between steps (the paper's 4).
    int population = 4;
    /// Local-search swaps per set and step at most (the paper repeats until no swap improves).
    int max_swaps = 20;
    /// Seed of the crossover's random splits (results are deterministic for a seed).
    std::uint64_t seed = 1;
    /// γ of the ridge γ diag(A) on the selected ξ; 0 = the paper's plain least squares.
    double l2 = 0;
};

struct BasisSelection {
    std::vector<int> basis;   ///< kept basis functions, ascending (indices into ξ, i.e. alpha_moment_mapping)
    Eigen::VectorXd theta;    ///< full [species coefficients, ξ], 0 outside the species and `basis`
    double loss = 0;          ///< data loss L(θ) of the normal equations
    double force_rmse = 0;    ///< RMS force-component error of θ on the same configurations
    double full_loss = 0;     ///< L with every basis function (same γ)
    std::vector<double> loss_path;  ///< best loss for N_nz = 1, 2, … as the algorithm went
};

/// Species coefficients are always fitted (not counted in N_nz).  Each candidate set is solved
/// on its own block of A (Cholesky); additions and removals are ranked by the exact change of
/// the loss (Schur complements), so a step costs O(N_nz² S), not a solve per candidate.
BasisSelection select_basis(const NormalEquations& ne, int n_species, const BasisSelectionOptions& options);

}  // namespace mtpc
