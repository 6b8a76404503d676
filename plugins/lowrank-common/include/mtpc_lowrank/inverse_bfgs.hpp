// Dense inverse-Hessian approximation with the BFGS update (Nocedal & Wright, §6.1).
#pragma once

#include "mtpc/sdk/types.hpp"

namespace mtpc::lowrank {

/// H ≈ (∇²L)⁻¹ as a dense symmetric matrix in some orthonormal coordinates.
///
/// Dense is deliberate: the spaces here have a few hundred to ~1000 dimensions (Euclidean block
/// plus radial tangent coordinates), where an explicit H is cheap next to one loss evaluation and
/// makes the transport H ↦ T H T⁻¹ of the Riemannian variant a plain matrix product.
class InverseBfgs {
public:
    /// H = I of size n; the next successful update first rescales it (`is_fresh()` until then).
    void reset(int n);
    [[nodiscard]] int size() const { return static_cast<int>(H_.rows()); }
    /// True while H is the unscaled identity of the last reset (no curvature information yet).
    [[nodiscard]] bool is_fresh() const { return fresh_; }
    [[nodiscard]] const sdk::Matrix& matrix() const { return H_; }

    /// The quasi-Newton direction −H g.
    [[nodiscard]] sdk::Vector direction(const sdk::Vector& g) const;

    /// Replaces H by the symmetric part of T H T⁻¹, i.e. moves the operator to the tangent space
    /// the vector transport T (given with its inverse) maps into.  The symmetric part is taken
    /// because a non-isometric transport (projection) does not preserve self-adjointness, and the
    /// BFGS formula assumes a self-adjoint H; for small steps T ≈ I and the change is tiny.
    void transport(const sdk::Matrix& T, const sdk::Matrix& T_inverse);

    /// BFGS update with step s and gradient change y.  Skipped (returns false) unless the
    /// curvature condition ⟨s, y⟩ > 1e-10 |s| |y| holds, which keeps H positive definite.  On the
    /// first update after a reset H is first scaled to (⟨s,y⟩/⟨y,y⟩) I (Shanno–Phua), so that the
    /// identity's arbitrary scale does not linger.
    bool update(const sdk::Vector& s, const sdk::Vector& y);

private:
    sdk::Matrix H_;
    bool fresh_ = true;
};

}  // namespace mtpc::lowrank
