#include "RankAugmentingBfgs.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "mtpc_lowrank/truncated_svd.hpp"
#include "mtpc_lowrank/first_trial_step.hpp"
#include "mtpc_lowrank/inverse_bfgs.hpp"
#include "mtpc_lowrank/line_search.hpp"

namespace mtpc::mfra {

namespace {

constexpr const char* kName = "optimizer-mfra";
using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// One iterate (x, U, V) with the loss and its Euclidean gradients.
struct Iterate {
    sdk::Vector x;
    sdk::Matrix U, V;          ///< m × r, n × r
    RowMajorMatrix radial;     ///< Ĉ = U Vᵀ in the C layout
    double loss = 0;
    sdk::Vector grad_x;
    RowMajorMatrix grad_radial;  ///< G = ∂L/∂Ĉ
};

void evaluate(sdk::Objective& objective, Iterate& it, int& evaluations) {
    it.radial = it.U * it.V.transpose();
    it.grad_x.resize(it.x.size());
    it.grad_radial.resize(it.radial.rows(), it.radial.cols());
    it.loss = objective.evaluate(it.x.data(), it.radial.data(), it.x.size() > 0 ? it.grad_x.data() : nullptr,
                                 it.grad_radial.data());
    ++evaluations;
}

/// z = [x; vec U; vec V] (column-major factors), the BFGS variables.
sdk::Vector pack(const sdk::Vector& x, const sdk::Matrix& U, const sdk::Matrix& V) {
    sdk::Vector z(x.size() + U.size() + V.size());
    z << x, Eigen::Map<const sdk::Vector>(U.data(), U.size()), Eigen::Map<const sdk::Vector>(V.data(), V.size());
    return z;
}

/// ∇_z L = [∂L/∂x; vec(G V); vec(Gᵀ U)].
sdk::Vector gradient(const Iterate& it) {
    const sdk::Matrix gU = it.grad_radial * it.V;
    const sdk::Matrix gV = it.grad_radial.transpose() * it.U;
    return pack(it.grad_x, gU, gV);
}

/// t ↦ z + t d for the BFGS line search.
class StraightLine final : public lowrank::LineFunction {
public:
    StraightLine(sdk::Objective& objective, const Iterate& from, const sdk::Vector& direction, int& evaluations)
        : objective_(objective), from_(from), d_(direction), evaluations_(evaluations) {}

    lowrank::LineSample evaluate(double t) override {
        const Eigen::Index p = from_.x.size(), mr = from_.U.size();
        trial_.x = from_.x + t * d_.head(p);
        trial_.U = from_.U + t * Eigen::Map<const sdk::Matrix>(d_.data() + p, from_.U.rows(), from_.U.cols());
        trial_.V = from_.V + t * Eigen::Map<const sdk::Matrix>(d_.data() + p + mr, from_.V.rows(), from_.V.cols());
        mfra::evaluate(objective_, trial_, evaluations_);
        return {trial_.loss, gradient(trial_).dot(d_)};
    }
    void keep_last() override { kept_ = trial_; }
    [[nodiscard]] const Iterate& kept() const { return kept_; }

private:
    sdk::Objective& objective_;
    const Iterate& from_;
    const sdk::Vector& d_;
    int& evaluations_;
    Iterate trial_, kept_;
};

/// t ↦ Ĉ(h) = U Vᵀ − h U_Δ Σ_Δ V_Δᵀ with h = unit·t (Algorithm 1's h' = −h), evaluated in the
/// factored form itself so that the accepted point is exactly the new iterate.  The new columns:
///   AugmentationSplit::kPaper:    U ← [U, −h U_Δ Σ_Δ^½],  V ← [V, V_Δ Σ_Δ^½]   (Algorithm 1);
///   AugmentationSplit::kBalanced: U ← [U, √h U_Δ Σ_Δ^½], V ← [V, −√h V_Δ Σ_Δ^½].
/// Both give the same Ĉ(h); they differ in the factor gauge the following BFGS steps start from.
class AugmentationLine final : public lowrank::LineFunction {
public:
    AugmentationLine(sdk::Objective& objective, const Iterate& from, const lowrank::TruncatedSvd& top, double unit,
                     AugmentationSplit split, int& evaluations)
        : objective_(objective), from_(from), top_(top), unit_(unit), split_(split), evaluations_(evaluations) {
        direction_ = -unit * (top_.U * top_.sigma.asDiagonal() * top_.V.transpose());  // dĈ/dt
    }

