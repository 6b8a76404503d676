// An orthonormal basis of the tangent space of the fixed-rank manifold at one point.
#pragma once

#include <utility>
#include <vector>

#include "mtpc/sdk/types.hpp"

namespace mtpc::rbfgs {

/// Orthonormal coordinates on T_X M_r for X = U Σ Vᵀ (Vandereycken 2013, Prop. 2.1).
///
/// Complete U to an orthonormal basis [U, U⊥] of R^m and V to [V, V⊥] of R^n.  The rank-one
/// matrices u_i v_jᵀ are orthonormal in the Frobenius inner product, and those with i < r or
/// j < r (i.e. all but the U⊥ · V⊥ᵀ block) span exactly
///   T_X M_r = { U M Vᵀ + U_p Vᵀ + U V_pᵀ : U_pᵀ U = 0, V_pᵀ V = 0 },
/// which gives its dimension mn − (m−r)(n−r) = r(m+n−r).  The coordinates of an ambient Z are
/// c_(i,j) = u_iᵀ Z v_j, which are also the coordinates of its projection P_X(Z).
///
/// Ambient matrices are row-major m × n buffers (the layout of the radial tensor C, i.e. Ĉ).
class TangentFrame {
public:
    /// U (m × r) and V (n × r) with orthonormal columns.
    TangentFrame(const sdk::Matrix& U, const sdk::Matrix& V);

    [[nodiscard]] int rows() const { return static_cast<int>(U_full_.rows()); }
    [[nodiscard]] int cols() const { return static_cast<int>(V_full_.rows()); }
    [[nodiscard]] int rank() const { return rank_; }
    [[nodiscard]] int dimension() const { return static_cast<int>(pairs_.size()); }

    /// Coordinates of P_X(Z) for an ambient Z (any matrix, tangent or not).
    [[nodiscard]] sdk::Vector coordinates(const double* ambient) const;
    /// The tangent vector with coordinates c, written to an ambient buffer.
    void to_ambient(const sdk::Vector& c, double* ambient) const;

    /// The metric of the balanced factorisation, diagonal in these coordinates.
    ///
    /// Writing X = A Bᵀ with A = U Σ^½, B = V Σ^½ (how radial-mf and MF store Ĉ), a step
    /// (δA, δB) moves X by J(δA, δB) = δA Bᵀ + A δBᵀ, and a gradient step on the factors moves it
    /// by −J Jᵀ G = −(G V Σ Vᵀ + U Σ Uᵀ G).  J Jᵀ is diagonal in the frame: coordinate (i, j) is
    /// multiplied by w_ij = σ_i [i < r] + σ_j [j < r].  Used as the initial inverse Hessian of
    /// the radial block it makes the Riemannian method's first steps those of BFGS on the factors
    /// (MF) after a restart, instead of steps that ignore the scale of Ĉ's singular values.
    /// `sigma`: the r singular values of the point of this frame.
    [[nodiscard]] sdk::Vector factor_metric_weights(const sdk::Vector& sigma) const;

    /// Matrix of the projection transport T_{X→Y}: T_X → T_Y in these coordinates,
    /// K = Q_Yᵀ Q_X, with entries ⟨u^Y_i v^Y_jᵀ, u^X_k v^X_lᵀ⟩ = (U_Yᵀ U_X)_{ik} (V_Yᵀ V_X)_{jl}.
    static sdk::Matrix transport_matrix(const TangentFrame& from, const TangentFrame& to);

private:
    sdk::Matrix U_full_;  // [U, U⊥], m × m orthogonal
    sdk::Matrix V_full_;  // [V, V⊥], n × n orthogonal
    int rank_;
    std::vector<std::pair<int, int>> pairs_;  // (i, j) with i < r or j < r, row-major order
};

}  // namespace mtpc::rbfgs
