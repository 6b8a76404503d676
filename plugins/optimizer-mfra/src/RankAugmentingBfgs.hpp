// optimizer-mfra: matrix factorisation with rank augmentation (MFRA, Alg. 1 of the low-rank MTP paper).
#pragma once

#include <string>
#include <utility>

#include "mtpc/sdk/optimizer.hpp"
#include "mtpc_lowrank/optimizer_settings.hpp"

namespace mtpc::mfra {

/// How an augmentation splits the new rank-Δr term −h U_Δ Σ_Δ V_Δᵀ between the factors.
enum class AugmentationSplit {
    kBalanced,  ///< U ← [U, √h U_Δ Σ_Δ^½], V ← [V, −√h V_Δ Σ_Δ^½] (as radial-mf's initialisation)
    kPaper,     ///< U ← [U, h' U_Δ Σ_Δ^½], V ← [V, V_Δ Σ_Δ^½], h' = −h (Algorithm 1)
};

/// When and how ranks are added (the options of the same names; defaults as documented below).
struct AugmentationSchedule {
    int augment_every = 80;        ///< s
    int rank_step = 1;             ///< Δr
    bool keep_curvature = true;    ///< "augment_hessian": "keep" (embed H) or "reset" (H = I)
    bool count_bfgs_steps_only = false;  ///< "iteration_count": "bfgs_steps" (true) or "all_steps"
    AugmentationSplit split = AugmentationSplit::kBalanced;

    /// Whether an augmentation is due now (see "iteration_count").
    [[nodiscard]] bool due(int steps_at_rank, int bfgs_steps, int last_augmented_at) const;
};

/// Minimises L(x, C) with Ĉ = U Vᵀ (U ∈ R^{m×r}, V ∈ R^{n×r}), raising r during the run.
///
/// Algorithm 1 (MFRA) of Vorotnikov et al. 2025: BFGS on the Euclidean variables (x, U, V) -- a
/// dense inverse Hessian with a line search ("line_search": weak Wolfe, or Algorithm 2's Armijo
/// doubling/halving) -- and, when an augmentation is due while r < rank_max, a rank augmentation:
/// with G = ∂L/∂Ĉ and its Δr leading singular triplets (U_Δ, Σ_Δ, V_Δ), the iterate moves along
/// the best rank-Δr part of −G, Ĉ ← Ĉ − h U_Δ Σ_Δ V_Δᵀ (Algorithm 1's h' = −h), with the new
/// factor columns split as "augmentation_split" says, h from the same line search (weak Wolfe:
/// first trial the Polyak step L/Σσ²; Armijo doubling: α = 1 is the Polyak step), then r ← r + Δr
/// and the Hessian approximation grows with the new factor columns (identity block for them, the
/// old curvature kept: "augment_hessian" = "keep", or "reset" to restart it).  This step is the
/// steepest descent over all rank-Δr updates, so it decreases L whenever G ≠ 0.
///
/// When an augmentation is due ("iteration_count"):
///  - "bfgs_steps" (Algorithm 1): after BFGS steps k = s, 2s, 3s, … of this run (s =
///    "augment_every"); augmentations are not iterations (max_iterations counts BFGS steps, and
///    an augmentation is reported with the BFGS step after it);
///  - "all_steps" (default, the behaviour before the paper's text was available): after s BFGS
///    steps at the current rank, and an augmentation counts as an iteration (and is reported).
/// In both, a BFGS stall below rank_max (no decrease, or |ΔL| ≤ function_tolerance) augments at
/// once -- Algorithm 1 would idle there until the next multiple of s; the "bfgs_steps" schedule
/// stays on the multiples of s after it.
///
/// Options (JSON): "rank_min" (start rank; default: the parameterization's "rank", else 1; the
/// paper: r_min = Δr), "rank_max" (default min(m, n)), "augment_every" s (80), "rank_step" Δr
/// (1), "iteration_count" ("all_steps"), "augmentation_split" ("balanced"), "line_search"
/// ("wolfe"), "max_iterations" (1000), "gradient_tolerance" (1e-8), "function_tolerance" (1e-12),
/// "sufficient_decrease" (1e-3), "initial_step" (1), "initial_hessian" ("identity"),
/// "augment_hessian" ("keep"), "linear_first" (50) and "linear_every" (500): the exact re-solve of
/// x for the current Ĉ (Objective::solve_linear, the built-in BFGS recipe; H restarts after it;
/// not in Algorithm 1, which has no linear block of its own, but a compressed fit without it
/// lags the base fit that has it).  With rank_min = rank_max it is a fixed-rank MF optimiser (BFGS on
/// (x, U, V)), the same BFGS as MFRA's, for a like-for-like MF vs MFRA comparison.
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
    AugmentationSchedule schedule_;

    /// (rank_min, rank_max) resolved against the parameterization and checked against min(m, n).
    [[nodiscard]] std::pair<int, int> checked_ranks(const sdk::RadialShape& shape, int param_rank) const;
};

}  // namespace mtpc::mfra