    lowrank::LineSample evaluate(double t) override {
        const double h = unit_ * t;
        const Eigen::Index r = from_.U.cols(), k = top_.sigma.size();
        const sdk::Vector root_sigma = top_.sigma.cwiseSqrt();
        trial_.x = from_.x;
        trial_.U.resize(from_.U.rows(), r + k);
        trial_.V.resize(from_.V.rows(), r + k);
        if (split_ == AugmentationSplit::kPaper) {
            trial_.U << from_.U, -h * (top_.U * root_sigma.asDiagonal());
            trial_.V << from_.V, top_.V * root_sigma.asDiagonal();
        } else {
            const sdk::Vector scale = (h * top_.sigma).cwiseSqrt();
            trial_.U << from_.U, top_.U * scale.asDiagonal();
            trial_.V << from_.V, -(top_.V * scale.asDiagonal());
        }
        mfra::evaluate(objective_, trial_, evaluations_);
        return {trial_.loss, trial_.grad_radial.cwiseProduct(direction_).sum()};
    }
    void keep_last() override { kept_ = trial_; }
    [[nodiscard]] const Iterate& kept() const { return kept_; }

private:
    sdk::Objective& objective_;
    const Iterate& from_;
    const lowrank::TruncatedSvd& top_;
    double unit_;
    AugmentationSplit split_;
    int& evaluations_;
    RowMajorMatrix direction_;
    Iterate trial_, kept_;
};

/// The state of one minimize() call and its phases: the start, a BFGS step, a rank augmentation,
/// the result.  Every field is what the loop of Algorithm 1 carries from one step to the next.
struct Run {
    Run(sdk::Objective& objective_in, const sdk::RadialParameterization& param_in,
        const lowrank::OptimizerSettings& settings_in, const AugmentationSchedule& schedule_in, int param_rank_in,
        int rank_max_in)
        : objective(objective_in), param(param_in), settings(settings_in), schedule(schedule_in),
          line_settings(settings_in.line_search_settings()), p(objective_in.euclidean_size()),
          m(objective_in.radial_shape().rows()), n(objective_in.radial_shape().cols()), param_rank(param_rank_in),
          rank_max(rank_max_in), H(settings_in.scale_initial_hessian) {}

    sdk::Objective& objective;
    const sdk::RadialParameterization& param;
    const lowrank::OptimizerSettings& settings;
    const AugmentationSchedule& schedule;
    const lowrank::LineSearchSettings line_settings;
    const int p, m, n;       ///< Euclidean size; Ĉ is m × n
    const int param_rank;    ///< the parameterization's "rank" (0: none)
    const int rank_max;
    int rank = 0;
    int evaluations = 0;
    Iterate current;
    lowrank::InverseBfgs H;
    double previous_decrease = 0;  ///< L_prev − L of the last accepted BFGS step (first_trial_step)
    sdk::Vector theta;             ///< θ for reports while the rank is still the parameterization's
    int iteration = 0;
    int steps_at_rank = 0;      ///< BFGS steps since the last augmentation ("all_steps")
    int bfgs_steps = 0;         ///< BFGS steps of this run, Algorithm 1's k ("bfgs_steps")
    int last_augmented_at = 0;  ///< the k of the last augmentation ("bfgs_steps")
    int resolved_at = -1;       ///< the iteration after which x was last re-solved
    bool interrupted = false;

