// Fitting a rank-R CP (canonical polyadic) decomposition to a radial tensor by alternating least
// squares -- the numerical heart of radial-cp's initialize_from ("compress a trained potential").
#pragma once

#include <Eigen/Core>

#include <array>

#include "mtpc/sdk/types.hpp"

namespace radial_cp {

/// The four factor matrices of C[i,j,μ,β] = Σ_k A[i,k] B[j,k] M[μ,k] D[β,k], indexed by mode:
/// factors[0] = A (N_T × R), [1] = B (N_T × R), [2] = M (N_f × R), [3] = D (N_b × R).
using CpFactors = std::array<Eigen::MatrixXd, 4>;

/// Sizes of the four modes of C: (N_T, N_T, N_f, N_b).
std::array<int, 4> mode_sizes(const mtpc::sdk::RadialShape& shape);

/// C from its factors, in the SDK's storage order (row-major over i, j, μ, β).
void cp_materialize(const mtpc::sdk::RadialShape& shape, const CpFactors& f, double* C);

/// Rank-`rank` CP factors approximating C (least squares), deterministic in C.
///
/// Start: for each mode, the leading left singular vectors of C's unfolding along it (HOSVD);
/// for a C of CP rank ≤ `rank` with rank ≤ every mode size this start already spans the right
/// subspaces.  Then ALS sweeps: each factor in turn is the exact least-squares solution with the
/// other three fixed, F_n = X_(n) (⊙_{m≠n} F_m) (⊛_{m≠n} F_mᵀF_m)⁺.  Sweeps stop when the relative
/// residual |C − C(F)|/|C| falls below 1e-13, stops improving, or after `max_sweeps`.
/// Finally the columns are balanced: every factor's k-th column gets the same norm λ_k^{1/4}.
CpFactors fit_cp_als(const mtpc::sdk::RadialShape& shape, const double* C, int rank, int max_sweeps);

}  // namespace radial_cp
