#include "mtpc/train/error_metrics.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>

#include "mtpc/core/error.hpp"
#include "mtpc/mtp/min_distance.hpp"

namespace mtpc {

void ErrorAccumulator::Sum::add(double e) {
    sq += e * e;
    abs += std::abs(e);
    max = std::max(max, std::abs(e));
    ++n;
}

ErrorStat ErrorAccumulator::Sum::stat(double per_item) const {
    ErrorStat s;
    s.count = n;
    if (n > 0) {
        s.rmse = std::sqrt(sq / (per_item * double(n)));
        s.mae = abs / (per_item * double(n));
        s.max = max;
    }
    return s;
}

void ErrorAccumulator::add(const Configuration& ref, const EfsResult& pred) {
    ++cfgs_;
    if (ref.energy && ref.size() > 0) e_.add((pred.energy - *ref.energy) / ref.size());
    if (ref.has_forces())
        for (int i = 0; i < ref.size(); ++i) f_.add((pred.forces[i] - ref.forces[i]).norm());
    if (ref.plus_stress && ref.periodic && ref.volume() > 0) {
        // MLIP-2's measure: per configuration, the Frobenius norm of the full 3×3 difference.
        const double to_gpa = kEvPerA3ToGPa / ref.volume();
        double sq = 0;
        for (int a = 0; a < 6; ++a) {
            const double d = (pred.virial[a] - (*ref.plus_stress)[a]) * to_gpa;
            sq += (a < 3 ? 1.0 : 2.0) * d * d;
        }
        s_.add(std::sqrt(sq));
    }
}

ErrorReport ErrorAccumulator::report() const {
    ErrorReport r;
    r.configurations = cfgs_;
    // MLIP-2 (src/error_monitor.h) averages |Δf_i| over 3 components per atom and ‖Δσ‖_F over 9
    // per configuration: with these divisors our numbers compare one to one with `mlp calc-errors`.
    r.energy_per_atom = e_.stat(1.0);
    r.forces = f_.stat(3.0);
    r.stress = s_.stat(9.0);
    return r;
}

nlohmann::json ErrorReport::to_json() const {
    auto one = [](const ErrorStat& s) {
        return nlohmann::json{{"rmse", s.rmse}, {"mae", s.mae}, {"max", s.max}, {"count", s.count}};
    };
    return {{"configurations", configurations},
            {"energy_per_atom_eV", one(energy_per_atom)},
            {"forces_eV_per_A", one(forces)},
            {"stress_GPa", one(stress)}};
}

ErrorReport ErrorReport::from_json(const nlohmann::json& j) {
    auto one = [](const nlohmann::json& s) {
        ErrorStat e;
        e.rmse = s.value("rmse", 0.0);
        e.mae = s.value("mae", 0.0);
        e.max = s.value("max", 0.0);
        e.count = s.value("count", 0L);
        return e;
    };
    ErrorReport r;
    r.configurations = j.value("configurations", 0);
    r.energy_per_atom = one(j.at("energy_per_atom_eV"));
    r.forces = one(j.at("forces_eV_per_A"));
    r.stress = one(j.at("stress_GPa"));
    return r;
}

std::string ErrorReport::to_text() const {
    std::string s = fmt::format("configurations: {}\n", configurations);
    s += fmt::format("energy per atom (meV):  RMSE {:10.4f}  MAE {:10.4f}  max {:10.4f}\n",
                     energy_per_atom.rmse * 1e3, energy_per_atom.mae * 1e3, energy_per_atom.max * 1e3);
    s += fmt::format("forces (eV/A):          RMSE {:10.5f}  MAE {:10.5f}  max {:10.5f}\n", forces.rmse, forces.mae,
                     forces.max);
    if (stress.count > 0)
        s += fmt::format("stress (GPa):           RMSE {:10.5f}  MAE {:10.5f}  max {:10.5f}\n", stress.rmse, stress.mae,
                         stress.max);
    return s;
}

std::vector<EfsResult> evaluate_configurations(const MtpModel& model, const MtpParameters& p,
                                               const std::vector<Configuration>& cfgs,
                                               const std::vector<NeighborList>* nls, int threads,
                                               const std::string& file, std::vector<double>* smallest_distances) {
    const int n = static_cast<int>(cfgs.size());
    std::vector<EfsResult> results(n);
    std::vector<std::string> errors(n);
    if (smallest_distances != nullptr) smallest_distances->assign(n, std::numeric_limits<double>::infinity());
    // Configurations in parallel, each writing only its own slot: deterministic whatever the threads.
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads > 0 ? threads : omp_get_max_threads())
    for (int k = 0; k < n; ++k) {
        try {
            NeighborList own;  // built only when no list was given
            if (nls == nullptr) {
                const std::string where =
                    cfgs[k].source_line > 0 ? file + ":" + std::to_string(cfgs[k].source_line) : file;
                own = NeighborList(cfgs[k], model.cutoff(), where + ": configuration " + std::to_string(k + 1));
            }
            const NeighborList& nl = nls != nullptr ? (*nls)[k] : own;
            results[k] = model.compute_efs(nl, cfgs[k].types.data(), p, 1);
            if (smallest_distances != nullptr) (*smallest_distances)[k] = min_interatomic_distance(nl);
        } catch (const std::exception& e) {
            errors[k] = e.what();
        }
    }
    // Exceptions must not leave an OpenMP region: the first failure in file order is reported.
    for (const auto& e : errors)
        if (!e.empty()) throw InputError(e);
    return results;
}

