// optimizer-mfra: matrix factorisation with rank augmentation (MFRA, Alg. 1 of the low-rank MTP paper).
#pragma once

#include <string>

#include "mtpc/sdk/optimizer.hpp"
#include "mtpc_lowrank/optimizer_settings.hpp"

namespace mtpc::mfra {

/// Minimises L(x, C) with Ĉ = U Vᵀ (U ∈ R^{m×r}, V ∈ R^{n×r}), raising r during the run.
///
/// Vorotnikov et al. 2025 (Alg. 1, MFRA): BFGS on the Euclidean variables (x, U, V) -- a dense
/// inverse Hessian with a weak-Wolfe line search (sufficient decrease μ, curvature 0.9) -- and,
/// every `augment_every` BFGS steps (or as soon as BFGS stalls at the current rank) while
/// r < rank_max, a rank augmentation: with G = ∂L/∂Ĉ and its Δr leading singular triplets
/// (σ_k, u_k, v_k), the iterate moves along the best rank-Δr part of −G,
///     Ĉ ← Ĉ − h Σ_k σ_k u_k v_kᵀ,   i.e.  U ← [U, √(hσ_k) u_k],  V ← [V, −√(hσ_k) v_k],
/// (the factors of the new terms balanced, as the MF initialisation is), with h from the same
/// line search started at the Polyak step L/Σσ_k² (L ≥ 0 is a sum of squares), then r ← r + Δr
/// and the Hessian approximation grows with the new factor columns (identity block for them,
/// the old curvature kept: option "augment_hessian" = "keep", or "reset" to restart it).  This step is the steepest
/// descent over all rank-Δr updates, so it decreases L whenever G ≠ 0, i.e. whenever the rank-r
/// optimum is not stationary for the unconstrained Ĉ.  The paper's pseudo-code itself was not
/// available to us; this follows its description and Uschmajew's rank-one greedy updates.
///
/// Options (JSON): "rank_min" (start rank; default: the parameterization's "rank", else 1),
/// "rank_max" (default min(m, n)), "augment_every" (80), "rank_step" Δr (1), "max_iterations"
/// (1000, BFGS steps and augmentations together), "gradient_tolerance" (1e-8),
/// "function_tolerance" (1e-12), "sufficient_decrease" (1e-3), "initial_step" (1), "initial_hessian"
/// ("identity"), "augment_hessian" ("keep").
///
/// Result: radial = U Vᵀ.  When the final rank differs from the parameterization's "rank",
/// new_parameterization_options = its options with "rank" replaced (θ is then left empty: the
/// host rebuilds the parameterization and takes θ from radial); otherwise θ =
/// param.initialize_from(radial).  No report is a restart point: the augmentation schedule and
/// the factor gauge are not recoverable from (x, θ).
class RankAugmentingBfgs final : public sdk::Optimizer {
public:
    explicit RankAugmentingBfgs(const std::string& options_json);

    [[nodiscard]] std::string options_json() const override;
    /// Throws std::invalid_argument on inconsistent sizes or ranks.
    void minimize(sdk::Objective& objective, const sdk::RadialParameterization& param,
                  sdk::OptimizerState& state) override;

private:
    lowrank::OptimizerSettings settings_;
    int rank_min_ = 0;  ///< 0: the parameterization's rank, else 1
    int rank_max_ = 0;  ///< 0: min(m, n)
    int augment_every_ = 80;
    int rank_step_ = 1;
    bool keep_curvature_ = true;  ///< "augment_hessian": "keep" (embed H) or "reset" (H = I)
};

}  // namespace mtpc::mfra
