#include "mtpc/train/checkpoint.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <cmath>
#include <fstream>
#include <istream>
#include <limits>

#include "mtpc/core/error.hpp"
#include "mtpc/train/manifest.hpp"

namespace mtpc {
using nlohmann::json;

namespace {

/// FNV-1a of a file's bytes: enough to notice that a data file changed between runs.
std::string file_digest(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::uint64_t h = 1469598103934665603ull;
    char buf[1 << 16];
    while (in.read(buf, sizeof buf) || in.gcount() > 0) {
        for (std::streamsize k = 0; k < in.gcount(); ++k) h = (h ^ std::uint8_t(buf[k])) * 1099511628211ull;
        if (!in) break;
    }
    return fmt::format("{:016x}", h);
}

long checked_integer(const json& v, long lo, long hi, const std::string& what) {
    if (!v.is_number_integer() || v.get<long long>() < lo || v.get<long long>() > hi)
        throw InputError(fmt::format("{}: must be an integer in [{}, {}], found {}", what, lo, hi, v.dump()));
    return long(v.get<long long>());
}

/// Refuses to continue a checkpoint under other settings: the result would mix two fits.
void check_same_settings(const json& ck, const json& fingerprint, const std::string& where) {
    if (!ck.contains("fingerprint")) {
        spdlog::warn("{}: written by an older mtpc without a settings fingerprint; resuming unchecked", where);
        return;
    }
    if (ck["fingerprint"] == fingerprint) return;
    std::string changed;
    int shown = 0;
    for (const auto& op : json::diff(ck["fingerprint"], fingerprint)) {
        if (++shown > 5) {
            changed += ", ...";
            break;
        }
        changed += (changed.empty() ? "" : ", ") + op.value("path", std::string("?"));
    }
    throw InputError(where + ": the manifest or its data changed since this checkpoint was written (" + changed +
                     "); run without --resume to start afresh");
}

json to_json_array(const Eigen::VectorXd& v) { return json(std::vector<double>(v.data(), v.data() + v.size())); }

}  // namespace

json run_fingerprint(const Manifest& m) {
    json settings = m.raw;
    settings.erase("threads");
    settings.erase("output");
    json data = json::object();
    for (const std::string* f : {&m.train_file, &m.validation_file, &m.test_file, &m.model.init_from})
        if (!f->empty()) data[*f] = file_digest(*f);
    return {{"settings", settings}, {"data", data}};
}

Eigen::VectorXd finite_vector(const json& a, const std::string& what) {
    if (!a.is_array()) throw InputError(what + ": must be an array of numbers");
    Eigen::VectorXd v(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
        if (!a[i].is_number()) throw InputError(what + ": must be an array of numbers");
        v[Eigen::Index(i)] = a[i].get<double>();
    }
    if (!v.allFinite()) throw InputError(what + ": holds a non-finite number");
    return v;
}

std::optional<std::vector<double>> saved_linear_scale(const json& j, int nx, const std::string& file) {
    if (!j.is_object() || !j.contains("linear_scale")) return std::nullopt;
    const Eigen::VectorXd s = finite_vector(j["linear_scale"], file + ": linear_scale");
    if (s.size() != nx) throw InputError(file + ": linear_scale: wrong length");
    for (int a = 0; a < nx; ++a)
        if (!(s[a] > 0)) throw InputError(file + ": linear_scale: entries must be positive numbers");
    return std::vector<double>(s.data(), s.data() + nx);
}

std::string checkpoint_text(const Checkpoint& ck) {
    json j = {{"variant", ck.variant},
              {"seed", ck.seed},
              {"step", ck.step},
              {"iterations_done", ck.iterations_done},
              {"radial_options", ck.radial_options},
              {"linear_scale", ck.linear_scale},
              {"x", to_json_array(ck.x)},
              {"theta", to_json_array(ck.theta)},
              {"evaluations", ck.evaluations},
              {"fingerprint", ck.fingerprint},
              {"at_restart_point", ck.at_restart_point}};
    if (!ck.convergence_rule.is_null()) j["convergence_rule"] = ck.convergence_rule;
    return j.dump(1) + '\n';
}

Checkpoint read_checkpoint(std::istream& in, const CheckpointExpectations& expected, const std::string& where) {
    Checkpoint ck;
    try {
        const json j = json::parse(in);
        if (!j.is_object()) throw InputError(where + ": not a valid checkpoint: not a JSON object");
        check_same_settings(j, expected.fingerprint, where);
        const long steps = long(expected.max_iterations.size());
        ck.step = size_t(checked_integer(j.at("step"), 0, steps, where + ": step"));
        const long max_iterations = long(ck.step) < steps ? expected.max_iterations[ck.step] : 0;
        ck.iterations_done = int(checked_integer(j.at("iterations_done"), 0, max_iterations, where + ": iterations_done"));
        ck.radial_options = j.at("radial_options").get<std::string>();
        ck.evaluations = checked_integer(j.value("evaluations", json(0)), 0, std::numeric_limits<long>::max(),
                                         where + ": evaluations");
        if (j.contains("convergence_rule")) ck.convergence_rule = j["convergence_rule"];
        ck.linear_scale = saved_linear_scale(j, expected.nx, where).value_or(std::vector<double>());
        if (ck.linear_scale.empty()) throw InputError(where + ": linear_scale: missing");
        ck.x = finite_vector(j.at("x"), where + ": x");
        if (ck.x.size() != expected.nx)
            throw InputError(fmt::format("{}: x: has {} entries, this manifest's model needs {}", where, ck.x.size(),
                                         expected.nx));
        ck.theta = finite_vector(j.at("theta"), where + ": theta");
        ck.fingerprint = j.value("fingerprint", json());
        ck.variant = j.value("variant", std::string());
        const json& exact = j.contains("at_restart_point") ? j["at_restart_point"] : json(true);
        if (!exact.is_boolean()) throw InputError(where + ": at_restart_point: must be true or false");
        ck.at_restart_point = exact.get<bool>();
    } catch (const json::exception& e) {
        throw InputError(where + ": not a valid checkpoint: " + e.what());
    }
    return ck;
}

}  // namespace mtpc
