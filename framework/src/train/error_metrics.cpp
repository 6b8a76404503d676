#include "mtpc/train/error_metrics.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <cmath>

#include "mtpc/core/error.hpp"

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

ErrorReport compute_errors(const MtpModel& model, const MtpParameters& p, const std::vector<Configuration>& cfgs,
                           const std::vector<NeighborList>* nls, int threads, const std::string& file) {
    const int n = static_cast<int>(cfgs.size());
    std::vector<EfsResult> results(n);
    std::vector<std::string> errors(n);
    // Configurations in parallel, accumulated afterwards in file order: deterministic sums.
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads > 0 ? threads : omp_get_max_threads())
    for (int k = 0; k < n; ++k) {
        try {
            if (nls != nullptr) {
                results[k] = model.compute_efs((*nls)[k], cfgs[k].types.data(), p, 1);
            } else {
                const std::string where = cfgs[k].source_line > 0 ? file + ":" + std::to_string(cfgs[k].source_line) : file;
                NeighborList nl(cfgs[k], model.cutoff(), where + ": configuration " + std::to_string(k + 1));
                results[k] = model.compute_efs(nl, cfgs[k].types.data(), p, 1);
            }
        } catch (const std::exception& e) {
            errors[k] = e.what();
        }
    }
    for (const auto& e : errors)
        if (!e.empty()) throw InputError(e);
    ErrorAccumulator acc;
    for (int k = 0; k < n; ++k) acc.add(cfgs[k], results[k]);
    return acc.report();
}

}  // namespace mtpc
