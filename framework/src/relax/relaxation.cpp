#include "mtpc/relax/relaxation.hpp"

#include <ceres/ceres.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <exception>

#include "mtpc/core/error.hpp"
#include "strained_cell_energy.hpp"

namespace mtpc {
namespace {

/// Stops Ceres at the first accepted iterate that meets the force and stress tolerances: Ceres's
/// own criteria (relative decrease of the cost, gradient max-norm) do not measure those.
class ToleranceCallback final : public ceres::IterationCallback {
public:
    ToleranceCallback(const StrainedCellEnergy& fn, const std::vector<double>& z, const RelaxOptions& o)
        : fn_(fn), z_(z), o_(o) {}
    ceres::CallbackReturnType operator()(const ceres::IterationSummary&) override {
        fn_.set_anchor(z_.data());  // the next line search measures its steps from here
        // The accepted iterate is the last point evaluated with a gradient (Wolfe line search);
        // evaluate again only if it is not.
        const bool cached = fn_.last_z() == z_;
        const StrainedCellEnergy::Point p = cached ? fn_.last_point() : fn_.evaluate(z_.data());
        return meets_tolerances(p) ? ceres::SOLVER_TERMINATE_SUCCESSFULLY : ceres::SOLVER_CONTINUE;
    }
    [[nodiscard]] bool meets_tolerances(const StrainedCellEnergy::Point& p) const {
        return p.max_force <= o_.force_tolerance && p.max_stress <= o_.stress_tolerance;
    }

private:
    const StrainedCellEnergy& fn_;
    const std::vector<double>& z_;
    const RelaxOptions& o_;
};

Configuration relaxed_configuration(const Configuration& start, const StrainedCellEnergy::Point& p, bool converged) {
    Configuration c = start;
    c.positions = p.positions;
    if (c.periodic) c.lattice = p.lattice;
    c.energy = p.efs.energy;
    c.forces = p.efs.forces;
    c.plus_stress = p.efs.virial;
    // One flag per configuration, replaced (not repeated) when a relaxed file is relaxed again.
    c.features.erase(std::remove_if(c.features.begin(), c.features.end(),
                                    [](const auto& f) { return f.first == kRelaxConvergedFeature; }),
                     c.features.end());
    c.features.emplace_back(kRelaxConvergedFeature, converged ? "true" : "false");
    return c;
}

}  // namespace

void RelaxOptions::validate(const std::string& where) const {
    auto positive = [&](double v, const char* name) {
        if (!(std::isfinite(v) && v > 0)) throw InputError(fmt::format("{}: {} must be a positive number", where, name));
    };
    positive(force_tolerance, "the force tolerance");
    positive(stress_tolerance, "the stress tolerance");
    if (!std::isfinite(pressure_gpa)) throw InputError(where + ": the pressure must be a finite number");
    if (pressure_gpa != 0 && !relax_cell)
        throw InputError(where + ": a pressure acts through the cell: give --relax-cell with --pressure");
    if (max_iterations < 0) throw InputError(where + ": the iteration limit must be ≥ 0");
}

RelaxResult relax(const MtpModel& model, const Configuration& cfg, const RelaxOptions& o, const std::string& context,
                  int threads) {
    for (int i = 0; i < cfg.size(); ++i)
        if (cfg.types[i] < 0 || cfg.types[i] >= model.species_count())
            throw InputError(fmt::format("{}: atom {} has type {}, but the potential has {} species", context, i + 1,
                                         cfg.types[i], model.species_count()));
    auto* fn = new StrainedCellEnergy(model, cfg, o.relax_cell, o.pressure_gpa, context, threads);
    ceres::GradientProblem problem(fn);  // takes ownership
    std::vector<double> z = fn->start();
    ToleranceCallback callback(*fn, z, o);

    RelaxResult r;
    StrainedCellEnergy::Point p = fn->evaluate(z.data());  // throws for overlapping atoms at the start
    if (callback.meets_tolerances(p)) {
        r.message = "the start meets the tolerances";
    } else if (o.max_iterations > 0) {
        ceres::GradientProblemSolver::Options opt;
        opt.line_search_direction_type = ceres::LBFGS;
        opt.line_search_type = ceres::WOLFE;
        opt.max_num_iterations = o.max_iterations;
        // Only the tolerances (callback), the iteration limit or a failed line search (the
        // numerical floor) end the search.
        opt.function_tolerance = 0;
        opt.gradient_tolerance = 0;
        opt.parameter_tolerance = 0;
        opt.max_solver_time_in_seconds = 1e9;
        opt.logging_type = ceres::SILENT;
        opt.minimizer_progress_to_stdout = false;
        opt.update_state_every_iteration = true;
        opt.callbacks.push_back(&callback);
        ceres::GradientProblemSolver::Summary summary;
        ceres::Solve(opt, problem, z.data(), &summary);
        r.iterations = std::max(0, int(summary.iterations.size()) - 1);
        r.message = summary.message;
        p = fn->evaluate(z.data());
    } else {
        r.message = "no iterations allowed";
    }
    r.converged = callback.meets_tolerances(p);
    r.evaluations = fn->evaluations();
    r.max_force = p.max_force;
    r.max_stress = p.max_stress;
    r.configuration = relaxed_configuration(cfg, p, r.converged);
    return r;
}

std::vector<RelaxResult> relax_all(const MtpModel& model, const std::vector<Configuration>& cfgs,
                                   const RelaxOptions& o, const std::string& file) {
    const int n = int(cfgs.size());
    const int threads = std::max(1, o.threads);
    // One configuration: its atoms share the threads instead (results do not depend on it).
    const int inner = n == 1 ? threads : 1;
    std::vector<RelaxResult> results(n);
    std::vector<std::exception_ptr> errors(n);  // exceptions must not leave the OpenMP region
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) if (threads > 1 && n > 1)
    for (int k = 0; k < n; ++k) {
        try {
            const auto& c = cfgs[k];
            const std::string where = c.source_line > 0 ? fmt::format("{}:{}: configuration {}", file, c.source_line, k + 1)
                                                        : fmt::format("{}: configuration {}", file, k + 1);
            results[k] = relax(model, c, o, where, inner);
        } catch (...) {
            errors[k] = std::current_exception();
        }
    }
    for (const auto& e : errors)
        if (e) std::rethrow_exception(e);
    return results;
}

}  // namespace mtpc
