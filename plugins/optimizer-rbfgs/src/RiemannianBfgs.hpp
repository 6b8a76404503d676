// optimizer-rbfgs: Riemannian BFGS on R^p × M_r, the R-MF training of the low-rank MTP paper.
#pragma once

#include <string>

#include "mtpc/sdk/optimizer.hpp"
#include "mtpc_lowrank/inverse_bfgs.hpp"
#include "mtpc_lowrank/optimizer_settings.hpp"

namespace mtpc::rbfgs {

/// Minimises L(x, C) over the Euclidean block x ∈ R^p and Ĉ = reshape(C) on the fixed-rank
/// manifold M_r (FixedRankManifold), with the Riemannian BFGS method of Algorithm 2 of
/// Vorotnikov et al. 2025 (supplementary material; Huang, Gallivan & Absil, SIAM J. Optim. 2015):
///
///  - gradient: (∂L/∂x, P_X(∂L/∂Ĉ)), the Riemannian gradient of the embedded submanifold;
///  - search direction η = −H g with H a dense inverse-Hessian approximation on the product
///    tangent space, kept in orthonormal tangent coordinates (TangentFrame), dimension
///    p + r(m+n−r);
///  - step along the retraction curve t ↦ (x + t d_x, R_X(t ξ)): "line_search" "armijo_doubling" is
///    Algorithm 2's own search (armijo_doubling_search: α = 1, doubling, then halving, Armijo
///    with μ = "sufficient_decrease"); "wolfe" (default) a weak-Wolfe search (curvature 0.9) from
///    the first trial of first_trial_step, which this plugin used before the paper's text was
///    available and keeps as the default so that earlier runs reproduce;
///  - after the step H is carried to the new tangent space as H̃ = T H T⁻¹ (T the projection
///    transport, T⁻¹ the inverse transport of Proposition IV.1/IV.2, FixedRankManifold::
///    inverse_transport), exactly ("hessian_transport": "plain", Algorithm 2) or symmetrised
///    (default "symmetrized", see InverseBfgs::Transport), and updated with s = T(α η),
///    y = grad_new − T(grad_old); the update is skipped when ⟨s, y⟩ ≤ 0 (a safeguard Algorithm 2
///    does not state; with its Armijo-only search ⟨s, y⟩ > 0 is not guaranteed);
///  - H₀ = I on x; on the radial block the identity ("radial_metric": "euclidean", Algorithm 2's
///    H₀ = id) or the balanced-factor metric ("factor", default; TangentFrame::factor_metric_weights).
///
/// Options (JSON): "rank" (default: the parameterization's "rank"; required otherwise),
/// "max_iterations" (1000), "gradient_tolerance" (1e-8), "function_tolerance" (1e-12),
/// "sufficient_decrease" (1e-3), "initial_step" (1), "initial_hessian" ("identity"), "line_search"
/// ("wolfe"), "hessian_transport" ("symmetrized"), "radial_metric" ("factor"), "restart_every"
/// (0 = never: forget the Hessian approximation every this many iterations, giving the host
/// restart points), "linear_first" (50) and "linear_every" (500): the exact re-solve of x for the
/// current Ĉ (Objective::solve_linear, the built-in BFGS recipe; not in Algorithm 2) at a restart,
/// which is a restart point holding the re-solved x; 0 = never.  The paper's form: {"line_search": "armijo_doubling", "hessian_transport":
/// "plain", "radial_metric": "euclidean"} with "sufficient_decrease" 1e-3 or 1e-4.
///
/// Restart points (sdk::ProgressReport::restart_point): the iterate after a periodic restart, or
/// after a step so long that the inverse transport is ill-conditioned.  There the optimiser
/// re-derives its point from θ = param.initialize_from(Ĉ) exactly as a fresh start does
/// (X = SVD_r(C(θ)), H = H₀), so resuming from the reported (x, θ) with iterations_done =
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
    /// The option's rank, else the parameterization's; checked against min(m, n).
    int checked_rank(const sdk::RadialShape& shape, const sdk::RadialParameterization& param) const;

    lowrank::OptimizerSettings settings_;
    int rank_ = 0;           ///< 0: take the parameterization's rank
    int restart_every_ = 0;  ///< 0: no periodic restarts
    bool factor_metric_ = true;  ///< H₀ of the radial block: balanced-factor metric (else identity)
    lowrank::InverseBfgs::Transport transport_ = lowrank::InverseBfgs::Transport::kSymmetrized;
};

}  // namespace mtpc::rbfgs
