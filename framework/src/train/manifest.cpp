#include "mtpc/train/manifest.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>

#include "mtpc/core/error.hpp"
#include "mtpc/train/ceres_line_search_optimizer.hpp"

namespace mtpc {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// Reads one JSON object, remembering the path for messages and which keys were consumed, so
/// that unknown keys (typos) are errors rather than silently ignored.
class Reader {
public:
    Reader(const json& j, std::string file, std::string path) : j_(j), file_(std::move(file)), path_(std::move(path)) {
        if (!j_.is_object()) fail("", "must be an object");
    }

    [[noreturn]] void fail(const std::string& key, const std::string& msg) const {
        throw InputError(file_ + ": " + sub(key) + ": " + msg);
    }
    std::string sub(const std::string& key) const {
        if (key.empty()) return path_.empty() ? "(top level)" : path_;
        return path_.empty() ? key : path_ + "." + key;
    }
    bool has(const std::string& key) { seen_.insert(key); return j_.contains(key); }
    const json& at(const std::string& key) { seen_.insert(key); return j_.at(key); }
    void require(const std::string& key) {
        if (!has(key)) fail(key, "is required");
    }

    std::string str(const std::string& key, const std::string& def, bool required = false) {
        if (required) require(key);
        if (!has(key)) return def;
        const auto& v = at(key);
        if (!v.is_string()) fail(key, "must be a string");
        return v.get<std::string>();
    }
    double num(const std::string& key, double def, bool required = false) {
        if (required) require(key);
        if (!has(key)) return def;
        const auto& v = at(key);
        if (!v.is_number()) fail(key, "must be a number");
        return v.get<double>();
    }
    long long integer(const std::string& key, long long def, long long lo, long long hi, bool required = false) {
        if (required) require(key);
        if (!has(key)) return def;
        const auto& v = at(key);
        if (!v.is_number_integer()) fail(key, "must be an integer");
        const long long x = v.get<long long>();
        if (x < lo || x > hi) fail(key, "must be in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
        return x;
    }
    bool boolean(const std::string& key, bool def) {
        if (!has(key)) return def;
        const auto& v = at(key);
        if (!v.is_boolean()) fail(key, "must be true or false");
        return v.get<bool>();
    }
    json object(const std::string& key) {
        if (!has(key)) return json::object();
        const auto& v = at(key);
        if (!v.is_object()) fail(key, "must be an object");
        return v;
    }
    void finish() const {
        for (auto it = j_.begin(); it != j_.end(); ++it)
            if (!seen_.count(it.key())) fail(it.key(), "unknown key");
    }
    const std::string& file() const { return file_; }

private:
    const json& j_;
    std::string file_, path_;
    std::set<std::string> seen_;
};

std::string resolve(const std::string& dir, const std::string& p) {
    if (p.empty()) return p;
    fs::path q(p);
    return (q.is_absolute() ? q : fs::path(dir) / q).lexically_normal().string();
}

std::string existing_file(Reader& r, const std::string& key, const std::string& dir, bool required) {
    const std::string v = r.str(key, "", required);
    if (v.empty()) return v;
    const std::string p = resolve(dir, v);
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) r.fail(key, "file '" + p + "' does not exist");
    return p;
}

/// Splits "steps[1].options.rank" into JSON-pointer tokens.
std::vector<std::string> split_dotted(const std::string& path) {
    std::vector<std::string> out;
    std::string cur;
    for (size_t i = 0; i < path.size(); ++i) {
        const char c = path[i];
        if (c == '.') {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
        } else if (c == '[') {
            if (!cur.empty()) out.push_back(cur);
            cur.clear();
            const size_t end = path.find(']', i);
            if (end == std::string::npos) return {};
            out.push_back(path.substr(i + 1, end - i - 1));
            i = end;
        } else {
            cur += c;
        }
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}

void parse_model(const json& doc, const std::string& path, Manifest& m) {
    Reader mo(doc, path, "model");
    m.model.init_from = existing_file(mo, "init_from", m.directory, false);
    const bool need = m.model.init_from.empty();
    m.model.level = static_cast<int>(mo.integer("level", 0, 2, 28, need));
    if (need && m.model.level % 2 != 0) mo.fail("level", "must be even (MLIP-2 levels are 2, 4, ..., 28)");
    m.model.min_dist_auto = mo.has("min_dist") && mo.at("min_dist").is_string();
    if (m.model.min_dist_auto) {
        if (mo.str("min_dist", "") != "auto") mo.fail("min_dist", "must be a number or \"auto\"");
        if (!need) mo.fail("min_dist", "\"auto\" applies to new models, not to model.init_from");
    } else {
        m.model.min_dist = mo.num("min_dist", 0, need);
        if (need && !(m.model.min_dist > 0)) mo.fail("min_dist", "must be positive");
    }
    m.model.max_dist = mo.num("max_dist", 0, need);
    m.model.radial_basis_size = static_cast<int>(mo.integer("radial_basis_size", 8, 2, 64));
    if (need && !(m.model.max_dist > m.model.min_dist)) mo.fail("max_dist", "must be greater than min_dist");
    mo.finish();
}

void parse_loss(const json& doc, const std::string& path, LossSpec& loss) {
    Reader lo(doc, path, "loss");
    const LossSpec defaults;
    loss.energy_weight = lo.num("energy_weight", defaults.energy_weight);
    loss.force_weight = lo.num("force_weight", defaults.force_weight);
    loss.stress_weight = lo.num("stress_weight", defaults.stress_weight);
    for (const char* k : {"energy_weight", "force_weight", "stress_weight"})
        if (lo.has(k) && !(lo.num(k, 0) >= 0)) lo.fail(k, "must be non-negative");
    if (!(loss.energy_weight + loss.force_weight + loss.stress_weight > 0))
        lo.fail("energy_weight", "all loss weights are 0: there is nothing to fit");
    loss.weighting = lo.str("weighting", defaults.weighting);
    if (loss.weighting != "vibrations" && loss.weighting != "structures" && loss.weighting != "molecules" &&
        loss.weighting != "eq8")
        lo.fail("weighting", "must be \"vibrations\", \"structures\", \"molecules\" or \"eq8\"");
    loss.linear_l2 = lo.num("linear_l2", defaults.linear_l2);
    if (!(loss.linear_l2 >= 0)) lo.fail("linear_l2", "must be non-negative");
    loss.radial_orthonormality = lo.num("radial_orthonormality", defaults.radial_orthonormality);
    if (!(loss.radial_orthonormality >= 0)) lo.fail("radial_orthonormality", "must be non-negative");
    loss.radial_species_spread = lo.num("radial_species_spread", defaults.radial_species_spread);
    if (!(loss.radial_species_spread >= 0)) lo.fail("radial_species_spread", "must be non-negative");
    loss.radial_curvature = lo.num("radial_curvature", defaults.radial_curvature);
    if (!(loss.radial_curvature >= 0)) lo.fail("radial_curvature", "must be non-negative");
    lo.finish();
}

/// "convergence": false (off) or {"window": 50, "relative_decrease": 1e-3}.
ConvergenceOptions parse_convergence(const json& doc, const std::string& path) {
    ConvergenceOptions c;
    if (doc.is_boolean()) {
        if (!doc.get<bool>()) c.relative_decrease = 0;
        return c;
    }
    Reader co(doc, path, "convergence");
    c.window = static_cast<int>(co.integer("window", c.window, 1, 1000000));
    c.relative_decrease = co.num("relative_decrease", c.relative_decrease);
    if (!(c.relative_decrease >= 0 && c.relative_decrease < 1))
        co.fail("relative_decrease", "must be in [0, 1) (0 = off)");
    co.finish();
    return c;
}

/// "select": {"rule": "compression", "min_compression": 0.2} or
///           {"rule": "tolerance", "tolerance": 0.05, "reference": "<variant name>"}.
SelectionOptions parse_selection(const json& doc, const std::string& path) {
    Reader se(doc, path, "select");
    SelectionOptions s;
    const std::string rule = se.str("rule", "", true);
    if (rule == "compression") {
        s.rule = SelectionOptions::Rule::kCompression;
        s.min_compression = se.num("min_compression", s.min_compression);
        if (!(s.min_compression >= 0 && s.min_compression < 1)) se.fail("min_compression", "must be in [0, 1)");
    } else if (rule == "tolerance") {
        s.rule = SelectionOptions::Rule::kTolerance;
        s.tolerance = se.num("tolerance", s.tolerance);
        if (!(s.tolerance >= 0)) se.fail("tolerance", "must be non-negative");
        s.reference = se.str("reference", "", true);
    } else {
        se.fail("rule", "must be \"compression\" or \"tolerance\"");
    }
    se.finish();
    return s;
}

/// A sweep's variant name made usable as one directory name ('/' in a swept path value).
std::string directory_name(std::string name) {
    std::replace(name.begin(), name.end(), '/', '_');
    return name;
}

/// Variant names are directory names under output.directory: plain, and each used once (two
/// variants of one name would write into, and be averaged as, one).
void check_variant_names(const std::vector<VariantSpec>& variants, const std::string& path) {
    std::set<std::string> seen;
    for (size_t i = 0; i < variants.size(); ++i) {
        const std::string& name = variants[i].name;
        const std::string where = path + ": variants[" + std::to_string(i) + "].name: ";
        if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos ||
            name.find('\0') != std::string::npos)
            throw InputError(where + "'" + name + "' is not a plain directory name (no '/', not '.' or '..')");
        if (!seen.insert(name).second) throw InputError(where + "'" + name + "' is used by another variant");
    }
}

void parse_species(Reader& top, Manifest& m) {
    top.require("species");
    const auto& sp = top.at("species");
    if (!sp.is_array() || sp.empty()) top.fail("species", "must be a non-empty array of names");
    std::set<std::string> uniq;
    for (size_t i = 0; i < sp.size(); ++i) {
        if (!sp[i].is_string() || sp[i].get<std::string>().empty())
            top.fail("species[" + std::to_string(i) + "]", "must be a non-empty string");
        if (!uniq.insert(sp[i].get<std::string>()).second)
            top.fail("species[" + std::to_string(i) + "]", "duplicate species '" + sp[i].get<std::string>() + "'");
        m.species.push_back(sp[i].get<std::string>());
    }
}

void parse_plugin_paths(Reader& top, Manifest& m) {
    if (!top.has("plugin_paths")) return;
    const auto& pp = top.at("plugin_paths");
    if (!pp.is_array()) top.fail("plugin_paths", "must be an array of directories");
    for (size_t i = 0; i < pp.size(); ++i) {
        if (!pp[i].is_string()) top.fail("plugin_paths[" + std::to_string(i) + "]", "must be a string");
        m.plugin_paths.push_back(resolve(m.directory, pp[i].get<std::string>()));
    }
}

void parse_data(Reader& top, const std::string& path, Manifest& m) {
    top.require("data");
    Reader d(top.at("data"), path, "data");
    m.train_file = existing_file(d, "train", m.directory, true);
    m.validation_file = existing_file(d, "validation", m.directory, false);
    m.test_file = existing_file(d, "test", m.directory, false);
    d.finish();
}

/// After parse_model: "compress" needs model.init_from.
void parse_radial(const json& doc, const std::string& path, Manifest& m) {
    Reader ra(doc, path, "radial");
    m.radial.plugin = ra.str("plugin", "radial-full");
    m.radial.options = ra.object("options");
    for (const char* k : {"n_species", "n_funcs", "n_basis"})
        if (m.radial.options.contains(k))
            throw InputError(path + ": radial.options." + k + ": is set by mtpc from the model, remove it");
    m.radial.init = ra.str("init", "random");
    m.radial.init_scale = ra.num("init_scale", 0.0);
    if (!(m.radial.init_scale >= 0)) ra.fail("init_scale", "must be non-negative (0 = automatic)");
    if (m.radial.init != "random" && m.radial.init != "compress")
        ra.fail("init", "must be \"random\" or \"compress\"");
    if (m.radial.init == "compress" && m.model.init_from.empty())
        ra.fail("init", "\"compress\" needs model.init_from (a trained potential to compress)");
    ra.finish();
}

void parse_steps(Reader& top, const std::string& path, Manifest& m) {
    top.require("steps");
    const auto& st = top.at("steps");
    if (!st.is_array() || st.empty()) top.fail("steps", "must be a non-empty array of optimisation steps");
    for (size_t i = 0; i < st.size(); ++i) {
        Reader s(st[i], path, "steps[" + std::to_string(i) + "]");
        StepSpec spec;
        spec.optimizer = s.str("optimizer", "", true);
        if (spec.optimizer.empty()) s.fail("optimizer", "must not be empty");
        spec.options = s.object("options");
        // The recipe's periodic exact re-solve of the linear coefficients (MLIP-2's; README, "The
        // training recipe"): a built-in step gets it unless it sets linear_every (0 = off).  A
        // step that sets its own period keeps it fixed unless it sets linear_first too.
        if (CeresLineSearchOptimizer::is_builtin(spec.optimizer) && !spec.options.contains("linear_every")) {
            spec.options["linear_every"] = StepSpec::kDefaultLinearEvery;
            if (!spec.options.contains("linear_first")) spec.options["linear_first"] = StepSpec::kDefaultLinearFirst;
        }
        s.finish();
        m.steps.push_back(std::move(spec));
    }
}

void parse_seeds(Reader& top, Manifest& m) {
    if (!top.has("seeds")) return;
    const auto& se = top.at("seeds");
    if (!se.is_array() || se.empty()) top.fail("seeds", "must be a non-empty array of non-negative integers");
    m.seeds.clear();
    for (size_t i = 0; i < se.size(); ++i) {
        if (!se[i].is_number_unsigned()) top.fail("seeds[" + std::to_string(i) + "]", "must be a non-negative integer");
        m.seeds.push_back(se[i].get<std::uint64_t>());
    }
}

/// "variants" (named sets of dotted-path changes) and "sweep" (one path, several values): both
/// become variants, whose names must be usable as directory names.
void parse_variants(Reader& top, const std::string& path, Manifest& m) {
    if (top.has("variants")) {
        const auto& va = top.at("variants");
        if (!va.is_array()) top.fail("variants", "must be an array of {name, set}");
        for (size_t i = 0; i < va.size(); ++i) {
            Reader v(va[i], path, "variants[" + std::to_string(i) + "]");
            VariantSpec spec;
            spec.name = v.str("name", "", true);
            spec.set = v.object("set");
            v.finish();
            m.variants.push_back(std::move(spec));
        }
    }
    if (top.has("sweep")) {
        Reader sw(top.at("sweep"), path, "sweep");
        const std::string param = sw.str("parameter", "", true);
        sw.require("values");
        const auto& vals = sw.at("values");
        if (!vals.is_array() || vals.empty()) sw.fail("values", "must be a non-empty array");
        sw.finish();
        if (split_dotted(param).empty()) sw.fail("parameter", "must be a dotted path such as radial.options.rank");
        for (const auto& v : vals) m.variants.push_back({directory_name(param + "=" + v.dump()), json{{param, v}}});
    }
    check_variant_names(m.variants, path);
}

void parse_output(Reader& top, const std::string& path, Manifest& m) {
    const json out_doc = top.has("output") ? top.at("output") : json::object();  // outlives the Reader
    Reader out(out_doc, path, "output");
    m.output_directory = resolve(m.directory, out.str("directory", "mtpc-out"));
    m.write_potential = out.boolean("potential", true);
    m.validate_every = static_cast<int>(out.integer("validate_every", 50, 0, 1000000));
    out.finish();
}

/// After the data, variants and output: the rule needs validation data, a potential to export
/// and, for a tolerance, an existing reference variant.
void parse_select(const json& doc, const std::string& path, Manifest& m) {
    m.selection = parse_selection(doc, path);
    if (m.validation_file.empty())
        throw InputError(path + ": select: needs data.validation (the rule compares validation losses)");
    if (!m.write_potential) throw InputError(path + ": select: needs output.potential (it exports a potential)");
    if (m.selection.rule == SelectionOptions::Rule::kTolerance) {
        bool found = false;
        for (const auto& v : m.variants) found = found || v.name == m.selection.reference;
        if (!found) throw InputError(path + ": select.reference: no variant named '" + m.selection.reference + "'");
    }
}

/// Every variant must itself be a valid manifest: check them all now, not halfway through.
void check_variants_apply(const Manifest& m) {
    for (size_t i = 0; i < m.variants.size(); ++i) {
        for (auto it = m.variants[i].set.begin(); it != m.variants[i].set.end(); ++it) {
            if (split_dotted(it.key()).empty())
                throw InputError(m.path + ": variants[" + std::to_string(i) + "].set: bad path '" + it.key() + "'");
            if (it.key() == "output" || it.key().rfind("output.directory", 0) == 0)
                throw InputError(m.path + ": variants[" + std::to_string(i) + "].set: '" + it.key() +
                                 "' cannot vary: every variant writes to output.directory/<variant name>");
        }
        (void)apply_variant(m, m.variants[i]);
    }
}

}  // namespace

