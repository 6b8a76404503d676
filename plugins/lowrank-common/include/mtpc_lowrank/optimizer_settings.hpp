// Options every low-rank optimiser shares, and reading/writing "rank" in a parameterization's
// options.
#pragma once

#include <nlohmann/json.hpp>

#include <initializer_list>
#include <string>
#include <vector>

#include "mtpc/sdk/linear_resolve_schedule.hpp"
#include "mtpc/sdk/optimizer.hpp"
#include "mtpc_lowrank/line_search.hpp"
#include "mtpc_plugin_common/options.hpp"

namespace mtpc::lowrank {

/// The common keys of the SDK's Optimizer contract plus the line-search ones.
struct OptimizerSettings {
    int max_iterations = 1000;         ///< accepted iterates
    double gradient_tolerance = 1e-8;  ///< stop when |grad L| ≤ this (absolute)
    double function_tolerance = 1e-12; ///< stop when |ΔL| ≤ this · max(1, |L|)
    double sufficient_decrease = 1e-3; ///< μ of the Armijo condition
    double initial_step = 1;           ///< scale of each weak-Wolfe search's first trial (first_trial_step)
    /// "line_search": "wolfe" (default) or "armijo_doubling" (Algorithm 2 of the low-rank paper:
    /// starts at α = 1, ignores initial_step; see armijo_doubling_search).
    LineSearchKind line_search = LineSearchKind::kWeakWolfe;
    /// "initial_hessian": "identity" (false, default: H₀ kept as given, like Ceres) or "scaled"
    /// (true: Shanno–Phua scaling at the first update, see InverseBfgs::update).
    bool scale_initial_hessian = false;
    /// "linear_first", "linear_every": when the linear coefficients are re-solved exactly
    /// (Objective::solve_linear; the built-in BFGS recipe's defaults, so that a compressed model
    /// trains as the base one does); linear_every 0 = never.  After a re-solve the optimiser
    /// restarts its Hessian approximation, as the built-in BFGS does.
    int linear_first = sdk::LinearResolveSchedule::kDefaultFirst;
    int linear_every = sdk::LinearResolveSchedule::kDefaultEvery;

    /// Reads the keys above from `opt` (absent keys keep their defaults); throws
    /// std::invalid_argument naming the plugin and the key when a value is out of range.
    static OptimizerSettings parse(const plugin_common::Options& opt, const std::string& plugin);
    /// The keys parse() reads (from to_json(): one list), followed by a plugin's `own` keys: what
    /// the plugin passes to Options::allow_only.
    static std::vector<std::string> keys_and(std::initializer_list<const char*> own);
    /// The settings as JSON (for options_json()).
    [[nodiscard]] nlohmann::json to_json() const;
    /// The line-search settings these options define.
    [[nodiscard]] LineSearchSettings line_search_settings() const;
    /// The re-solve points these options define.
    [[nodiscard]] sdk::LinearResolveSchedule linear_resolve_schedule() const { return {linear_first, linear_every}; }
};

/// The "rank" key of a parameterization's options_json(), or 0 when it has none (e.g. radial-full).
int rank_in_options(const std::string& parameterization_options_json);

/// The same options with "rank" set to `rank` (other keys untouched).
std::string options_with_rank(const std::string& parameterization_options_json, int rank);

/// Checks what Optimizer::minimize receives before using it: the parameterization's radial shape
/// equals the objective's, and the start x and θ have the sizes the objective and the
/// parameterization expect.  Throws std::invalid_argument naming `plugin`.
void check_start(const std::string& plugin, const sdk::Objective& objective, const sdk::RadialParameterization& param,
                 const sdk::OptimizerState& state);

}  // namespace mtpc::lowrank
