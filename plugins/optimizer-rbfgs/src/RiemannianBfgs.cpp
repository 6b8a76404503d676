#include "RiemannianBfgs.hpp"

#include <Eigen/LU>

#include <algorithm>
#include <cmath>
#include <optional>
#include <stdexcept>

#include "FixedRankManifold.hpp"
#include "mtpc_lowrank/first_trial_step.hpp"
#include "mtpc_lowrank/inverse_bfgs.hpp"
#include "mtpc_lowrank/line_search.hpp"

namespace mtpc::rbfgs {

namespace {

constexpr const char* kName = "optimizer-rbfgs";

/// One point of R^p × M_r with the loss and its Euclidean gradients there.
struct Iterate {
    sdk::Vector x;            ///< Euclidean block
    sdk::Vector point;        ///< factored point (U, σ, V) of M_r
    sdk::Vector radial;       ///< ambient Ĉ = U Σ Vᵀ, row-major (the C layout)
    double loss = 0;
    sdk::Vector grad_x;       ///< ∂L/∂x
    sdk::Vector grad_radial;  ///< ∂L/∂C (ambient, not yet projected)
};

/// Fills loss and gradients of `it` from the objective (x, point already set).
void evaluate(sdk::Objective& objective, const FixedRankManifold& manifold, Iterate& it, int& evaluations) {
    it.radial.resize(manifold.ambient_size());
    manifold.to_ambient(it.point.data(), it.radial.data());
    it.grad_x.resize(it.x.size());
    it.grad_radial.resize(manifold.ambient_size());
    it.loss = objective.evaluate(it.x.data(), it.radial.data(), it.x.size() > 0 ? it.grad_x.data() : nullptr,
                                 it.grad_radial.data());
    ++evaluations;
}

/// The gradient in product tangent coordinates (∂L/∂x, Q_Xᵀ ∂L/∂C) = coordinates of (∂L/∂x, P_X ∂L/∂C).
sdk::Vector tangent_gradient(const Iterate& it, const TangentFrame& frame) {
    const Eigen::Index p = it.x.size();
    sdk::Vector g(p + frame.dimension());
    g.head(p) = it.grad_x;
    g.tail(frame.dimension()) = frame.coordinates(it.grad_radial.data());
    return g;
}

/// t ↦ (x + t d_x, R_X(t ξ)) for the line search; the slope is the Riemannian Wolfe one,
/// ⟨grad L(Y), T_{X→Y}(d)⟩ = d_x·∂L/∂x + ⟨∂L/∂C, P_Y(ξ)⟩.
class RetractionCurve final : public lowrank::LineFunction {
public:
    RetractionCurve(sdk::Objective& objective, const FixedRankManifold& manifold, const Iterate& from,
                    const sdk::Vector& direction_x, const sdk::Vector& direction_radial, int& evaluations)
        : objective_(objective), manifold_(manifold), from_(from), dx_(direction_x), dxi_(direction_radial),
          evaluations_(evaluations) {}

    lowrank::LineSample evaluate(double t) override {
        trial_.x = from_.x + t * dx_;
        const sdk::Vector step = t * dxi_;
        trial_.point.resize(manifold_.point_size());
        manifold_.retract(from_.point.data(), step.data(), trial_.point.data());
        rbfgs::evaluate(objective_, manifold_, trial_, evaluations_);
        sdk::Vector transported(manifold_.ambient_size());
        manifold_.transport(from_.point.data(), trial_.point.data(), dxi_.data(), transported.data());
        const double slope = trial_.grad_x.dot(dx_) +
                             manifold_.inner(trial_.point.data(), trial_.grad_radial.data(), transported.data());
        return {trial_.loss, slope};
    }
    void keep_last() override { kept_ = trial_; }
    [[nodiscard]] const Iterate& kept() const { return kept_; }

private:
    sdk::Objective& objective_;
    const FixedRankManifold& manifold_;
    const Iterate& from_;
    const sdk::Vector& dx_;
    const sdk::Vector& dxi_;
    int& evaluations_;
    Iterate trial_, kept_;
};

sdk::Matrix block_diagonal(Eigen::Index p, const sdk::Matrix& K) {
    sdk::Matrix T = sdk::Matrix::Zero(p + K.rows(), p + K.cols());
    T.topLeftCorner(p, p).setIdentity();
    T.bottomRightCorner(K.rows(), K.cols()) = K;
    return T;
}

/// What one minimize() call carries from iteration to iteration: the iterate on R^p × M_r, its
/// tangent frame and Riemannian gradient, θ of the iterate in the caller's parameterization, and
/// the inverse-Hessian approximation H on the product tangent space.
struct Run {
    Run(sdk::Objective& objective_in, const sdk::RadialParameterization& param_in, const FixedRankManifold& manifold_in,
        int euclidean_size, bool factor_metric_in, bool scale_initial_hessian, sdk::Vector theta_in)
        : objective(objective_in), param(param_in), manifold(manifold_in), p(euclidean_size),
          d(manifold_in.dimension()), factor_metric(factor_metric_in), theta(std::move(theta_in)),
          H(scale_initial_hessian) {}

