#include "mtpc/train/trainer.hpp"

#include <omp.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <utility>

#include "mtpc/core/atomic_file.hpp"
#include "mtpc/core/directory_lock.hpp"
#include "mtpc/core/error.hpp"
#include "mtpc/io/cfg_io.hpp"
#include "mtpc/io/mtp_io.hpp"
#include "mtpc/io/read_configurations.hpp"
#include "mtpc/mtp/basis_generator.hpp"
#include "mtpc/mtp/min_distance.hpp"
#include "mtpc/train/ceres_line_search_optimizer.hpp"
#include "mtpc/train/linear_fit.hpp"
#include "trainer_impl.hpp"

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
              {"stop_reasons", stop_reasons},
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
    r.stop_reasons = j.value("stop_reasons", std::vector<std::string>{});
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

/// A finished run's metrics.json, reused by --resume, with its summary.
std::pair<json, RunSummary> read_finished_metrics(const fs::path& file) {
    std::ifstream in(file);
    try {
        json j = json::parse(in);
        RunSummary r = RunSummary::from_json(j);
        return {std::move(j), std::move(r)};
    } catch (const json::exception& e) {
        throw InputError(file.string() + ": not a valid metrics file (delete the run's directory to train it again): " +
                         e.what());
    }
}

}  // namespace

Regularization regularization_of(const LossSpec& loss) {
    return Regularization{loss.linear_l2, loss.radial_orthonormality, loss.radial_species_spread, loss.radial_curvature};
}

std::string radial_options_text(const Manifest& m, const sdk::RadialShape& shape) {
    json o = m.radial.options;
    o["n_species"] = shape.n_species;
    o["n_funcs"] = shape.n_funcs;
    o["n_basis"] = shape.n_basis;
    return o.dump();
}

const std::vector<Configuration>& Trainer::Impl::configs(const std::string& file) {
    auto it = cfg_cache.find(file);
    if (it == cfg_cache.end()) {
        auto cfgs = read_configurations(file, manifest.species);
        require_configurations(cfgs, file);  // a fit to (or errors over) nothing is not a result
        it = cfg_cache.emplace(file, std::move(cfgs)).first;
    }
    return it->second;
}

int Trainer::Impl::threads() const { return manifest.threads > 0 ? manifest.threads : std::max(1, omp_get_num_procs()); }

double Trainer::Impl::min_dist(const Manifest& m) {
    if (!m.model.min_dist_auto) return m.model.min_dist;
    // MLIP-2's --update-mindist: just below the closest pair of the training set, so that every
    // training distance lies inside the radial basis's interval.
    auto it = auto_min_dist_cache.find(m.train_file);
    if (it == auto_min_dist_cache.end()) {
        const MinDistanceCheck c = check_min_distance(configs(m.train_file), m.model.max_dist, threads(), m.train_file);
        if (!std::isfinite(c.smallest))
            throw InputError(m.path + ": model.min_dist: \"auto\" found no pair closer than max_dist in " + m.train_file);
        it = auto_min_dist_cache.emplace(m.train_file, kAutoMinDistFactor * c.smallest).first;
        spdlog::info("min_dist auto: {:.6g} A ({} x the closest pair of {})", it->second, kAutoMinDistFactor,
                     m.train_file);
    }
    return it->second;
}