    /// Start: the balanced factors of SVD_{rank_min}(C(θ)), as radial-mf's initialize_from.
    void start(const sdk::OptimizerState& state, int rank_min) {
        sdk::Vector C(static_cast<Eigen::Index>(m) * n);
        param.materialize(state.theta.data(), C.data());
        const lowrank::TruncatedSvd svd = lowrank::truncated_svd(sdk::ConstReshapedRadial(C.data(), m, n), rank_min);
        const sdk::Vector root = svd.sigma.cwiseSqrt();
        current.x = state.x;
        current.U = svd.U * root.asDiagonal();
        current.V = svd.V * root.asDiagonal();
        evaluate(objective, current, evaluations);
        rank = rank_min;
        H.reset(p + rank * (m + n));
        iteration = state.iterations_done;
    }

    /// Reports the current iterate; false when the host asks to stop (then `interrupted`).
    bool report(double step) {
        sdk::ProgressReport progress;
        progress.iteration = iteration;
        progress.evaluations = evaluations;
        progress.loss = current.loss;
        progress.gradient_norm = gradient(current).norm();
        progress.step = step;
        progress.rank = rank;
        progress.x = current.x.data();
        if (param_rank == 0 || param_rank == rank) {
            theta.resize(param.num_parameters());
            param.initialize_from(current.radial.data(), theta.data());
            progress.theta = theta.data();
        }
        if (!objective.report(progress)) interrupted = true;
        return !interrupted;
    }

    /// MLIP-2's periodic re-solve: x becomes the exact linear coefficients for the current Ĉ (when
    /// the host offers them) and H starts afresh, as the built-in BFGS restarts after its re-solve.
    void resolve_linear() {
        resolved_at = iteration;
        if (!objective.solve_linear(current.radial.data(), current.x.data())) return;
        evaluate(objective, current, evaluations);
        H.reset(p + rank * (m + n));
        previous_decrease = 0;
    }

    /// One rank augmentation; false when it cannot decrease the loss (G ≈ 0 or no decrease found).
    bool augment() {
        const int added = std::min(schedule.rank_step, rank_max - rank);
        const lowrank::TruncatedSvd top = lowrank::truncated_svd(current.grad_radial, added);
        const double sigma_squared = top.sigma.squaredNorm();
        if (!(top.sigma[0] > settings.gradient_tolerance)) return false;
        // The Polyak step L/Σσ² (L ≥ 0 is a sum of squares) sets the scale of h: it is the weak-Wolfe
        // search's first trial, and Algorithm 2's search (which starts at 1) runs in units of it.
        const double polyak = current.loss > 0 ? current.loss / sigma_squared : settings.initial_step / top.sigma[0];
        const bool wolfe = line_settings.kind == lowrank::LineSearchKind::kWeakWolfe;
        const double unit = wolfe ? 1.0 : polyak;
        AugmentationLine line(objective, current, top, unit, schedule.split, evaluations);
        const lowrank::LineSearchResult found =
            lowrank::search_line(line, {current.loss, -unit * sigma_squared}, polyak, line_settings);
        if (!found.decreased) return false;
        current = line.kept();
        grow_inverse_hessian(added);
        rank += added;
        steps_at_rank = 0;
        last_augmented_at = bfgs_steps;
        if (schedule.count_bfgs_steps_only) return true;  // reported with the next BFGS step
        ++iteration;
        report(unit * found.step);
        return true;
    }

    /// z = [x; vec U; vec V] gains `added` columns at the end of vec U and of vec V; H keeps what it
    /// learnt about the old variables (InverseBfgs::embed) unless it is still fresh or told not to.
    void grow_inverse_hessian(int added) {
        const int grown = p + (rank + added) * (m + n);
        if (!schedule.keep_curvature || H.is_fresh()) return H.reset(grown);
        std::vector<int> position(static_cast<std::size_t>(p + rank * (m + n)));
        for (int k = 0; k < p + rank * m; ++k) position[k] = k;
        for (int k = 0; k < rank * n; ++k) position[p + rank * m + k] = p + (rank + added) * m + k;
        H.embed(position, grown);
    }

    enum class StepOutcome { kStepped, kRetry, kStalled };

