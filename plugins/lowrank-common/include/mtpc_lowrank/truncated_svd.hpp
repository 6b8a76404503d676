// TruncatedSvd: the best rank-r approximation of a matrix with a reproducible sign convention.
#pragma once

#include <Eigen/Core>

namespace mtpc::lowrank {

/// A ≈ U diag(sigma) Vᵀ with the r largest singular values (Eckart–Young: no rank-r matrix is
/// closer in the Frobenius norm; the squared error is the sum of the discarded σ²).
///
/// Singular vectors are only defined up to sign, and an LAPACK-style solver picks whichever sign
/// its iteration happens to produce.  To make "compress this potential" reproducible we fix it:
/// the largest-magnitude entry of every left singular vector is made positive (the first such
/// entry on an exact tie), and the right vector is flipped with it so U diag(σ) Vᵀ is unchanged.
struct TruncatedSvd {
    Eigen::MatrixXd U;      ///< m × r, orthonormal columns
    Eigen::VectorXd sigma;  ///< r, non-increasing, ≥ 0
    Eigen::MatrixXd V;      ///< n × r, orthonormal columns
};

/// Truncated SVD of A keeping `rank` singular triplets; requires 1 ≤ rank ≤ min(rows, cols).
/// Uses Eigen::JacobiSVD (one-sided Jacobi: the most accurate choice, and the matrices here are
/// at most a few hundred wide, so its cost does not matter).
TruncatedSvd truncated_svd(const Eigen::Ref<const Eigen::MatrixXd>& A, int rank);

}  // namespace mtpc::lowrank
