#include "mtpc/train/trainer.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <omp.h>
#include <unistd.h>

#include <Eigen/Dense>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <numeric>

#include "mtpc/core/atomic_file.hpp"
#include "mtpc/core/error.hpp"
#include "mtpc/io/cfg_io.hpp"
#include "mtpc/io/mtp_io.hpp"
#include "mtpc/io/read_configurations.hpp"
#include "mtpc/mtp/basis_generator.hpp"
#include "mtpc/mtp/mtp_model.hpp"
#include "mtpc/train/ceres_line_search_optimizer.hpp"
#include "mtpc/train/linear_start.hpp"
#include "mtpc/train/progress_printer.hpp"
#include "mtpc/train/training_objective.hpp"
#include "mtpc/train/training_set.hpp"

namespace mtpc {
namespace fs = std::filesystem;
using nlohmann::json;

std::atomic<bool> g_stop_requested{false};

namespace {
extern "C" void on_stop_signal(int) { g_stop_requested.store(true); }
}  // namespace

void install_stop_signal_handlers() {
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
}

json ParameterCounts::to_json() const {
    return {{"variant", variant},
            {"level", level},
            {"species_coefficients", species},
            {"linear_coefficients", scalar},
            {"radial_funcs_count", radial_funcs},
            {"radial_basis_size", radial_basis},
            {"basic_moments", basic_moments},
            {"alpha_moments", alpha_moments},
            {"times_products", times},
            {"radial_plugin", radial_plugin},
            {"radial_full", radial_full},
            {"radial_parameters", radial_parameters},
            {"radial_fraction", radial_full > 0 ? double(radial_parameters) / radial_full : 0.0},
            {"total_parameters", total()}};
}

json RunSummary::to_json() const {
    json j = {{"variant", variant},         {"seed", seed},
              {"counts", counts.to_json()}, {"final_loss", final_loss},
              {"iterations", iterations},   {"evaluations", evaluations},
              {"seconds", seconds},         {"train", train.to_json()},
              {"directory", directory}};
    if (has_validation) {
        j["validation"] = validation.to_json();
        j["validation_loss"] = validation_loss;
    }
    if (has_test) j["test"] = test.to_json();
    return j;
}

RunSummary RunSummary::from_json(const json& j) {
    RunSummary r;
    r.final_loss = j.value("final_loss", 0.0);
    r.iterations = j.value("iterations", 0);
    r.evaluations = j.value("evaluations", 0L);
    r.seconds = j.value("seconds", 0.0);
    r.train = ErrorReport::from_json(j.at("train"));
    if (j.contains("validation")) {
        r.validation = ErrorReport::from_json(j["validation"]);
        r.has_validation = true;
        r.validation_loss = j.value("validation_loss", std::numeric_limits<double>::quiet_NaN());
    }
    if (j.contains("test")) {
        r.test = ErrorReport::from_json(j["test"]);
        r.has_test = true;
    }
    return r;
}

namespace {

std::string sanitize(const std::string& s) {
    std::string out;
    for (char c : s) out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') ? c : '_';
    return out.empty() ? "run" : out;
}

/// The model a manifest starts from: a trained or untrained MLIP-2 potential, or a parameters
/// file written by an earlier run (whose potential holds the basis and coefficients).
struct StartingPoint {
    MtpPotential pot;
    json parameters;  ///< the parameters file when model.init_from was one, else null
};

StartingPoint starting_point(const Manifest& m) {
    StartingPoint s;
    if (m.model.init_from.empty()) {
        s.pot = make_untrained_mtp(m.model.level, int(m.species.size()), m.model.min_dist, m.model.max_dist,
                                   m.model.radial_basis_size);
    } else if (fs::path(m.model.init_from).extension() == ".json") {
        std::ifstream in(m.model.init_from);
        try {
            s.parameters = json::parse(in);
        } catch (const json::exception& e) {
            throw InputError(m.model.init_from + ": not valid JSON: " + e.what());
        }
        if (!s.parameters.contains("potential") || !s.parameters["potential"].is_string())
            throw InputError(m.model.init_from + ": potential: missing (not an mtpc parameters file)");
        const fs::path pot = fs::path(m.model.init_from).parent_path() / s.parameters["potential"].get<std::string>();
        s.pot = read_mtp(pot.string());
    } else {
        s.pot = read_mtp(m.model.init_from);
    }
    if (s.pot.species_count != int(m.species.size()))
        throw InputError(m.path + ": species: " + std::to_string(m.species.size()) + " species, but the potential has " +
                         std::to_string(s.pot.species_count));
    return s;
}

std::string radial_options_text(const Manifest& m, const sdk::RadialShape& shape) {
    json o = m.radial.options;
    o["n_species"] = shape.n_species;
    o["n_funcs"] = shape.n_funcs;
    o["n_basis"] = shape.n_basis;
    return o.dump();
}

Eigen::VectorXd to_eigen(const json& a, const std::string& what) {
    if (!a.is_array()) throw InputError(what + ": must be an array of numbers");
    Eigen::VectorXd v(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
        if (!a[i].is_number()) throw InputError(what + ": must be an array of numbers");
        v[i] = a[i].get<double>();
    }
    return v;
}

json to_json_array(const Eigen::VectorXd& v) { return json(std::vector<double>(v.data(), v.data() + v.size())); }

}  // namespace

struct Trainer::Impl {
    Manifest manifest;
    TrainOptions options;
    PluginHost host;
    std::map<std::string, std::vector<Configuration>> cfg_cache;
    long reports_seen = 0;