namespace {

/// results[k] must belong to cfgs[k]: a mismatch is a programming error, not bad input.
void check_same_size(const std::vector<Configuration>& cfgs, const std::vector<EfsResult>& results) {
    if (cfgs.size() != results.size())
        throw std::invalid_argument(fmt::format("{} results for {} configurations", results.size(), cfgs.size()));
}

/// The value of the first `Feature name ...` line of `cfg`, trimmed (values are kept verbatim,
/// so a second space after the name would otherwise make a group of its own); nullopt if none.
std::optional<std::string> feature_value(const Configuration& cfg, const std::string& name) {
    for (const auto& [key, value] : cfg.features) {
        if (key != name) continue;
        const auto first = value.find_first_not_of(" \t\r\n");
        if (first == std::string::npos) return std::string();
        return value.substr(first, value.find_last_not_of(" \t\r\n") - first + 1);
    }
    return std::nullopt;
}

}  // namespace

ErrorReport errors_of(const std::vector<Configuration>& cfgs, const std::vector<EfsResult>& results) {
    check_same_size(cfgs, results);
    ErrorAccumulator acc;
    for (std::size_t k = 0; k < cfgs.size(); ++k) acc.add(cfgs[k], results[k]);
    return acc.report();
}

ErrorReport compute_errors(const MtpModel& model, const MtpParameters& p, const std::vector<Configuration>& cfgs,
                           const std::vector<NeighborList>* nls, int threads, const std::string& file) {
    return errors_of(cfgs, evaluate_configurations(model, p, cfgs, nls, threads, file));
}

FeatureErrors errors_by_feature(const std::vector<Configuration>& cfgs, const std::vector<EfsResult>& results,
                                const std::string& feature) {
    check_same_size(cfgs, results);
    // Group index per configuration in order of first appearance; "no feature" has its own slot
    // so that it can never merge with a real value that happens to read "(none)".
    std::map<std::string, int> index_of_value;
    int none_index = -1;
    std::vector<std::string> values;
    std::vector<ErrorAccumulator> acc;
    for (std::size_t k = 0; k < cfgs.size(); ++k) {
        const auto value = feature_value(cfgs[k], feature);
        int& slot = value ? index_of_value.try_emplace(*value, -1).first->second : none_index;
        if (slot < 0) {
            slot = int(values.size());
            values.push_back(value ? *value : kNoFeatureValue);
            acc.emplace_back();
        }
        acc[slot].add(cfgs[k], results[k]);
    }
    FeatureErrors out{feature, {}};
    for (std::size_t g = 0; g < values.size(); ++g) out.groups.push_back({values[g], acc[g].report()});
    return out;
}

FeatureErrors compute_errors_by_feature(const MtpModel& model, const MtpParameters& p,
                                        const std::vector<Configuration>& cfgs, const std::vector<NeighborList>* nls,
                                        int threads, const std::string& file, const std::string& feature) {
    return errors_by_feature(cfgs, evaluate_configurations(model, p, cfgs, nls, threads, file), feature);
}

nlohmann::json FeatureErrors::to_json() const {
    nlohmann::json groups_json = nlohmann::json::array();
    for (const auto& g : groups) {
        nlohmann::json j = {{"value", g.value}};
        j.update(g.report.to_json());
        groups_json.push_back(std::move(j));
    }
    return {{"name", name}, {"groups", std::move(groups_json)}};
}

std::string FeatureErrors::to_text() const {
    // The value column is as wide as the longest value (or the feature's name heading it).
    std::size_t w = name.size();
    bool stress = false;
    for (const auto& g : groups) {
        w = std::max(w, g.value.size());
        stress = stress || g.report.stress.count > 0;
    }
    std::string s = fmt::format("errors by feature '{}' (energy per atom in meV/atom, forces in eV/A{}):\n", name,
                                stress ? ", stress in GPa" : "");
    s += fmt::format("{:<{}}  {:>6}  {:>9}  {:>9}  {:>9}  {:>9}  {:>9}", name, w, "cfgs", "E RMSE", "E MAE", "F RMSE",
                     "F MAE", "F max");
    s += stress ? fmt::format("  {:>9}\n", "S RMSE") : "\n";
    for (const auto& g : groups) {
        const ErrorReport& r = g.report;
        s += fmt::format("{:<{}}  {:>6}  {:9.4f}  {:9.4f}  {:9.5f}  {:9.5f}  {:9.5f}", g.value, w, r.configurations,
                         r.energy_per_atom.rmse * 1e3, r.energy_per_atom.mae * 1e3, r.forces.rmse, r.forces.mae,
                         r.forces.max);
        if (stress) s += r.stress.count > 0 ? fmt::format("  {:9.5f}", r.stress.rmse) : fmt::format("  {:>9}", "-");
        s += '\n';
    }
    return s;
}

}  // namespace mtpc
