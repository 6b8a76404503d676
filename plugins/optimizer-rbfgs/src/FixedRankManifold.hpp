// The manifold M_r of m × n real matrices of rank exactly r (Vandereycken 2013; Absil, Mahony &
// Sepulchre 2008, ch. 3-4 and 8), the constraint set of R-MF: Ĉ = reshape(C) restricted to rank r.
#pragma once

#include <string>

#include "mtpc/sdk/manifold.hpp"
#include "TangentFrame.hpp"

namespace mtpc::rbfgs {

/// M_r = {X ∈ R^{m×n} : rank X = r}, embedded in R^{m×n} with the Frobenius metric.
///
/// Point storage (point_size() = r(m+n+1) doubles): U (m × r, column-major, orthonormal columns),
/// σ (r, descending), V (n × r, column-major, orthonormal columns); X = U diag(σ) Vᵀ.
/// Ambient vectors and tangent vectors: row-major m × n matrices (the layout of C, so Ĉ itself).
///
///  - projection  P_X(Z) = UUᵀZ + ZVVᵀ − UUᵀZVVᵀ
///  - retraction  R_X(ξ) = SVD_r(X + ξ), the metric projection back onto M_r (Absil & Malick 2012),
///    with the deterministic sign convention of lowrank::truncated_svd (a pure function of
///    the bits of X + ξ)
///  - transport   T_{X→Y}(ξ) = P_Y(ξ)
///  - inverse transport (T_{X→Y} restricted to T_X)⁻¹: T_Y → T_X, see inverse_transport.
class FixedRankManifold final : public sdk::Manifold {
public:
    FixedRankManifold(int rows, int cols, int rank);
    /// Plugin constructor.  Options: "rank" plus the shape, either {"rows", "cols"} or the radial
    /// shape {"n_species", "n_funcs", "n_basis"} (m = N_T², n = N_f·N_b).
    explicit FixedRankManifold(const std::string& options_json);

    [[nodiscard]] int ambient_size() const override { return m_ * n_; }
    [[nodiscard]] int dimension() const override { return r_ * (m_ + n_ - r_); }
    [[nodiscard]] int point_size() const override { return r_ * (m_ + n_ + 1); }

    void from_ambient(const double* ambient, double* x) const override;
    void to_ambient(const double* x, double* ambient) const override;
    void project(const double* x, const double* v, double* out) const override;
    void retract(const double* x, const double* xi, double* x_new) const override;
    void transport(const double* x, const double* y, const double* xi, double* out) const override;
    [[nodiscard]] double inner(const double* x, const double* a, const double* b) const override;

    /// The inverse of the projection transport: the unique ξ ∈ T_X with P_Y(ξ) = η, for η ∈ T_Y.
    ///
    /// The form of the paper's Prop. IV.2 was not available to us; this computes the same map
    /// (the inverse of T_{X→Y} restricted to T_X) by a linear solve in the orthonormal tangent
    /// coordinates of TangentFrame: K a = Q_Yᵀ η with K = Q_Yᵀ Q_X (r(m+n−r) unknowns), ξ = Q_X a.
    /// It exists while no direction of T_X is orthogonal to T_Y, in particular for all Y near X;
    /// throws std::domain_error when K is numerically singular.
    void inverse_transport(const double* x, const double* y, const double* eta, double* out) const;

    /// Orthonormal tangent coordinates at x.
    [[nodiscard]] TangentFrame frame(const double* x) const;

    [[nodiscard]] int rows() const { return m_; }
    [[nodiscard]] int cols() const { return n_; }
    [[nodiscard]] int rank() const { return r_; }

    /// Views of the factors of a stored point.
    [[nodiscard]] Eigen::Map<const sdk::Matrix> U(const double* x) const { return {x, m_, r_}; }
    [[nodiscard]] Eigen::Map<const sdk::Vector> sigma(const double* x) const { return {x + m_ * r_, r_}; }
    [[nodiscard]] Eigen::Map<const sdk::Matrix> V(const double* x) const { return {x + m_ * r_ + r_, n_, r_}; }

private:
    void check_shape() const;

    int m_ = 0, n_ = 0, r_ = 0;
};

}  // namespace mtpc::rbfgs
