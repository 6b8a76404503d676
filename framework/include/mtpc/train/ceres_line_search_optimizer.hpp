// The built-in Euclidean optimisers "bfgs" and "lbfgs": Ceres's GradientProblemSolver (line search
// with Wolfe conditions) over z = [x, θ] for any parameterization with unconstrained θ.
#pragma once

#include <ceres/gradient_problem_solver.h>
#include <nlohmann/json.hpp>

#include <string>

#include "mtpc/sdk/optimizer.hpp"
#include "mtpc/sdk/linear_resolve_schedule.hpp"

namespace mtpc {

/// Options (JSON), defaults in brackets:
///   max_iterations [1000]       accepted BFGS iterations in this step
///   gradient_tolerance [1e-12]  Ceres: stop when max-norm of the gradient ≤ this
///   function_tolerance [1e-10]  Ceres: stop when |Δf|/f ≤ this
///   parameter_tolerance [1e-12] Ceres: stop when |Δz|/(|z|+tol) ≤ this
///   lbfgs_rank [20]             history length of "lbfgs"
///   restart_every [0]           restart the solver (drop its Hessian approximation) every this
///                               many iterations; 0 = never.  Restart points are where the trainer
///                               checkpoints, so a resumed run equals an uninterrupted one.
///   linear_every [0]            MLIP-2's periodic re-solve: after every this many iterations, and
///                               at the end of the step, replace the linear coefficients x by the
///                               exact minimiser of the loss for the current radial parameters θ
///                               (Objective::solve_linear: the `linear` step with l2 0; an
///                               objective without one is an error), then restart the solver; 0 = never.  One
///                               convergence rule and one iteration count cover the whole step.
///                               A manifest's step gets StepSpec::kDefaultLinearEvery unless it
///                               sets it (the recipe's default lives with the recipe).
///   linear_first [0]            the first re-solve after this many iterations, the intervals
///                               then doubling up to linear_every (LinearResolveSchedule); 0, or
///                               a value ≥ linear_every, gives the fixed period.  A manifest's
///                               step that sets neither gets StepSpec::kDefaultLinearFirst.
class CeresLineSearchOptimizer final : public sdk::Optimizer {
public:
    /// `method` is "bfgs" or "lbfgs".  Throws InputError("<method>: option ...") on bad options.
    CeresLineSearchOptimizer(const std::string& method, const nlohmann::json& options);
    [[nodiscard]] std::string options_json() const override;
    void minimize(sdk::Objective& objective, const sdk::RadialParameterization& param,
                  sdk::OptimizerState& state) override;

    /// Names of the built-in optimisers.
    static bool is_builtin(const std::string& name) { return name == "bfgs" || name == "lbfgs"; }

private:
    std::string method_;
    int max_iterations_ = 1000;
    double gradient_tolerance_ = 1e-12, function_tolerance_ = 1e-10, parameter_tolerance_ = 1e-12;
    int lbfgs_rank_ = 20;
    int restart_every_ = 0;
    int linear_every_ = 0;
    int linear_first_ = 0;

    /// Every option with its member and lower bound, in one place: the parser, the allowed keys
    /// and options_json() all derive from it (doubles: non-negative).
    template <class Self, class Visit>
    static void visit_options(Self& self, Visit&& visit) {
        visit("max_iterations", self.max_iterations_, 0);
        visit("gradient_tolerance", self.gradient_tolerance_, 0);
        visit("function_tolerance", self.function_tolerance_, 0);
        visit("parameter_tolerance", self.parameter_tolerance_, 0);
        visit("lbfgs_rank", self.lbfgs_rank_, 1);
        visit("restart_every", self.restart_every_, 0);
        visit("linear_every", self.linear_every_, 0);
        visit("linear_first", self.linear_first_, 0);
    }

    /// Iterations the next Ceres solve may take from `done`: to max_iterations, the next restart
    /// and the next re-solve, whichever comes first.
    [[nodiscard]] int segment_budget(int done) const;
    /// Where this step re-solves the linear coefficients (linear_first, linear_every).
    [[nodiscard]] sdk::LinearResolveSchedule schedule() const;
    /// Ceres's options for one segment of at most `budget` iterations.
    [[nodiscard]] ceres::GradientProblemSolver::Options solver_options(int budget) const;
};

}  // namespace mtpc