    sdk::Objective& objective;
    const sdk::RadialParameterization& param;
    const FixedRankManifold& manifold;
    const int p, d;             ///< Euclidean block size; manifold dimension r(m + n − r)
    const bool factor_metric;   ///< H₀ of the radial block: balanced-factor metric (else identity)
    int evaluations = 0;
    Iterate current;
    std::optional<TangentFrame> frame;  ///< tangent coordinates at `current`
    sdk::Vector g;                      ///< Riemannian gradient at `current`, in those coordinates
    sdk::Vector theta;                  ///< θ of `current`
    lowrank::InverseBfgs H;
    double previous_decrease = 0;  ///< L_prev − L of the last accepted step (first_trial_step)

    /// H₀ for a fresh segment: I on x; on the radial block I ("euclidean") or the balanced-factor
    /// metric of the current point ("factor", TangentFrame::factor_metric_weights).
    void reset_inverse_hessian() {
        if (!factor_metric) return H.reset(p + d);
        sdk::Vector diagonal(p + d);
        diagonal.head(p).setOnes();
        diagonal.tail(d) = frame->factor_metric_weights(manifold.sigma(current.point.data()));
        H.reset(diagonal);
    }

    /// A segment starts from (x, θ) alone -- X = SVD_r(C(θ)), H = H₀ -- exactly as a resumed run
    /// does, so that every segment start is a restart point in the sense of sdk::ProgressReport.
    /// With `resolve_linear` x is first replaced by the exact linear coefficients for C(θ) (when
    /// the host offers them; MLIP-2's periodic re-solve), so the restart point holds them.
    void start_segment(const sdk::Vector& x, bool resolve_linear = false) {
        current.x = x;
        sdk::Vector C(manifold.ambient_size());
        param.materialize(theta.data(), C.data());
        if (resolve_linear) objective.solve_linear(C.data(), current.x.data());
        current.point.resize(manifold.point_size());
        manifold.from_ambient(C.data(), current.point.data());
        evaluate(objective, manifold, current, evaluations);
        frame.emplace(manifold.frame(current.point.data()));
        g = tangent_gradient(current, *frame);
        reset_inverse_hessian();
    }

    /// −H g, with H reset to H₀ once when that is no descent direction (rounding, transport).
    sdk::Vector descent_direction(double& slope) {
        sdk::Vector direction = H.direction(g);
        slope = g.dot(direction);
        if (!(slope < 0)) {
            reset_inverse_hessian();
            direction = H.direction(g);
            slope = g.dot(direction);
        }
        return direction;
    }

    /// An accepted line search: the iterate reached, and how.
    struct Step {
        Iterate next;
        sdk::Vector direction;  ///< η in tangent coordinates at `current`
        double length = 0;
    };