Manifest parse_manifest(const json& doc, const std::string& path) {
    Manifest m;
    m.path = path;
    m.raw = doc;
    m.directory = fs::absolute(fs::path(path)).parent_path().string();
    Reader top(doc, path, "");
    parse_species(top, m);
    parse_plugin_paths(top, m);
    parse_data(top, path, m);
    top.require("model");
    parse_model(top.at("model"), path, m);
    if (top.has("radial")) parse_radial(top.at("radial"), path, m);
    if (top.has("loss")) parse_loss(top.at("loss"), path, m.loss);
    if (top.has("convergence")) m.convergence = parse_convergence(top.at("convergence"), path);
    parse_steps(top, path, m);
    parse_seeds(top, m);
    parse_variants(top, path, m);
    m.threads = static_cast<int>(top.integer("threads", 0, 0, 1024));
    parse_output(top, path, m);
    if (top.has("select")) parse_select(top.at("select"), path, m);
    top.finish();
    check_variants_apply(m);
    return m;
}

Manifest apply_variant(const Manifest& base, const VariantSpec& variant) {
    json doc = base.raw;
    doc.erase("variants");
    doc.erase("sweep");
    doc.erase("select");  // chooses among the variants: not a setting of one
    for (auto it = variant.set.begin(); it != variant.set.end(); ++it) {
        json* node = &doc;
        const auto tokens = split_dotted(it.key());
        for (size_t t = 0; t < tokens.size(); ++t) {
            const std::string& tok = tokens[t];
            const bool last = t + 1 == tokens.size();
            if (node->is_array()) {
                size_t idx = 0;
                try { idx = std::stoul(tok); } catch (...) { idx = node->size(); }
                if (idx >= node->size())
                    throw InputError(base.path + ": variant '" + variant.name + "': '" + it.key() + "': no element " + tok);
                node = &(*node)[idx];
            } else {
                if (node->is_null()) *node = json::object();  // creating a missing section
                if (!node->is_object())
                    throw InputError(base.path + ": variant '" + variant.name + "': '" + it.key() + "': not an object at " + tok);
                node = &(*node)[tok];
            }
            if (last) *node = it.value();
        }
    }
    Manifest m = parse_manifest(doc, base.path);
    m.variants.clear();
    m.raw = doc;
    return m;
}

Manifest load_manifest(const std::string& path) {
    std::error_code ec;
    if (fs::is_directory(path, ec)) throw InputError(path + ": is a directory, not a manifest file");
    std::ifstream in(path);
    if (!in) throw InputError(path + ": cannot open manifest");
    json doc;
    try {
        doc = json::parse(in);
    } catch (const json::exception& e) {
        throw InputError(path + ": not valid JSON: " + e.what());
    } catch (const std::ios_base::failure& e) {
        throw InputError(path + ": read error: " + e.what());
    }
    return parse_manifest(doc, path);
}

}  // namespace mtpc
