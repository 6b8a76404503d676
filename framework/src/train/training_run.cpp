// One (variant, seed) training run, phase by phase: model and data, start point, resume,
// optimisation steps, outputs.
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <optional>

#include "mtpc/core/atomic_file.hpp"
#include "mtpc/core/error.hpp"
#include "mtpc/io/cfg_io.hpp"
#include "mtpc/io/mtp_io.hpp"
#include "mtpc/mtp/min_distance.hpp"
#include "mtpc/train/ceres_line_search_optimizer.hpp"
#include "mtpc/train/checkpoint.hpp"
#include "mtpc/train/linear_start.hpp"
#include "mtpc/train/radial_start.hpp"
#include "mtpc/train/training_objective.hpp"
#include "trainer_impl.hpp"

namespace mtpc {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

double seconds_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

/// Warns (one line) when a data set has pairs closer than the potential's min_dist, where the
/// radial basis extrapolates; the lists are those the run builds anyway.
void warn_below_min_dist(const std::vector<NeighborList>& nls, double min_dist, const std::string& file) {
    warn_if_below_min_distance(check_min_distance(nls, min_dist), file);
}

constexpr const char* kCurveHeader = "step,optimizer,iteration,evaluations,loss,gradient_norm,rank,seconds";

/// On resume the curve keeps the rows before the checkpoint's iteration, and drops what the
/// interrupted run did after it, which the resumed run repeats.  At a restart point it also keeps
/// one row of that iteration: a restart reports its iteration twice (ending one BFGS segment,
/// starting the next) and the resumed run writes the second.  Where a stop arrived there was one
/// row, and the resumed run writes it.
void keep_curve_rows_through(const fs::path& csv, size_t step, int iteration, bool at_restart_point) {
    std::ifstream in(csv);
    if (!in) return;
    std::string line, kept = std::string(kCurveHeader) + "\n";
    std::getline(in, line);  // header
    bool restart_row_kept = false;
    while (std::getline(in, line)) {
        size_t row_step = 0;
        int row_iteration = 0;
        char optimizer[128];
        if (std::sscanf(line.c_str(), "%zu,%127[^,],%d", &row_step, optimizer, &row_iteration) != 3) continue;
        const bool before = row_step < step || (row_step == step && row_iteration < iteration);
        // (At iteration 0 a step has no segment before it: its only row is the resumed run's.)
        const bool restart_row =
            at_restart_point && iteration > 0 && row_step == step && row_iteration == iteration && !restart_row_kept;
        if (!before && !restart_row) break;  // rows are in order: the rest came after the restart point
        restart_row_kept = restart_row_kept || restart_row;
        kept += line + "\n";
    }
    in.close();
    write_file_atomically(csv.string(), [&](std::ostream& o) { o << kept; });
}

/// A stop request that arrives while the data are read or the start is fitted (seconds to minutes
/// on large sets, before the optimiser's first report) ends the run there; a checkpoint from an
/// earlier interruption, if any, is kept untouched.
void stop_if_requested(const RunContext& run, const char* phase) {
    if (!g_stop_requested.load()) return;
    throw TrainingInterrupted(fmt::format("interrupted {} of {} seed {}, before any training in this process{}",
                                          phase, run.variant, run.seed,
                                          fs::exists(run.checkpoint_file) ? "; the earlier checkpoint is kept" : ""));
}

/// Runs `optimizer` and names the manifest step in any error it throws (a plugin's message names
/// the plugin, not which of several steps ran it).  The exception's kind is kept: bad input stays
/// an InputError, an interrupt passes through unchanged.
void minimize_in_step_context(sdk::Optimizer& optimizer, sdk::Objective& objective,
                              const sdk::RadialParameterization& radial, sdk::OptimizerState& state, size_t step) {
    try {
        optimizer.minimize(objective, radial, state);
    } catch (const TrainingInterrupted&) {
        throw;
    } catch (const InputError& e) {
        throw InputError(fmt::format("steps[{}]: {}", step, e.what()));
    } catch (const std::exception& e) {
        throw std::runtime_error(fmt::format("steps[{}]: {}", step, e.what()));
    }
}

/// Where the data stop describing each species pair: worth a line, since an unlike pair that no
/// training configuration brings close is a common blind spot (Nb-Mo-Ta-W's train.cfg: like pairs
/// from 2.02 Å, unlike pairs only from 2.71 Å, while hot quaternary cells have them at 2.2 Å).
void log_closest_pairs(const TrainingSet& train, const std::vector<std::string>& species) {
    const int n = int(species.size());
    std::string text;
    for (int zi = 0; zi < n; ++zi)
        for (int zj = zi; zj < n; ++zj) {
            const double d = train.closest_by_species()[std::size_t(zi) * n + zj];
            text += fmt::format("{}{}-{} {}", text.empty() ? "" : ", ", species[zi], species[zj],
                                std::isfinite(d) ? fmt::format("{:.3g}", d) : std::string("none"));
        }
    spdlog::info("closest training pairs (A): {}", text);
}

}  // namespace