    /// One BFGS step along −H g (g = ∇_z L, ‖g‖ = g_norm); kRetry after resetting a stale H,
    /// kStalled when even steepest descent finds no decrease or the loss no longer changes.
    StepOutcome bfgs_step(const sdk::Vector& g, double g_norm) {
        sdk::Vector direction = H.direction(g);
        double slope = g.dot(direction);
        if (!(slope < 0)) {
            H.reset(static_cast<int>(g.size()));
            direction = -g;
            slope = -g_norm * g_norm;
        }
        const double first_trial =
            lowrank::first_trial_step(settings.initial_step, H.is_fresh(), g_norm, previous_decrease, slope);
        StraightLine line(objective, current, direction, evaluations);
        const lowrank::LineSearchResult found = lowrank::search_line(line, {current.loss, slope}, first_trial, line_settings);
        if (!found.decreased) {
            if (H.is_fresh()) return StepOutcome::kStalled;
            H.reset(static_cast<int>(g.size()));
            return StepOutcome::kRetry;
        }
        const double previous_loss = current.loss;
        current = line.kept();
        previous_decrease = previous_loss - current.loss;
        H.update(found.step * direction, gradient(current) - g);
        ++iteration;
        ++steps_at_rank;
        ++bfgs_steps;
        if (!report(found.step)) return StepOutcome::kStepped;
        const bool flat = std::abs(previous_loss - current.loss) <=
                          settings.function_tolerance * std::max(1.0, std::abs(current.loss));
        return flat ? StepOutcome::kStalled : StepOutcome::kStepped;
    }