    /// One line search along the retraction curve of −H g from `current`; nullopt when it found
    /// no decrease.
    std::optional<Step> search(const lowrank::OptimizerSettings& settings, const lowrank::LineSearchSettings& line) {
        double slope = 0;
        sdk::Vector direction = descent_direction(slope);
        const double first_trial =
            lowrank::first_trial_step(settings.initial_step, H.is_fresh(), g.norm(), previous_decrease, slope);
        const sdk::Vector direction_x = direction.head(p);
        sdk::Vector direction_radial(manifold.ambient_size());
        frame->to_ambient(direction.tail(d), direction_radial.data());
        RetractionCurve curve(objective, manifold, current, direction_x, direction_radial, evaluations);
        const lowrank::LineSearchResult found = lowrank::search_line(curve, {current.loss, slope}, first_trial, line);
        if (!found.decreased) return std::nullopt;
        return Step{curve.kept(), std::move(direction), found.step};
    }

    /// Moves to `next`, reached by `step` along `direction`.  Restarts (a new segment from next's
    /// x and θ) when `periodic_restart` or `resolve_linear` (then x is re-solved first) or when the
    /// tangent spaces are too far apart for T⁻¹ to be trusted (then the curvature pair is worthless
    /// anyway); otherwise H is transported and updated with s = T(step·η), y = grad_new −
    /// T(grad_old), both in the new tangent coordinates.  Returns whether it restarted.
    bool move_to(Iterate next, const sdk::Vector& direction, double step, bool periodic_restart, bool resolve_linear,
                 lowrank::InverseBfgs::Transport transport) {
        TangentFrame next_frame = manifold.frame(next.point.data());
        const sdk::Matrix K = TangentFrame::transport_matrix(*frame, next_frame);
        previous_decrease = current.loss - next.loss;
        const Eigen::PartialPivLU<sdk::Matrix> lu(K);
        theta.resize(param.num_parameters());
        if (!(lu.rcond() > 1e-10) || periodic_restart || resolve_linear) {
            param.initialize_from(next.radial.data(), theta.data());
            start_segment(next.x, resolve_linear);
            return true;
        }
        const sdk::Vector g_next = tangent_gradient(next, next_frame);
        sdk::Vector s(p + d), y(p + d);
        s.head(p) = step * direction.head(p);
        s.tail(d) = step * (K * direction.tail(d));
        y.head(p) = g_next.head(p) - g.head(p);
        y.tail(d) = g_next.tail(d) - K * g.tail(d);
        H.transport(block_diagonal(p, K), block_diagonal(p, lu.inverse()), transport);
        H.update(s, y);
        current = std::move(next);
        frame.emplace(std::move(next_frame));
        g = g_next;
        param.initialize_from(current.radial.data(), theta.data());
        return false;
    }

    sdk::ProgressReport report(int iteration, double step, int rank, bool restart_point) const {
        sdk::ProgressReport progress;
        progress.iteration = iteration;
        progress.evaluations = evaluations;
        progress.loss = current.loss;
        progress.gradient_norm = g.norm();
        progress.step = step;
        progress.rank = rank;
        progress.restart_point = restart_point;
        progress.x = current.x.data();
        progress.theta = theta.data();
        return progress;
    }

