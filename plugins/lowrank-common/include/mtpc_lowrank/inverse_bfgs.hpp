// Dense inverse-Hessian approximation with the BFGS update (Nocedal & Wright, §6.1).
#pragma once

#include <vector>

#include "mtpc/sdk/types.hpp"

namespace mtpc::lowrank {

/// H ≈ (∇²L)⁻¹ as a dense symmetric matrix in some orthonormal coordinates.
///
/// Dense is deliberate: the spaces here have a few hundred to ~1000 dimensions (Euclidean block
/// plus radial tangent coordinates), where an explicit H is cheap next to one loss evaluation and
/// makes the transport H ↦ T H T⁻¹ of the Riemannian variant a plain matrix product.
class InverseBfgs {
public:
    /// `scale_first_update`: see update().
    explicit InverseBfgs(bool scale_first_update = false) : scale_first_update_(scale_first_update) {}

    /// H = I of size n (`is_fresh()` until the next successful update).
    void reset(int n);
    /// H = diag(d) (a positive diagonal initial approximation: a preconditioner), fresh as reset(n).
    void reset(const sdk::Vector& diagonal);
    [[nodiscard]] int size() const { return static_cast<int>(H_.rows()); }
    /// True while H is the unscaled identity of the last reset (no curvature information yet).
    [[nodiscard]] bool is_fresh() const { return fresh_; }
    [[nodiscard]] const sdk::Matrix& matrix() const { return H_; }

    /// Grows the space: old coordinate k becomes new coordinate `position[k]` (strictly
    /// increasing, < new_size), H keeps its entries among the old coordinates, and the new
    /// coordinates get the identity block (no curvature information, as after reset).  Used when
    /// variables are added -- MFRA's rank augmentation appends factor columns -- so that the
    /// curvature learnt for the old variables is not thrown away.  Not fresh afterwards.
    void embed(const std::vector<int>& position, int new_size);

    /// The quasi-Newton direction −H g.
    [[nodiscard]] sdk::Vector direction(const sdk::Vector& g) const;

    /// How transport() carries H to the new tangent space.
    enum class Transport {
        /// ½(T H T⁻¹ + (T H T⁻¹)ᵀ): a non-isometric transport (projection) does not preserve
        /// self-adjointness, and the textbook BFGS formula assumes a self-adjoint H; for small
        /// steps T ≈ I and the change is tiny.
        kSymmetrized,
        /// H̃ = T H T⁻¹ exactly, as Algorithm 2 of the low-rank paper writes it; update() then
        /// uses the BFGS formula for a general (non-self-adjoint) H̃.
        kPlain,
    };

    /// Moves the operator to the tangent space the vector transport T (given with its inverse)
    /// maps into, in the form `how` names.
    void transport(const sdk::Matrix& T, const sdk::Matrix& T_inverse, Transport how = Transport::kSymmetrized);

    /// BFGS update with step s and gradient change y.  Skipped (returns false) unless the
    /// curvature condition ⟨s, y⟩ > 1e-10 |s| |y| holds, which keeps H positive definite.
    ///
    /// With `scale_first_update`, the first update after a reset first scales H₀ by
    /// ⟨s,y⟩/⟨y,H₀y⟩ (Shanno–Phua; Nocedal & Wright eq. 6.20 for H₀ = I).  That matches H₀ to
    /// the curvature along the one direction seen so far, which on an ill-conditioned problem
    /// is dominated by the stiffest directions: every direction BFGS has not explored yet then
    /// keeps the step 1/λ_max, and a budget of fewer iterations than dimensions leaves most of
    /// them unexplored.  Without it (Ceres's default) H₀ keeps its given scale and the line
    /// search's first trial (first_trial_step) absorbs a wrong scale instead; on the MTP loss
    /// that reached a 3× lower training loss in 250 iterations (examples/paper/README.md).
    ///
    /// The formula is H⁺ = (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, ρ = 1/⟨s, y⟩, which is Algorithm
    /// 2's update of H̃ written in coordinates; it needs no symmetry of H, and the cheaper form
    /// for a symmetric H is used while H is symmetric (no Transport::kPlain since the last reset).
    bool update(const sdk::Vector& s, const sdk::Vector& y);

private:
    sdk::Matrix H_;
    bool fresh_ = true;
    bool symmetric_ = true;  ///< false after a Transport::kPlain, until the next reset
    bool scale_first_update_ = false;
};

}  // namespace mtpc::lowrank