RunSummary Trainer::Impl::run_one(const Manifest& m, const std::string& variant, std::uint64_t seed,
                                  const fs::path& dir) {
    fs::create_directories(dir);
    RunContext run(m, variant, seed, dir);
    load_model_and_data(run);
    stop_if_requested(run, "while reading the data");
    choose_start(run);
    stop_if_requested(run, "while choosing the start point");
    resume_or_begin(run);
    ProgressPrinter printer(options.progress_bar < 0 ? ::isatty(::fileno(stdout)) != 0 : options.progress_bar == 1,
                            options.quiet);
    for (size_t step = run.first_step; step < m.steps.size(); ++step) run_step(run, step, printer);

    std::vector<double> x_phys(run.nx);
    Eigen::VectorXd C(run.shape.size());
    MtpParameters p;
    write_outputs(run, p, x_phys, C);
    RunSummary r = summarize(run, p);
    std::error_code ec;
    fs::remove(run.checkpoint_file, ec);
    return r;
}

void Trainer::Impl::load_model_and_data(RunContext& run) {
    const Manifest& m = run.m;
    run.start = starting_point(m);
    run.model = std::make_unique<MtpModel>(run.start.pot);
    run.shape = run.model->radial_shape();
    run.n_species = run.shape.n_species;
    run.nx = run.n_species + run.model->scalar_count();
    const LossWeights w{m.loss.energy_weight, m.loss.force_weight, m.loss.stress_weight, m.loss.weighting};
    run.train = std::make_unique<TrainingSet>(configs(m.train_file), run.n_species, run.model->cutoff(), w, m.train_file);
    // From each list's smallest distance: copying the lists would double the training set's memory.
    std::vector<double> train_smallest(run.train->size());
    for (int k = 0; k < run.train->size(); ++k) train_smallest[k] = min_interatomic_distance(run.train->neighbors(k));
    warn_if_below_min_distance(check_min_distance(train_smallest, run.start.pot.min_dist), m.train_file);
    log_closest_pairs(*run.train, m.species);
    if (m.validation_file.empty()) return;
    run.valid_cfgs = configs(m.validation_file);
    check_species(run.valid_cfgs, run.n_species, m.validation_file);
    for (size_t k = 0; k < run.valid_cfgs.size(); ++k)
        run.valid_nls.emplace_back(run.valid_cfgs[k], run.model->cutoff(),
                                   m.validation_file + ": configuration " + std::to_string(k + 1));
    warn_below_min_dist(run.valid_nls, run.start.pot.min_dist, m.validation_file);
}

void Trainer::Impl::choose_start(RunContext& run) {
    const Manifest& m = run.m;
    const MtpPotential& pot = run.start.pot;
    const json& parameters = run.start.parameters;
    run.radial_options = radial_options_text(m, run.shape);
    run.radial = make_radial(m, run.radial_options);
    run.theta.resize(run.radial->num_parameters());
    const bool have_coeffs = pot.trained() && !pot.radial_coeffs.empty();
    if (parameters.is_object() && parameters.value("radial_plugin", "") == m.radial.plugin &&
        parameters.contains("radial_options") &&
        parameters["radial_options"].dump() == json::parse(run.radial_options).dump()) {
        run.theta = finite_vector(parameters["theta"], m.model.init_from + ": theta");  // continue a compressed fit
        if (run.theta.size() != run.radial->num_parameters()) throw InputError(m.model.init_from + ": theta: wrong length");
    } else if (m.radial.init == "compress" || (have_coeffs && parameters.is_object())) {
        if (!have_coeffs) throw InputError(m.model.init_from + ": has no radial coefficients to compress");
        run.radial->initialize_from(pot.radial_coeffs.data(), run.theta.data());
    } else {
        random_radial_start(*run.radial, run.seed, m.radial.init_scale, run.theta.data());
    }
    Eigen::VectorXd C(run.shape.size());
    run.radial->materialize(run.theta.data(), C.data());

    // Conditioning of the Euclidean block, and (from random starts) linear coefficients fitted to
    // the energies for the current radial part.
    const LinearStart linear_start = fit_linear_start(*run.model, *run.train, C.data(), !have_coeffs, threads());
    run.scale = saved_linear_scale(parameters, run.nx, m.model.init_from).value_or(linear_start.scale);
    std::vector<double> x_phys(run.nx, 0.0);
    if (have_coeffs) {
        std::copy(pot.species_coeffs.begin(), pot.species_coeffs.end(), x_phys.begin());
        std::copy(pot.moment_coeffs.begin(), pot.moment_coeffs.end(), x_phys.begin() + run.n_species);
    } else {
        x_phys = linear_start.x;
    }
    run.x_scaled.resize(run.nx);
    for (int a = 0; a < run.nx; ++a) run.x_scaled[a] = x_phys[a] / run.scale[a];
}

