#include "mtpc/train/ceres_line_search_optimizer.hpp"

#include <ceres/ceres.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <type_traits>

#include "mtpc/core/error.hpp"

namespace mtpc {
namespace {

/// L(z), z = [x, θ]: θ is materialised to C, and ∂L/∂C is pulled back to ∂L/∂θ by the plugin.
class ChainedFunction final : public ceres::FirstOrderFunction {
public:
    ChainedFunction(sdk::Objective& obj, const sdk::RadialParameterization& param)
        : obj_(obj), param_(param), nx_(obj.euclidean_size()), n_theta_(param.num_parameters()),
          C_(param.shape().size()), gC_(param.shape().size()) {}
    bool Evaluate(const double* z, double* cost, double* gradient) const override {
        param_.materialize(z + nx_, C_.data());
        *cost = obj_.evaluate(z, C_.data(), gradient, gradient != nullptr ? gC_.data() : nullptr);
        if (!std::isfinite(*cost)) return false;  // Ceres then shortens the step
        if (gradient != nullptr) param_.pull_back(z + nx_, gC_.data(), gradient + nx_);
        ++evaluations;
        return true;
    }
    int NumParameters() const override { return nx_ + n_theta_; }
    mutable int evaluations = 0;

private:
    sdk::Objective& obj_;
    const sdk::RadialParameterization& param_;
    int nx_, n_theta_;
    mutable std::vector<double> C_, gC_;
};

/// Forwards Ceres's per-iteration summary to Objective::report and honours a stop request.
class ReportCallback final : public ceres::IterationCallback {
public:
    ReportCallback(sdk::Objective& obj, const double* z, int nx, int offset)
        : obj_(obj), z_(z), nx_(nx), offset_(offset) {}
    ceres::CallbackReturnType operator()(const ceres::IterationSummary& s) override {
        if (s.iteration == 0) return ceres::SOLVER_CONTINUE;  // the start was reported already
        sdk::ProgressReport r;
        r.iteration = offset_ + s.iteration;
        r.loss = s.cost;
        r.gradient_norm = s.gradient_norm;
        r.step = s.step_size;
        r.x = z_;
        r.theta = z_ + nx_;
        last_iteration = s.iteration;
        if (!obj_.report(r)) {
            stopped = true;
            return ceres::SOLVER_ABORT;
        }
        return ceres::SOLVER_CONTINUE;
    }
    bool stopped = false;
    int last_iteration = 0;

private:
    sdk::Objective& obj_;
    const double* z_;
    int nx_, offset_;
};

/// Integer options are bounded above too: 10^8 iterations is weeks of the smallest fit.
constexpr long long kMaxIntOption = 100000000;

int int_option(const nlohmann::json& o, const std::string& method, const char* key, int def, int lo) {
    if (!o.contains(key)) return def;
    const auto& v = o.at(key);
    if (!v.is_number_integer() || v.get<long long>() < lo || v.get<long long>() > kMaxIntOption)
        throw InputError(method + ": option '" + key + "' must be an integer in [" + std::to_string(lo) + ", " +
                         std::to_string(kMaxIntOption) + "], found " + v.dump());
    return v.get<int>();
}
double double_option(const nlohmann::json& o, const std::string& method, const char* key, double def) {
    if (!o.contains(key)) return def;
    const auto& v = o.at(key);
    if (!v.is_number() || !(v.get<double>() >= 0))
        throw InputError(method + ": option '" + key + "' must be a non-negative number");
    return v.get<double>();
}

/// Reports the start of a segment (the solver holds no history there) as a restart point, where
/// the host checkpoints.  Returns the objective's answer: false = stop now.
bool report_restart_point(sdk::Objective& objective, const ceres::GradientProblem& problem, const double* z, int nx,
                          int done) {
    sdk::ProgressReport r;
    r.iteration = done;
    r.restart_point = true;
    r.x = z;
    r.theta = z + nx;
    std::vector<double> g(problem.NumParameters());
    problem.Evaluate(z, &r.loss, g.data());
    for (double v : g) r.gradient_norm = std::max(r.gradient_norm, std::abs(v));
    return objective.report(r);
}

/// Records why a Ceres segment ended in `state`; true when the whole step ends with it (a stop
/// request, convergence, failure, or no progress), false when it only reached its budget.
bool step_ends_with(const ceres::GradientProblemSolver::Summary& summary, bool stopped, sdk::OptimizerState& state) {
    if (stopped) {
        state.interrupted = true;
        state.message = "stopped on request";
    } else if (summary.termination_type == ceres::CONVERGENCE) {
        state.converged = true;
        state.message = summary.message;
    } else if (summary.termination_type == ceres::FAILURE) {
        state.message = "Ceres failed: " + summary.message;
    } else if (summary.iterations.size() <= 1) {  // no progress possible
        state.message = summary.message;
    } else {
        return false;
    }
    return true;
}

}  // namespace

CeresLineSearchOptimizer::CeresLineSearchOptimizer(const std::string& method, const nlohmann::json& o)
    : method_(method) {
    if (!is_builtin(method)) throw InputError("unknown built-in optimizer '" + method + "'");
    if (!o.is_object()) throw InputError(method + ": options must be an object");
    for (auto it = o.begin(); it != o.end(); ++it) {
        bool known = false;
        visit_options(*this, [&](const char* key, auto&, int) { known = known || it.key() == key; });
        if (!known) throw InputError(method + ": unknown option '" + it.key() + "'");
    }
    visit_options(*this, [&](const char* key, auto& value, int lo) {
        if constexpr (std::is_same_v<std::decay_t<decltype(value)>, int>)
            value = int_option(o, method, key, value, lo);
        else
            value = double_option(o, method, key, value);
    });
}

int CeresLineSearchOptimizer::segment_budget(int done) const {
    int budget = max_iterations_ - done;
    if (restart_every_ > 0) budget = std::min(budget, restart_every_);
    if (schedule().enabled()) budget = std::min(budget, schedule().next_after(done) - done);
    return budget;
}

sdk::LinearResolveSchedule CeresLineSearchOptimizer::schedule() const { return {linear_first_, linear_every_}; }

ceres::GradientProblemSolver::Options CeresLineSearchOptimizer::solver_options(int budget) const {
    ceres::GradientProblemSolver::Options opt;
    opt.line_search_direction_type = method_ == "bfgs" ? ceres::BFGS : ceres::LBFGS;
    opt.line_search_type = ceres::WOLFE;  // Ceres requires Wolfe for (L-)BFGS
    opt.max_lbfgs_rank = lbfgs_rank_;
    opt.max_num_iterations = budget;
    opt.gradient_tolerance = gradient_tolerance_;
    opt.function_tolerance = function_tolerance_;
    opt.parameter_tolerance = parameter_tolerance_;
    opt.max_solver_time_in_seconds = 1e9;
    opt.logging_type = ceres::SILENT;
    opt.minimizer_progress_to_stdout = false;
    opt.update_state_every_iteration = true;
    return opt;
}

std::string CeresLineSearchOptimizer::options_json() const {
    nlohmann::json options = nlohmann::json::object();
    visit_options(*this, [&](const char* key, const auto& value, int) { options[key] = value; });
    return options.dump();
}

void CeresLineSearchOptimizer::minimize(sdk::Objective& objective, const sdk::RadialParameterization& param,
                                        sdk::OptimizerState& state) {
    const int nx = objective.euclidean_size(), n_theta = param.num_parameters();
    if (state.x.size() != nx || state.theta.size() != n_theta)
        throw std::invalid_argument(method_ + ": start point has wrong size");
    std::vector<double> z(nx + n_theta);
    std::copy(state.x.data(), state.x.data() + nx, z.begin());
    std::copy(state.theta.data(), state.theta.data() + n_theta, z.begin() + nx);

    const sdk::LinearResolveSchedule resolves = schedule();
    int done = state.iterations_done;
    int resolved_at = -1;  // the iteration whose θ x was last re-solved for (the solve is θ's alone)
    std::vector<double> C(param.shape().size());
    const auto resolve_linear = [&] {
        param.materialize(z.data() + nx, C.data());
        if (!objective.solve_linear(C.data(), z.data()))
            throw std::invalid_argument(method_ + ": option 'linear_every' needs an objective that solves for the "
                                                  "linear coefficients (mtpc train's does)");
        resolved_at = done;
    };
    state.converged = state.interrupted = false;
    state.message = "iteration limit";
    auto* fn = new ChainedFunction(objective, param);
    ceres::GradientProblem problem(fn);  // takes ownership
    while (done < max_iterations_) {
        // A block of the schedule ended: re-solve before the next segment starts, so that its
        // restart point (and a checkpoint there) holds the re-solved x.
        if (resolves.resolves_after(done)) resolve_linear();
        if (!report_restart_point(objective, problem, z.data(), nx, done)) {
            state.interrupted = true;
            state.message = "stopped on request";
            break;
        }
        ceres::GradientProblemSolver::Options opt = solver_options(segment_budget(done));
        ReportCallback cb(objective, z.data(), nx, done);
        opt.callbacks.push_back(&cb);
        ceres::GradientProblemSolver::Summary summary;
        ceres::Solve(opt, problem, z.data(), &summary);
        done += std::max(0, int(summary.iterations.size()) - 1);
        if (step_ends_with(summary, cb.stopped, state)) break;
    }
    // The step ends with a re-solve as the explicit list (bfgs, linear, ..., bfgs, linear) does;
    // also when the convergence rule stopped it (to the solver that looks like a stop request; a
    // user's stop discards this state).  Not again where the segment start just did it (the rule
    // often stops there: its windows and the blocks share multiples).
    if (resolves.enabled() && resolved_at != done) resolve_linear();
    state.iterations_done = done;
    state.evaluations += fn->evaluations;
    state.x = Eigen::Map<const Eigen::VectorXd>(z.data(), nx);
    state.theta = Eigen::Map<const Eigen::VectorXd>(z.data() + nx, n_theta);
    state.radial.resize(param.shape().size());
    param.materialize(state.theta.data(), state.radial.data());
    state.new_parameterization_options.clear();
}

}  // namespace mtpc