    /// The result: x (re-solved first when `resolve_linear`: a step ends with a re-solve, as the
    /// built-in BFGS's does), Ĉ and its θ.
    void finish(sdk::OptimizerState& state, int iteration, bool resolve_linear) {
        if (resolve_linear) objective.solve_linear(current.radial.data(), current.x.data());
        state.x = current.x;
        state.radial = current.radial;
        state.theta.resize(param.num_parameters());
        param.initialize_from(state.radial.data(), state.theta.data());
        state.new_parameterization_options.clear();
        state.iterations_done = iteration;
        state.evaluations = evaluations;
    }
};

}  // namespace

RiemannianBfgs::RiemannianBfgs(const std::string& options_json) {
    plugin_common::Options opt(kName, options_json);
    opt.allow_only(lowrank::OptimizerSettings::keys_and({"rank", "radial_metric", "restart_every", "hessian_transport"}));
    settings_ = lowrank::OptimizerSettings::parse(opt, kName);
    rank_ = opt.get_int("rank", 1, 0);
    restart_every_ = opt.get_int("restart_every", 0, 0);
    const std::string metric = opt.get_string("radial_metric", "factor");
    if (metric != "factor" && metric != "euclidean")
        throw std::invalid_argument(std::string(kName) + ": option 'radial_metric' must be \"factor\" or \"euclidean\"");
    factor_metric_ = metric == "factor";
    const std::string transport = opt.get_string("hessian_transport", "symmetrized");
    if (transport != "symmetrized" && transport != "plain")
        throw std::invalid_argument(std::string(kName) +
                                    ": option 'hessian_transport' must be \"symmetrized\" or \"plain\"");
    transport_ = transport == "plain" ? lowrank::InverseBfgs::Transport::kPlain
                                      : lowrank::InverseBfgs::Transport::kSymmetrized;
}

std::string RiemannianBfgs::options_json() const {
    nlohmann::json j = settings_.to_json();
    if (rank_ > 0) j["rank"] = rank_;
    j["restart_every"] = restart_every_;
    j["radial_metric"] = factor_metric_ ? "factor" : "euclidean";
    j["hessian_transport"] = transport_ == lowrank::InverseBfgs::Transport::kPlain ? "plain" : "symmetrized";
    return j.dump();
}

int RiemannianBfgs::checked_rank(const sdk::RadialShape& shape, const sdk::RadialParameterization& param) const {
    const int rank = rank_ > 0 ? rank_ : lowrank::rank_in_options(param.options_json());
    if (rank < 1)
        throw std::invalid_argument(std::string(kName) + ": option 'rank' is required (the parameterization has no rank)");
    if (rank > std::min(shape.rows(), shape.cols()))
        throw std::invalid_argument(std::string(kName) + ": rank " + std::to_string(rank) + " exceeds min(" +
                                    std::to_string(shape.rows()) + ", " + std::to_string(shape.cols()) + ")");
    return rank;
}

void RiemannianBfgs::minimize(sdk::Objective& objective, const sdk::RadialParameterization& param,
                              sdk::OptimizerState& state) {
    const sdk::RadialShape shape = objective.radial_shape();
    lowrank::check_start(kName, objective, param, state);
    const int rank = checked_rank(shape, param);
    const FixedRankManifold manifold(shape.rows(), shape.cols(), rank);
    const lowrank::LineSearchSettings line_settings = settings_.line_search_settings();
    Run run(objective, param, manifold, objective.euclidean_size(), factor_metric_, settings_.scale_initial_hessian,
            state.theta);
    run.start_segment(state.x);

    int iteration = state.iterations_done;
    const sdk::LinearResolveSchedule resolves = settings_.linear_resolve_schedule();
    int resolved_at = -1;  // the iteration after which x was last re-solved
    state.converged = false;
    state.interrupted = false;
    state.message.clear();
    while (true) {
        const double g_norm = run.g.norm();
        if (g_norm <= settings_.gradient_tolerance) {
            state.converged = true;
            state.message = "Riemannian gradient norm below gradient_tolerance";
            break;
        }
        if (iteration >= settings_.max_iterations) {
            state.message = "reached max_iterations";
            break;
        }

        std::optional<Run::Step> step = run.search(settings_, line_settings);
        if (!step) {
            if (!run.H.is_fresh()) {  // the quasi-Newton direction failed: retry with a fresh H₀ once
                run.reset_inverse_hessian();
                continue;
            }
            state.message = "line search found no decrease along the negative gradient (loss flat to rounding)";
            break;
        }

        const double previous_loss = run.current.loss;
        ++iteration;
        const bool periodic_restart = restart_every_ > 0 && (iteration - state.iterations_done) % restart_every_ == 0;
        const bool resolve = resolves.resolves_after(iteration);
        if (resolve) resolved_at = iteration;
        const bool restarted =
            run.move_to(std::move(step->next), step->direction, step->length, periodic_restart, resolve, transport_);
        if (!objective.report(run.report(iteration, step->length, rank, restarted))) {
            state.interrupted = true;
            state.message = "stopped on request";
            break;
        }
        if (std::abs(previous_loss - run.current.loss) <=
            settings_.function_tolerance * std::max(1.0, std::abs(run.current.loss))) {
            state.converged = true;
            state.message = "loss change below function_tolerance";
            break;
        }
    }

    // Also when the host's convergence rule stopped the run; a user's stop discards the result.
    run.finish(state, iteration, resolves.enabled() && resolved_at != iteration);
}

}  // namespace mtpc::rbfgs