    const std::vector<Configuration>& configs(const std::string& file) {
        auto it = cfg_cache.find(file);
        if (it == cfg_cache.end()) it = cfg_cache.emplace(file, read_configurations(file, manifest.species)).first;
        return it->second;
    }

    /// "threads": 0 in a manifest means every core.
    int threads() const { return manifest.threads > 0 ? manifest.threads : std::max(1, omp_get_num_procs()); }

    PluginPtr<sdk::RadialParameterization> make_radial(const Manifest& m, const std::string& options_text) {
        try {
            return host.create<sdk::RadialParameterization>(m.radial.plugin, options_text);
        } catch (const InputError& e) {
            throw InputError(m.path + ": radial: " + e.what());
        }
    }

    std::unique_ptr<sdk::Optimizer, std::function<void(sdk::Optimizer*)>> make_optimizer(const Manifest& m, size_t i) {
        const StepSpec& s = m.steps[i];
        const std::string where = m.path + ": steps[" + std::to_string(i) + "]";
        if (CeresLineSearchOptimizer::is_builtin(s.optimizer)) {
            try {
                return {new CeresLineSearchOptimizer(s.optimizer, s.options), [](sdk::Optimizer* p) { delete p; }};
            } catch (const InputError& e) {
                throw InputError(where + ".options: " + e.what());
            }
        }
        try {
            auto p = host.create<sdk::Optimizer>(s.optimizer, s.options.dump());
            auto deleter = p.get_deleter();
            return {p.release(), [deleter](sdk::Optimizer* q) { deleter(q); }};
        } catch (const InputError& e) {
            const std::string what = e.what();
            const bool unknown = what.rfind("unknown plugin", 0) == 0;
            throw InputError(where + (unknown ? ".optimizer: " : ".options: ") + what);
        }
    }

    ParameterCounts counts(const Manifest& m, const std::string& variant) {
        const StartingPoint sp = starting_point(m);
        const MtpPotential& pot = sp.pot;
        ParameterCounts c;
        c.variant = variant;
        c.level = m.model.init_from.empty() ? m.model.level : 0;
        c.species = pot.species_count;
        c.radial_funcs = pot.radial_funcs_count;
        c.radial_basis = pot.radial_basis_size;
        c.basic_moments = int(pot.alpha_index_basic.size());
        c.alpha_moments = pot.alpha_moments_count;
        c.times = int(pot.alpha_index_times.size());
        c.scalar = pot.alpha_scalar_moments();
        const sdk::RadialShape shape{pot.species_count, pot.radial_funcs_count, pot.radial_basis_size};
        c.radial_full = int(shape.size());
        auto radial = make_radial(m, radial_options_text(m, shape));
        c.radial_parameters = radial->num_parameters();
        c.radial_plugin = m.radial.plugin;
        return c;
    }

    void validate_one(const Manifest& m) {
        const StartingPoint sp = starting_point(m);
        const sdk::RadialShape shape{sp.pot.species_count, sp.pot.radial_funcs_count, sp.pot.radial_basis_size};
        (void)make_radial(m, radial_options_text(m, shape));
        for (size_t i = 0; i < m.steps.size(); ++i) (void)make_optimizer(m, i);
    }

