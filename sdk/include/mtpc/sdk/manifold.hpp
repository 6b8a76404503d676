// Manifold: the Riemannian geometry an optimiser needs (Absil, Mahony & Sepulchre, ch. 3-4, 8).
#pragma once

#include <string>

#include "mtpc/sdk/types.hpp"

namespace mtpc::sdk {

/// A smooth manifold embedded in an ambient Euclidean space R^n.
///
/// Points have their own storage (`point_size()` doubles; e.g. factors U, Σ, V of a fixed-rank
/// matrix); tangent vectors are stored as *ambient* vectors (`ambient_size()` doubles) that lie in
/// the tangent space -- cheap enough at MTP sizes (Ĉ has a few hundred entries) and it makes
/// projection, transport and the Hessian approximation plain linear algebra.  The metric is the
/// one induced by the ambient Euclidean inner product unless a plugin says otherwise.
class MTPC_SDK_VISIBLE Manifold {
public:
    virtual ~Manifold() = default;

    [[nodiscard]] virtual int ambient_size() const = 0;  ///< n (e.g. m·n of a matrix space)
    [[nodiscard]] virtual int dimension() const = 0;     ///< intrinsic dimension (e.g. r(m+n−r))
    [[nodiscard]] virtual int point_size() const = 0;    ///< doubles per stored point

    /// Nearest point of the manifold to an ambient vector (e.g. truncated SVD); initialisation.
    virtual void from_ambient(const double* ambient, double* x) const = 0;
    /// Ambient coordinates of the point x (e.g. U Σ Vᵀ).
    virtual void to_ambient(const double* x, double* ambient) const = 0;
    /// Orthogonal projection of an ambient vector v onto the tangent space at x.
    virtual void project(const double* x, const double* v, double* out) const = 0;
    /// Retraction R_x(ξ) of a tangent vector ξ at x: a new point.
    virtual void retract(const double* x, const double* xi, double* x_new) const = 0;
    /// Vector transport of ξ ∈ T_x to T_y.
    virtual void transport(const double* x, const double* y, const double* xi, double* out) const = 0;
    /// Riemannian metric g_x(a, b) of two tangent vectors at x.
    [[nodiscard]] virtual double inner(const double* x, const double* a, const double* b) const = 0;
};

}  // namespace mtpc::sdk