void Trainer::Impl::resume_or_begin(RunContext& run) {
    run.fingerprint = run_fingerprint(run.m);
    if (!(options.resume && fs::exists(run.checkpoint_file))) {
        run.curve.open(run.dir / "learning_curve.csv", std::ios::trunc);
        run.curve << kCurveHeader << '\n';
        return;
    }
    const std::string where = run.checkpoint_file.string();
    std::ifstream in(run.checkpoint_file);
    CheckpointExpectations expected{run.fingerprint, {}, run.nx};
    for (const auto& step : run.m.steps) expected.max_iterations.push_back(step.options.value("max_iterations", 1000L));
    Checkpoint ck = read_checkpoint(in, expected, where);
    run.first_step = ck.step;
    run.resume_iterations = ck.iterations_done;
    run.radial_options = ck.radial_options;
    run.evaluations = ck.evaluations;
    run.resume_rule_state = ck.convergence_rule;
    run.scale = ck.linear_scale;
    run.radial = make_radial(run.m, run.radial_options);
    run.x_scaled = ck.x;
    run.theta = ck.theta;
    if (run.theta.size() != run.radial->num_parameters())
        throw InputError(fmt::format("{}: theta: has {} entries, the parameterization ({}) has {}", where,
                                     run.theta.size(), run.radial_options, run.radial->num_parameters()));
    keep_curve_rows_through(run.dir / "learning_curve.csv", run.first_step, run.resume_iterations,
                            ck.at_restart_point);
    run.curve.open(run.dir / "learning_curve.csv", std::ios::app);
    spdlog::info("resuming {} seed {} at step {} iteration {}{}", run.variant, run.seed, run.first_step + 1,
                 run.resume_iterations,
                 ck.at_restart_point ? " (a restart point: the result equals an uninterrupted run's)"
                                             : " (where it was stopped; the optimiser's memory restarts here)");
}

void Trainer::Impl::write_checkpoint(const RunContext& run, const RestartPoint& at) {
    Checkpoint ck;
    ck.variant = run.variant;
    ck.seed = run.seed;
    ck.step = at.step;
    ck.iterations_done = at.iterations;
    ck.radial_options = run.radial_options;
    ck.linear_scale = run.scale;
    ck.x = Eigen::Map<const Eigen::VectorXd>(at.x, run.nx);
    ck.theta = Eigen::Map<const Eigen::VectorXd>(at.theta, run.radial->num_parameters());
    ck.evaluations = at.evaluations;
    ck.convergence_rule = at.rule_state;
    ck.fingerprint = run.fingerprint;
    ck.at_restart_point = at.at_restart_point;
    write_file_atomically(run.checkpoint_file.string(), [&](std::ostream& o) { o << checkpoint_text(ck); });
}

std::string Trainer::Impl::validation_progress(const RunContext& run, const sdk::ProgressReport& r) {
    const Manifest& m = run.m;
    if (m.validate_every <= 0 || run.valid_cfgs.empty() || r.iteration <= 0 || r.iteration % m.validate_every != 0 ||
        r.x == nullptr || r.theta == nullptr)
        return "";
    std::vector<double> xp(run.nx), C(run.shape.size());
    for (int a = 0; a < run.nx; ++a) xp[a] = run.scale[a] * r.x[a];
    run.radial->materialize(r.theta, C.data());
    const auto rep = compute_errors(*run.model, {xp.data(), xp.data() + run.n_species, C.data()}, run.valid_cfgs,
                                    &run.valid_nls, threads(), m.validation_file);
    return fmt::format(" | valid E {:.2f} meV/at F {:.4f} eV/A", rep.energy_per_atom.rmse * 1e3, rep.forces.rmse);
}