    /// The result: x (re-solved first when `resolve_linear`: a step ends with a re-solve, as the
    /// built-in BFGS's does), radial = U Vᵀ, and θ or, when the rank changed, the
    /// parameterization's new options.
    void finish(sdk::OptimizerState& state, bool resolve_linear) {
        if (resolve_linear) objective.solve_linear(current.radial.data(), current.x.data());
        state.x = current.x;
        state.radial = Eigen::Map<const sdk::Vector>(current.radial.data(), current.radial.size());
        if (param_rank > 0 && param_rank != rank) {
            state.new_parameterization_options = lowrank::options_with_rank(param.options_json(), rank);
            state.theta.resize(0);
        } else {
            state.new_parameterization_options.clear();
            state.theta.resize(param.num_parameters());
            param.initialize_from(state.radial.data(), state.theta.data());
        }
        state.iterations_done = iteration;
        state.evaluations = evaluations;
    }
};

}  // namespace

bool AugmentationSchedule::due(int steps_at_rank, int bfgs_steps, int last_augmented_at) const {
    if (count_bfgs_steps_only)  // Algorithm 1: "if k mod s = 0", once per k
        return bfgs_steps > last_augmented_at && bfgs_steps % augment_every == 0;
    return steps_at_rank >= augment_every;
}

RankAugmentingBfgs::RankAugmentingBfgs(const std::string& options_json) {
    plugin_common::Options opt(kName, options_json);
    opt.allow_only(lowrank::OptimizerSettings::keys_and(
        {"rank_min", "rank_max", "augment_every", "rank_step", "augment_hessian", "iteration_count", "augmentation_split"}));
    settings_ = lowrank::OptimizerSettings::parse(opt, kName);
    rank_min_ = opt.get_int("rank_min", 1, 0);
    rank_max_ = opt.get_int("rank_max", 1, 0);
    schedule_.augment_every = opt.get_int("augment_every", 1, schedule_.augment_every);
    schedule_.rank_step = opt.get_int("rank_step", 1, schedule_.rank_step);
    const std::string augment_hessian = opt.get_string("augment_hessian", "keep");
    if (augment_hessian != "keep" && augment_hessian != "reset")
        throw std::invalid_argument(std::string(kName) + ": option 'augment_hessian' must be \"keep\" or \"reset\"");
    schedule_.keep_curvature = augment_hessian == "keep";
    const std::string count = opt.get_string("iteration_count", "all_steps");
    if (count != "all_steps" && count != "bfgs_steps")
        throw std::invalid_argument(std::string(kName) + ": option 'iteration_count' must be \"all_steps\" or \"bfgs_steps\"");
    schedule_.count_bfgs_steps_only = count == "bfgs_steps";
    const std::string split = opt.get_string("augmentation_split", "balanced");
    if (split != "balanced" && split != "paper")
        throw std::invalid_argument(std::string(kName) + ": option 'augmentation_split' must be \"balanced\" or \"paper\"");
    schedule_.split = split == "paper" ? AugmentationSplit::kPaper : AugmentationSplit::kBalanced;
    if (rank_min_ > 0 && rank_max_ > 0 && rank_min_ > rank_max_)
        throw std::invalid_argument(std::string(kName) + ": option 'rank_min' exceeds 'rank_max'");
}

std::string RankAugmentingBfgs::options_json() const {
    nlohmann::json j = settings_.to_json();
    if (rank_min_ > 0) j["rank_min"] = rank_min_;
    if (rank_max_ > 0) j["rank_max"] = rank_max_;
    j["augment_every"] = schedule_.augment_every;
    j["rank_step"] = schedule_.rank_step;
    j["augment_hessian"] = schedule_.keep_curvature ? "keep" : "reset";
    j["iteration_count"] = schedule_.count_bfgs_steps_only ? "bfgs_steps" : "all_steps";
    j["augmentation_split"] = schedule_.split == AugmentationSplit::kPaper ? "paper" : "balanced";
    return j.dump();
}

std::pair<int, int> RankAugmentingBfgs::checked_ranks(const sdk::RadialShape& shape, int param_rank) const {
    const int full_rank = std::min(shape.rows(), shape.cols());
    const int rank_min = rank_min_ > 0 ? rank_min_ : std::max(param_rank, 1);
    const int rank_max = rank_max_ > 0 ? rank_max_ : full_rank;
    if (rank_max > full_rank || rank_min > rank_max)
        throw std::invalid_argument(std::string(kName) + ": need rank_min (" + std::to_string(rank_min) +
                                    ") <= rank_max (" + std::to_string(rank_max) + ") <= min(m, n) = " +
                                    std::to_string(full_rank));
    return {rank_min, rank_max};
}

void RankAugmentingBfgs::minimize(sdk::Objective& objective, const sdk::RadialParameterization& param,
                                  sdk::OptimizerState& state) {
    lowrank::check_start(kName, objective, param, state);
    const int param_rank = lowrank::rank_in_options(param.options_json());
    const auto [rank_min, rank_max] = checked_ranks(objective.radial_shape(), param_rank);
    Run run(objective, param, settings_, schedule_, param_rank, rank_max);
    run.start(state, rank_min);
    const sdk::LinearResolveSchedule resolves = settings_.linear_resolve_schedule();
    state.converged = false;
    state.message.clear();
    while (!run.interrupted) {
        if (run.iteration >= settings_.max_iterations) {
            state.message = "reached max_iterations";
            break;
        }
        if (resolves.resolves_after(run.iteration) && run.resolved_at != run.iteration) run.resolve_linear();
        const sdk::Vector g = gradient(run.current);
        const double g_norm = g.norm();
        Run::StepOutcome outcome = Run::StepOutcome::kStalled;  // no more progress at this rank
        if (g_norm > settings_.gradient_tolerance) {
            if (run.rank < rank_max && schedule_.due(run.steps_at_rank, run.bfgs_steps, run.last_augmented_at)) {
                if (!run.augment()) {  // G offers no descent now: carry on at this rank
                    run.steps_at_rank = 0;
                    run.last_augmented_at = run.bfgs_steps;
                }
                continue;
            }
            outcome = run.bfgs_step(g, g_norm);
        }
        if (outcome != Run::StepOutcome::kStalled || run.interrupted) continue;
        if (run.rank < rank_max && run.augment()) continue;
        state.converged = true;
        state.message = run.rank < rank_max ? "converged; rank augmentation gives no further decrease"
                                            : "converged at rank_max";
        break;
    }
    state.interrupted = run.interrupted;
    if (state.interrupted) state.message = "stopped on request";
    // Also when the host's convergence rule stopped the run; a user's stop discards the result.
    run.finish(state, resolves.enabled() && run.resolved_at != run.iteration);
}

}  // namespace mtpc::mfra
