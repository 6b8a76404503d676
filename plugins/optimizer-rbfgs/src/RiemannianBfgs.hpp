// optimizer-rbfgs: Riemannian BFGS on R^p × M_r, the R-MF training of the low-rank MTP paper.
#pragma once

#include <string>

#include "mtpc/sdk/optimizer.hpp"
#include "mtpc_lowrank/optimizer_settings.hpp"

namespace mtpc::rbfgs {

/// Minimises L(x, C) over the Euclidean block x ∈ R^p and Ĉ = reshape(C) on the fixed-rank
/// manifold M_r (FixedRankManifold), with the Riemannian BFGS method of Huang, Gallivan & Absil
/// (SIAM J. Optim. 2015) as used in Vorotnikov et al. 2025 (Alg. 2):
///
///  - gradient: (∂L/∂x, P_X(∂L/∂Ĉ)), the Riemannian gradient of the embedded submanifold;
///  - search direction −H g with H a dense inverse-Hessian approximation on the product tangent
///    space, kept in orthonormal tangent coordinates (TangentFrame), dimension p + r(m+n−r);
///  - step: weak-Wolfe line search along the retraction curve t ↦ (x + t d_x, R_X(t ξ)) with
///    sufficient-decrease coefficient μ (Armijo) and curvature constant 0.9;
///  - after the step H is carried to the new tangent space as T H T⁻¹ (T the projection
///    transport, T⁻¹ the inverse transport of FixedRankManifold::inverse_transport) and updated
///    with s = T(t η), y = grad_new − T(grad_old); the update is skipped when ⟨s, y⟩ ≤ 0.
///
/// The paper's own pseudo-code was not available to us, so the line search and the update
/// follow the standard references cited above (Huang et al.; Absil et al. §4.2, §8.1).
///
/// Options (JSON): "rank" (default: the parameterization's "rank"; required otherwise),
/// "max_iterations" (1000), "gradient_tolerance" (1e-8), "function_tolerance" (1e-12),
/// "sufficient_decrease" (1e-3), "initial_step" (1), "restart_every" (0 = never: forget the
/// Hessian approximation every this many iterations, giving the host restart points).
///
/// Restart points (sdk::ProgressReport::restart_point): the iterate after a periodic restart, or
/// after a step so long that the inverse transport is ill-conditioned.  There the optimiser
/// re-derives its point from θ = param.initialize_from(Ĉ) exactly as a fresh start does
/// (X = SVD_r(C(θ)), H = I), so resuming from the reported (x, θ) with iterations_done =
/// iteration reproduces the rest of the run bit for bit.  Reports carry θ at every iterate.
class RiemannianBfgs final : public sdk::Optimizer {
public:
    explicit RiemannianBfgs(const std::string& options_json);

    [[nodiscard]] std::string options_json() const override;
    /// Starts from X = SVD_r(C(θ)); returns x, radial = final Ĉ (rank r), θ = param.initialize_from(radial)
    /// and iterations_done (runs at most max_iterations − iterations_done iterations).
    /// Throws std::invalid_argument on inconsistent sizes or a missing/invalid rank.
    void minimize(sdk::Objective& objective, const sdk::RadialParameterization& param,
                  sdk::OptimizerState& state) override;

private:
    lowrank::OptimizerSettings settings_;
    int rank_ = 0;           ///< 0: take the parameterization's rank
    int restart_every_ = 0;  ///< 0: no periodic restarts
    bool factor_metric_ = true;  ///< H₀ of the radial block: balanced-factor metric (else identity)
};

}  // namespace mtpc::rbfgs