bool Trainer::Impl::on_report(RunContext& run, StepProgress& s, const sdk::ProgressReport& r) {
    const long evaluations = run.evaluations + (s.objective ? s.objective->evaluations() : 0);
    if (r.restart_point && r.x != nullptr && r.theta != nullptr) {
        s.last_restart_iteration = r.iteration;
        s.reports_restart_points = true;
        write_checkpoint(run, {s.step, r.iteration, r.x, r.theta, evaluations, s.rule.state()});
    }
    s.printer.update(r.iteration, r.loss, validation_progress(run, r), s.first_iteration);
    run.curve << fmt::format("{},{},{},{},{:.17g},{:.17g},{},{:.3f}\n", s.step, s.optimizer, r.iteration, evaluations,
                             r.loss, r.gradient_norm, r.rank, seconds_since(s.started));
    if (options.stop_after_reports > 0 && ++reports_seen >= options.stop_after_reports) g_stop_requested.store(true);
    if (g_stop_requested.load()) {
        checkpoint_on_stop(run, s, r, evaluations);
        return false;
    }
    // The rule's stop looks like a stop request to the optimiser; the host tells them apart.
    if (s.rule.converged(r.iteration, r.loss)) s.converged = true;
    return !s.converged;
}

void Trainer::Impl::checkpoint_on_stop(RunContext& run, StepProgress& s, const sdk::ProgressReport& r,
                                       long evaluations) {
    const bool keep_restart_point = options.checkpoint_on_stop == TrainOptions::CheckpointOnStop::kRestartPoint;
    // Only an optimiser that restarts from any reported iterate (it reports restart points) can be
    // resumed here; the rule's state is the one before this report, as at a restart point.
    if (keep_restart_point || !s.reports_restart_points || r.x == nullptr || r.theta == nullptr ||
        r.iteration <= s.last_restart_iteration)
        return;
    s.last_restart_iteration = r.iteration;
    write_checkpoint(run, {s.step, r.iteration, r.x, r.theta, evaluations, s.rule.state(), false});
}

void Trainer::Impl::run_step(RunContext& run, size_t step, ProgressPrinter& printer) {
    const Manifest& m = run.m;
    if (m.steps[step].optimizer == kLinearStepName) {
        run_linear_step(run, step, printer);
        return;
    }
    auto optimizer = make_optimizer(m, step);
    StepProgress s{step, m.steps[step].optimizer, step == run.first_step ? run.resume_iterations : 0, printer,
                   ConvergenceRule(m.convergence)};
    if (step == run.first_step && !run.resume_rule_state.is_null()) s.rule.restore(run.resume_rule_state);
    s.last_restart_iteration = s.first_iteration;
    printer.start(fmt::format("[{} seed {}] step {}/{}: {} ({} radial parameters)", run.variant, run.seed, step + 1,
                              m.steps.size(), s.optimizer, run.radial->num_parameters()),
                  m.steps[step].options.value("max_iterations", 1000));
    TrainingObjective objective(*run.model, *run.train, run.scale, threads(),
                                [&](const sdk::ProgressReport& r) { return on_report(run, s, r); },
                                regularization_of(m.loss));
    // Every optimiser, built-in or plugin, re-solves through the objective (LinearResolveSchedule).
    objective.set_linear_solver([this, &run](const double* C, double* x) { exact_linear_coefficients(run, C, x); });
    s.objective = &objective;
    sdk::OptimizerState state;
    state.x = run.x_scaled;
    state.theta = run.theta;
    state.iterations_done = s.first_iteration;
    minimize_in_step_context(*optimizer, objective, *run.radial, state, step);
    run.evaluations += objective.evaluations();
    finish_step(run, s, state, objective);
}