    std::vector<std::pair<std::string, Manifest>> variants() const {
        std::vector<std::pair<std::string, Manifest>> v;
        if (manifest.variants.empty()) v.emplace_back("base", manifest);
        for (const auto& var : manifest.variants) v.emplace_back(var.name, apply_variant(manifest, var));
        return v;
    }

    RunSummary run_one(const Manifest& m, const std::string& variant, std::uint64_t seed, const fs::path& dir);
};

Trainer::Trainer(Manifest manifest, TrainOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->manifest = std::move(manifest);
    impl_->options = options;
    impl_->host.scan(PluginHost::search_path(impl_->manifest.plugin_paths));
}

Trainer::~Trainer() = default;

void Trainer::validate() {
    for (const auto& [name, m] : impl_->variants()) impl_->validate_one(m);
    // Data: parse now, so a malformed file fails before any training.
    const auto& m = impl_->manifest;
    for (const auto* f : {&m.train_file, &m.validation_file, &m.test_file})
        if (!f->empty()) check_species(impl_->configs(*f), int(m.species.size()), *f);
}

std::vector<ParameterCounts> Trainer::describe() {
    std::vector<ParameterCounts> out;
    for (const auto& [name, m] : impl_->variants()) out.push_back(impl_->counts(m, name));
    return out;
}

RunSummary Trainer::Impl::run_one(const Manifest& m, const std::string& variant, std::uint64_t seed,
                                  const fs::path& dir) {
    const auto t_start = std::chrono::steady_clock::now();
    fs::create_directories(dir);
    const fs::path checkpoint_file = dir / "checkpoint.json";

    StartingPoint sp = starting_point(m);
    MtpPotential& pot = sp.pot;
    MtpModel model(pot);
    const sdk::RadialShape shape = model.radial_shape();
    const int nt = shape.n_species, ns = model.scalar_count(), nx = nt + ns;

    LossWeights w{m.loss.energy_weight, m.loss.force_weight, m.loss.stress_weight, m.loss.weighting};
    TrainingSet train(configs(m.train_file), nt, model.cutoff(), w, m.train_file);
    std::vector<Configuration> valid_cfgs;
    std::vector<NeighborList> valid_nls;
    if (!m.validation_file.empty()) {
        valid_cfgs = configs(m.validation_file);
        check_species(valid_cfgs, nt, m.validation_file);
        for (size_t k = 0; k < valid_cfgs.size(); ++k)
            valid_nls.emplace_back(valid_cfgs[k], model.cutoff(), m.validation_file + ": configuration " + std::to_string(k + 1));
    }

    std::string radial_options = radial_options_text(m, shape);
    auto radial = make_radial(m, radial_options);

    // ---- initial point ------------------------------------------------------------------------
    Eigen::VectorXd theta(radial->num_parameters());
    Eigen::VectorXd C(shape.size());
    std::vector<double> x_phys(nx, 0.0);
    const bool have_coeffs = pot.trained() && !pot.radial_coeffs.empty();
    if (sp.parameters.is_object() && sp.parameters.value("radial_plugin", "") == m.radial.plugin &&
        sp.parameters.contains("radial_options") && sp.parameters["radial_options"].dump() == json::parse(radial_options).dump()) {
        theta = to_eigen(sp.parameters["theta"], m.model.init_from + ": theta");  // continue a compressed fit
        if (theta.size() != radial->num_parameters()) throw InputError(m.model.init_from + ": theta: wrong length");
    } else if (m.radial.init == "compress" || (have_coeffs && sp.parameters.is_object())) {
        if (!have_coeffs) throw InputError(m.model.init_from + ": has no radial coefficients to compress");
        radial->initialize_from(pot.radial_coeffs.data(), theta.data());
    } else {
        // Random radial part, of a size that keeps f_μ = Σ_β c Q_β of order one: |Q_β| ≤ (R_cut − r)².
        const double span = pot.max_dist - pot.min_dist;
        const double automatic = 1.0 / (span * span * std::sqrt(double(shape.n_basis)));
        radial->initialize_random(seed, m.radial.init_scale > 0 ? m.radial.init_scale : automatic, theta.data());
    }
    radial->materialize(theta.data(), C.data());
    if (have_coeffs) {
        std::copy(pot.species_coeffs.begin(), pot.species_coeffs.end(), x_phys.begin());
        std::copy(pot.moment_coeffs.begin(), pot.moment_coeffs.end(), x_phys.begin() + nt);
    }

    // Conditioning of the Euclidean block, and (from random starts) linear coefficients fitted to
    // the energies for the current radial part.
    const LinearStart linear_start = fit_linear_start(model, train, C.data(), !have_coeffs, threads());
    std::vector<double> scale = linear_start.scale;
    if (!have_coeffs) x_phys = linear_start.x;

    ProgressPrinter printer(options.progress_bar < 0 ? ::isatty(::fileno(stdout)) != 0 : options.progress_bar == 1,
                            options.quiet);
    std::ofstream curve;
    long evaluations = 0;

    // ---- resume --------------------------------------------------------------------------------
    size_t first_step = 0;
    int resume_iterations = 0;
    Eigen::VectorXd x_scaled(nx);
    for (int a = 0; a < nx; ++a) x_scaled[a] = x_phys[a] / scale[a];
    if (options.resume && fs::exists(checkpoint_file)) {
        std::ifstream in(checkpoint_file);
        const json ck = json::parse(in);
        first_step = ck.at("step").get<size_t>();
        resume_iterations = ck.at("iterations_done").get<int>();
        radial_options = ck.at("radial_options").get<std::string>();
        radial = make_radial(m, radial_options);
        scale = ck.at("linear_scale").get<std::vector<double>>();
        x_scaled = to_eigen(ck.at("x"), checkpoint_file.string() + ": x");
        theta = to_eigen(ck.at("theta"), checkpoint_file.string() + ": theta");
        evaluations = ck.value("evaluations", 0L);
        curve.open(dir / "learning_curve.csv", std::ios::app);
        spdlog::info("resuming {} seed {} at step {} iteration {}", variant, seed, first_step, resume_iterations);
    } else {
        curve.open(dir / "learning_curve.csv", std::ios::trunc);
        curve << "step,optimizer,iteration,evaluations,loss,gradient_norm,rank,seconds\n";
    }

    TrainingObjective* objective_ptr = nullptr;
    auto write_checkpoint = [&](size_t step, int iters, const double* xs, const double* th, const std::string& ropts) {
        json ck = {{"variant", variant},
                   {"seed", seed},
                   {"step", step},
                   {"iterations_done", iters},
                   {"radial_options", ropts},
                   {"linear_scale", scale},
                   {"x", std::vector<double>(xs, xs + nx)},
                   {"theta", std::vector<double>(th, th + radial->num_parameters())},
                   {"evaluations", evaluations + (objective_ptr ? objective_ptr->evaluations() : 0)}};
        write_file_atomically(checkpoint_file.string(), [&](std::ostream& o) { o << ck.dump(1) << '\n'; });
    };

    double final_loss = 0;
    int total_iterations = 0;
    for (size_t step = first_step; step < m.steps.size(); ++step) {
        auto optimizer = make_optimizer(m, step);
        const std::string opt_name = m.steps[step].optimizer;
        const int max_it = m.steps[step].options.value("max_iterations", 1000);
        int first_it = step == first_step ? resume_iterations : 0;
        printer.start(fmt::format("[{} seed {}] step {}/{}: {} ({} radial parameters)", variant, seed, step + 1,
                                  m.steps.size(), opt_name, radial->num_parameters()),
                      max_it);
        int last_restart_iteration = first_it;
        Eigen::VectorXd ck_x = x_scaled, ck_theta = theta;
        const auto t_step = std::chrono::steady_clock::now();
        TrainingObjective objective(
            model, train, scale, threads(), [&](const sdk::ProgressReport& r) {
                if (r.restart_point && r.x != nullptr && r.theta != nullptr) {
                    ck_x = Eigen::Map<const Eigen::VectorXd>(r.x, nx);
                    ck_theta = Eigen::Map<const Eigen::VectorXd>(r.theta, radial->num_parameters());
                    last_restart_iteration = r.iteration;
                    write_checkpoint(step, r.iteration, ck_x.data(), ck_theta.data(), radial_options);
                }
                std::string val;
                if (m.validate_every > 0 && !valid_cfgs.empty() && r.iteration > 0 && r.iteration % m.validate_every == 0 &&
                    r.x != nullptr && r.theta != nullptr) {
                    std::vector<double> xp(nx), Cv(shape.size());
                    for (int a = 0; a < nx; ++a) xp[a] = scale[a] * r.x[a];
                    radial->materialize(r.theta, Cv.data());
                    const auto rep = compute_errors(model, {xp.data(), xp.data() + nt, Cv.data()}, valid_cfgs, &valid_nls,
                                                    threads(), m.validation_file);
                    val = fmt::format(" | valid E {:.2f} meV/at F {:.4f} eV/A", rep.energy_per_atom.rmse * 1e3,
                                      rep.forces.rmse);
                }
                printer.update(r.iteration, r.loss, val, first_it);
                curve << fmt::format("{},{},{},{},{:.17g},{:.17g},{},{:.3f}\n", step, opt_name, r.iteration,
                                     evaluations + (objective_ptr ? objective_ptr->evaluations() : 0), r.loss,
                                     r.gradient_norm, r.rank,
                                     std::chrono::duration<double>(std::chrono::steady_clock::now() - t_step).count());
                if (options.stop_after_reports > 0 && ++reports_seen >= options.stop_after_reports)
                    g_stop_requested.store(true);
                return !g_stop_requested.load();
            },
            m.loss.linear_l2);
        objective_ptr = &objective;
        sdk::OptimizerState state;
        state.x = x_scaled;
        state.theta = theta;
        state.iterations_done = first_it;
        optimizer->minimize(objective, *radial, state);
        evaluations += objective.evaluations();
        objective_ptr = nullptr;
        if (state.interrupted) {
            curve.flush();
            throw InputError(fmt::format("interrupted: checkpoint written to {} (step {}, iteration {}); continue with "
                                         "`mtpc train {} --resume`",
                                         checkpoint_file.string(), step + 1, last_restart_iteration, m.path));
        }
        if (state.radial.size() != shape.size())
            throw std::runtime_error("optimizer '" + opt_name + "' returned a radial tensor of the wrong size");
        x_scaled = state.x;
        if (!state.new_parameterization_options.empty()) {
            radial_options = state.new_parameterization_options;
            radial = make_radial(m, radial_options);
            theta.resize(radial->num_parameters());
            radial->initialize_from(state.radial.data(), theta.data());
        } else {
            theta = state.theta;
        }
        total_iterations += state.iterations_done - first_it;
        final_loss = objective.evaluate(x_scaled.data(), state.radial.data(), nullptr, nullptr);
        printer.finish(fmt::format("{} after {} iterations: loss {:.6e} ({})", opt_name, state.iterations_done,
                                   final_loss, state.message));
        // A step boundary is a restart point of every optimiser.
        write_checkpoint(step + 1, 0, x_scaled.data(), theta.data(), radial_options);
    }

    // ---- results -------------------------------------------------------------------------------
    radial->materialize(theta.data(), C.data());
    for (int a = 0; a < nx; ++a) x_phys[a] = scale[a] * x_scaled[a];
    pot.species_coeffs.assign(x_phys.begin(), x_phys.begin() + nt);
    pot.moment_coeffs.assign(x_phys.begin() + nt, x_phys.end());
    pot.radial_coeffs.assign(C.data(), C.data() + C.size());
    if (m.write_potential) write_mtp((dir / "potential.mtp").string(), pot);
    json params = {{"format", "mtpc-parameters-1"},
                   {"potential", "potential.mtp"},
                   {"species", m.species},
                   {"radial_plugin", m.radial.plugin},
                   {"radial_options", json::parse(radial_options)},
                   {"theta", to_json_array(theta)},
                   {"species_coeffs", pot.species_coeffs},
                   {"moment_coeffs", pot.moment_coeffs},
                   {"seed", seed}};
    write_file_atomically((dir / "parameters.json").string(), [&](std::ostream& o) { o << params.dump(1) << '\n'; });

    RunSummary r;
    r.variant = variant;
    r.seed = seed;
    r.counts = counts(m, variant);
    r.counts.radial_parameters = radial->num_parameters();
    r.final_loss = final_loss;
    r.iterations = total_iterations;
    r.evaluations = evaluations;
    const MtpParameters p{x_phys.data(), x_phys.data() + nt, C.data()};
    std::vector<NeighborList> train_nls;
    for (int k = 0; k < train.size(); ++k) train_nls.push_back(train.neighbors(k));
    r.train = compute_errors(model, p, train.configurations(), &train_nls, threads(), m.train_file);
    if (!valid_cfgs.empty()) {
        r.validation = compute_errors(model, p, valid_cfgs, &valid_nls, threads(), m.validation_file);
        r.has_validation = true;
        const TrainingSet valid(valid_cfgs, nt, model.cutoff(), w, m.validation_file);
        r.validation_loss = model.batch_loss_gradient(valid.items(), p, MtpGradient{}, threads());
    }
    if (!m.test_file.empty()) {
        const auto& tc = configs(m.test_file);
        check_species(tc, nt, m.test_file);
        r.test = compute_errors(model, p, tc, nullptr, threads(), m.test_file);
        r.has_test = true;
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t_start).count();
    r.directory = dir.string();
    write_file_atomically((dir / "metrics.json").string(), [&](std::ostream& o) { o << r.to_json().dump(1) << '\n'; });
    std::error_code ec;
    fs::remove(checkpoint_file, ec);
    return r;
}

std::vector<RunSummary> Trainer::run() {
    g_stop_requested.store(false);
    impl_->reports_seen = 0;
    validate();
    const auto& base = impl_->manifest;
    fs::create_directories(base.output_directory);
    std::vector<RunSummary> runs;
    for (const auto& [name, m] : impl_->variants()) {
        for (std::uint64_t seed : base.seeds) {
            const fs::path dir = fs::path(base.output_directory) / sanitize(name) / ("seed-" + std::to_string(seed));
            if (impl_->options.resume && fs::exists(dir / "metrics.json") && !fs::exists(dir / "checkpoint.json")) {
                std::ifstream in(dir / "metrics.json");
                const json j = json::parse(in);
                RunSummary r = RunSummary::from_json(j);  // finished earlier: reuse its summary
                r.variant = name;
                r.seed = seed;
                r.directory = dir.string();
                r.counts = impl_->counts(m, name);
                // The parameterization may have changed during training (MFRA raises the rank).
                if (j.contains("counts")) r.counts.radial_parameters = j["counts"].value("radial_parameters", 0);
                runs.push_back(r);
                continue;
            }
            runs.push_back(impl_->run_one(m, name, seed, dir));
        }
    }
    const json summary = {{"manifest", base.path}, {"runs", json::array()}, {"aggregate", aggregate(runs)}};
    json all = summary;
    for (const auto& r : runs) all["runs"].push_back(r.to_json());
    write_file_atomically((fs::path(base.output_directory) / "summary.json").string(),
                          [&](std::ostream& o) { o << all.dump(1) << '\n'; });
    return runs;
}

json Trainer::aggregate(const std::vector<RunSummary>& runs) {
    std::map<std::string, std::vector<const RunSummary*>> by;
    std::vector<std::string> order;
    for (const auto& r : runs) {
        if (!by.count(r.variant)) order.push_back(r.variant);
        by[r.variant].push_back(&r);
    }
    json out = json::array();
    for (const auto& name : order) {
        const auto& rs = by[name];
        auto stats = [&](auto get) {
            double mean = 0, sq = 0;
            for (const auto* r : rs) mean += get(*r);
            mean /= double(rs.size());
            for (const auto* r : rs) sq += (get(*r) - mean) * (get(*r) - mean);
            const double sd = rs.size() > 1 ? std::sqrt(sq / double(rs.size() - 1)) : 0.0;
            return json{{"mean", mean}, {"std", sd}};
        };
        json a = {{"variant", name},
                  {"seeds", rs.size()},
                  {"radial_parameters", rs.front()->counts.radial_parameters},
                  {"radial_full", rs.front()->counts.radial_full},
                  {"train_loss", stats([](const RunSummary& r) { return r.final_loss; })},
                  {"train_energy_rmse_meV", stats([](const RunSummary& r) { return r.train.energy_per_atom.rmse * 1e3; })},
                  {"train_force_rmse", stats([](const RunSummary& r) { return r.train.forces.rmse; })}};
        if (rs.front()->has_validation) {
            a["validation_loss"] = stats([](const RunSummary& r) { return r.validation_loss; });
            a["validation_energy_rmse_meV"] =
                stats([](const RunSummary& r) { return r.validation.energy_per_atom.rmse * 1e3; });
            a["validation_force_rmse"] = stats([](const RunSummary& r) { return r.validation.forces.rmse; });
        }
        out.push_back(a);
    }
    return out;
}

}  // namespace mtpc
