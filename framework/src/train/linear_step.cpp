// The manifest step {"optimizer": "linear"}: for the radial functions of the current iterate,
// the species coefficients and ξ that minimise the training loss (plus the regularisation of
// LinearRegularization) exactly, by one solve of the normal equations.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <chrono>

#include "mtpc/core/atomic_file.hpp"
#include "mtpc/core/error.hpp"
#include "mtpc/train/normal_equations.hpp"
#include "trainer_impl.hpp"

namespace mtpc {

namespace {

void write_cross_validation(const std::filesystem::path& file, const LinearFitResult& fit) {
    write_file_atomically(file.string(), [&](std::ostream& o) {
        o << "l2,cv_loss_per_configuration,cv_force_rmse\n";
        for (const auto& row : fit.cross_validation)
            o << fmt::format("{:.3e},{:.17g},{:.17g}\n", row.l2, row.loss, row.force_rmse);
    });
}

}  // namespace

LinearFitResult Trainer::Impl::solve_linear(const RunContext& run, const double* C, const LinearFitOptions& options) {
    const int folds = options.l2 ? 1 : std::min(options.folds, run.train->size());
    const auto equations = build_normal_equations(*run.model, *run.train, C, folds, threads());
    // The objective's ridge λ K Σ (ξ_s / scale_s)², in physical units.
    LinearRegularization reg;
    reg.n_species = run.n_species;
    reg.ridge_per_configuration = Eigen::VectorXd::Zero(run.nx);
    for (int a = run.n_species; a < run.nx; ++a)
        reg.ridge_per_configuration[a] = run.m.loss.linear_l2 / (run.scale[a] * run.scale[a]);
    return fit_linear(equations, options, reg);
}

void Trainer::Impl::exact_linear_coefficients(const RunContext& run, const double* C, double* x) {
    LinearFitOptions options;
    options.l2 = 0.0;
    const LinearFitResult fit = solve_linear(run, C, options);
    for (int a = 0; a < run.nx; ++a) x[a] = fit.theta[a] / run.scale[a];
}

void Trainer::Impl::run_linear_step(RunContext& run, size_t step, ProgressPrinter& printer) {
    const Manifest& m = run.m;
    const auto started = std::chrono::steady_clock::now();
    const std::string where = m.path + ": steps[" + std::to_string(step) + "].options";
    const LinearFitOptions options = linear_fit_options_from_json(m.steps[step].options, where);
    printer.start(fmt::format("[{} seed {}] step {}/{}: linear (l2 {})", run.variant, run.seed, step + 1,
                              m.steps.size(), options.l2 ? fmt::format("{:g}", *options.l2) : "cv"),
                  1);

    Eigen::VectorXd C(run.shape.size());
    run.radial->materialize(run.theta.data(), C.data());
    if (!options.l2 && std::min(options.folds, run.train->size()) < 2)
        throw InputError(where + ".l2: \"cv\" needs at least 2 training configurations");
    const LinearFitResult fit = solve_linear(run, C.data(), options);
    for (int a = 0; a < run.nx; ++a) run.x_scaled[a] = fit.theta[a] / run.scale[a];
    if (!fit.cross_validation.empty()) write_cross_validation(run.dir / fmt::format("linear_step{}_cv.csv", step), fit);

    TrainingObjective objective(*run.model, *run.train, run.scale, threads(), nullptr,
                                regularization_of(m.loss));
    run.final_loss = objective.evaluate(run.x_scaled.data(), C.data(), nullptr, nullptr);
    run.evaluations += objective.evaluations();
    const std::string message = fmt::format("linear fit, l2 {:g}{}", fit.l2, options.l2 ? "" : " (cross-validated)");
    run.stop_reasons.push_back(message);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    run.curve << fmt::format("{},{},{},{},{:.17g},{:.17g},{},{:.3f}\n", step, kLinearStepName, 0, run.evaluations,
                             run.final_loss, 0.0, 0, seconds);
    printer.finish(fmt::format("linear: loss {:.6e}, train force RMSE {:.5f} eV/A ({})", run.final_loss,
                               fit.force_rmse, message));
    write_checkpoint(run, {step + 1, 0, run.x_scaled.data(), run.theta.data(), run.evaluations, nlohmann::json()});
}

}  // namespace mtpc