StartingPoint Trainer::Impl::starting_point(const Manifest& m) {
    StartingPoint s;
    if (m.model.init_from.empty()) {
        s.pot = make_untrained_mtp(m.model.level, int(m.species.size()), min_dist(m), m.model.max_dist,
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

PluginPtr<sdk::RadialParameterization> Trainer::Impl::make_radial(const Manifest& m, const std::string& options_text) {
    try {
        return host.create<sdk::RadialParameterization>(m.radial.plugin, options_text);
    } catch (const InputError& e) {
        throw InputError(m.path + ": radial: " + e.what());
    }
}

OptimizerPtr Trainer::Impl::make_optimizer(const Manifest& m, size_t i) {
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

ParameterCounts Trainer::Impl::counts(const Manifest& m, const std::string& variant) {
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

void Trainer::Impl::validate_one(const Manifest& m) {
    const StartingPoint sp = starting_point(m);
    const sdk::RadialShape shape{sp.pot.species_count, sp.pot.radial_funcs_count, sp.pot.radial_basis_size};
    (void)make_radial(m, radial_options_text(m, shape));
    for (size_t i = 0; i < m.steps.size(); ++i) {
        if (m.steps[i].optimizer == kLinearStepName)
            (void)linear_fit_options_from_json(m.steps[i].options, m.path + ": steps[" + std::to_string(i) + "].options");
        else
            (void)make_optimizer(m, i);
    }
}

std::vector<std::pair<std::string, Manifest>> Trainer::Impl::variants() const {
    std::vector<std::pair<std::string, Manifest>> v;
    if (manifest.variants.empty()) v.emplace_back("base", manifest);
    for (const auto& var : manifest.variants) v.emplace_back(var.name, apply_variant(manifest, var));
    return v;
}

Trainer::Trainer(Manifest manifest, TrainOptions options) : impl_(std::make_unique<Impl>()) {
    impl_->manifest = std::move(manifest);
    impl_->options = options;
    impl_->host.scan(PluginHost::search_path(impl_->manifest.plugin_paths));
}

Trainer::~Trainer() = default;

void Trainer::validate() {
    // Data first: parse now, so a malformed file fails before any training (min_dist "auto" reads
    // the training set too).
    const auto& m = impl_->manifest;
    for (const auto* f : {&m.train_file, &m.validation_file, &m.test_file})
        if (!f->empty()) check_species(impl_->configs(*f), int(m.species.size()), *f);
    std::map<std::string, std::string> variant_of_directory;
    for (const auto& [name, variant] : impl_->variants()) {
        // Two names that map to one directory would overwrite each other's runs.
        const auto [it, fresh] = variant_of_directory.emplace(sanitize(name), name);
        if (!fresh)
            throw InputError(m.path + ": variants '" + it->second + "' and '" + name + "' would share the directory " +
                             it->first);
        impl_->validate_one(variant);
    }
}

std::vector<ParameterCounts> Trainer::describe() {
    std::vector<ParameterCounts> out;
    for (const auto& [name, m] : impl_->variants()) out.push_back(impl_->counts(m, name));
    return out;
}

std::vector<RunSummary> Trainer::run() {
    g_stop_requested.store(false);
    impl_->reports_seen = 0;
    validate();
    const auto& base = impl_->manifest;
    fs::create_directories(base.output_directory);
    const DirectoryLock lock(base.output_directory);
    std::vector<RunSummary> runs;
    for (const auto& [name, m] : impl_->variants()) {
        for (std::uint64_t seed : base.seeds) {
            const fs::path dir = fs::path(base.output_directory) / sanitize(name) / ("seed-" + std::to_string(seed));
            if (impl_->options.resume && fs::exists(dir / "metrics.json") && !fs::exists(dir / "checkpoint.json")) {
                auto [j, r] = read_finished_metrics(dir / "metrics.json");  // finished earlier: reuse it
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
    json all = {{"manifest", base.path}, {"runs", json::array()}, {"aggregate", aggregate(runs)}};
    if (base.selection.rule != SelectionOptions::Rule::kNone) all["selection"] = export_selection(base, runs);
    for (const auto& r : runs) all["runs"].push_back(r.to_json());
    write_file_atomically((fs::path(base.output_directory) / "summary.json").string(),
                          [&](std::ostream& o) { o << all.dump(1) << '\n'; });
    return runs;
}

json Trainer::export_selection(const Manifest& manifest, const std::vector<RunSummary>& runs) {
    const ModelSelection chosen = select_model(runs, manifest.selection);
    const fs::path out(manifest.output_directory);
    fs::copy_file(chosen.potential, out / "selected.mtp", fs::copy_options::overwrite_existing);
    json report = chosen.report;
    report["potential"] = "selected.mtp";
    report["copied_from"] = chosen.potential;
    write_file_atomically((out / "selection.json").string(), [&](std::ostream& o) { o << report.dump(1) << '\n'; });
    spdlog::info("select: {} (seed {}) -> {}", chosen.variant, chosen.seed, (out / "selected.mtp").string());
    return report;
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