void Trainer::Impl::finish_step(RunContext& run, const StepProgress& s, sdk::OptimizerState& state,
                                TrainingObjective& objective) {
    if (state.interrupted && !s.converged) {
        run.curve.flush();
        throw TrainingInterrupted(fmt::format("interrupted: checkpoint written to {} (step {}, iteration {}); "
                                              "continue with `mtpc train {} --resume`",
                                              run.checkpoint_file.string(), s.step + 1, s.last_restart_iteration,
                                              run.m.path));
    }
    if (s.converged) state.message = s.rule.reason();
    if (state.radial.size() != run.shape.size())
        throw std::runtime_error("optimizer '" + s.optimizer + "' returned a radial tensor of the wrong size");
    run.x_scaled = state.x;
    if (!state.new_parameterization_options.empty()) {  // e.g. MFRA raised the rank
        run.radial_options = state.new_parameterization_options;
        run.radial = make_radial(run.m, run.radial_options);
        run.theta.resize(run.radial->num_parameters());
        run.radial->initialize_from(state.radial.data(), run.theta.data());
    } else {
        run.theta = state.theta;
    }
    run.total_iterations += state.iterations_done - s.first_iteration;
    run.stop_reasons.push_back(state.message);
    run.final_loss = objective.evaluate(run.x_scaled.data(), state.radial.data(), nullptr, nullptr);
    s.printer.finish(fmt::format("{} after {} iterations: loss {:.6e} ({})", s.optimizer, state.iterations_done,
                                 run.final_loss, state.message));
    // A step boundary is a restart point of every optimiser.
    write_checkpoint(run, {s.step + 1, 0, run.x_scaled.data(), run.theta.data(), run.evaluations, json()});
}

void Trainer::Impl::write_outputs(RunContext& run, MtpParameters& p, std::vector<double>& x_phys, Eigen::VectorXd& C) {
    MtpPotential& pot = run.start.pot;
    run.radial->materialize(run.theta.data(), C.data());
    for (int a = 0; a < run.nx; ++a) x_phys[a] = run.scale[a] * run.x_scaled[a];
    pot.species_coeffs.assign(x_phys.begin(), x_phys.begin() + run.n_species);
    pot.moment_coeffs.assign(x_phys.begin() + run.n_species, x_phys.end());
    pot.radial_coeffs.assign(C.data(), C.data() + C.size());
    if (run.m.write_potential) write_mtp((run.dir / "potential.mtp").string(), pot);
    const json params = {{"format", "mtpc-parameters-1"},
                         {"potential", "potential.mtp"},
                         {"species", run.m.species},
                         {"radial_plugin", run.m.radial.plugin},
                         {"radial_options", json::parse(run.radial_options)},
                         {"theta", std::vector<double>(run.theta.data(), run.theta.data() + run.theta.size())},
                         {"species_coeffs", pot.species_coeffs},
                         {"moment_coeffs", pot.moment_coeffs},
                         // The ridge is measured in these units; a continued run keeps them.
                         {"linear_scale", run.scale},
                         {"seed", run.seed}};
    write_file_atomically((run.dir / "parameters.json").string(),
                          [&](std::ostream& o) { o << params.dump(1) << '\n'; });
    p = MtpParameters{x_phys.data(), x_phys.data() + run.n_species, C.data()};
}

RunSummary Trainer::Impl::summarize(RunContext& run, const MtpParameters& p) {
    const Manifest& m = run.m;
    RunSummary r;
    r.variant = run.variant;
    r.seed = run.seed;
    r.counts = counts(m, run.variant);
    r.counts.radial_parameters = run.radial->num_parameters();
    r.final_loss = run.final_loss;
    r.iterations = run.total_iterations;
    r.evaluations = run.evaluations;
    r.stop_reasons = run.stop_reasons;
    std::vector<NeighborList> train_nls;
    for (int k = 0; k < run.train->size(); ++k) train_nls.push_back(run.train->neighbors(k));
    r.train = compute_errors(*run.model, p, run.train->configurations(), &train_nls, threads(), m.train_file);
    if (!run.valid_cfgs.empty()) {
        r.validation = compute_errors(*run.model, p, run.valid_cfgs, &run.valid_nls, threads(), m.validation_file);
        r.has_validation = true;
        const LossWeights w{m.loss.energy_weight, m.loss.force_weight, m.loss.stress_weight, m.loss.weighting};
        const TrainingSet valid(run.valid_cfgs, run.n_species, run.model->cutoff(), w, m.validation_file);
        r.validation_loss = run.model->batch_loss_gradient(valid.items(), p, MtpGradient{}, threads());
    }
    if (!m.test_file.empty()) {
        const auto& tc = configs(m.test_file);
        check_species(tc, run.n_species, m.test_file);
        std::vector<double> smallest;
        const auto results = evaluate_configurations(*run.model, p, tc, nullptr, threads(), m.test_file, &smallest);
        warn_if_below_min_distance(check_min_distance(smallest, run.start.pot.min_dist), m.test_file);
        r.test = errors_of(tc, results);
        r.has_test = true;
    }
    r.seconds = seconds_since(run.started);
    r.directory = run.dir.string();
    write_file_atomically((run.dir / "metrics.json").string(), [&](std::ostream& o) { o << r.to_json().dump(1) << '\n'; });
    return r;
}

}  // namespace mtpc
