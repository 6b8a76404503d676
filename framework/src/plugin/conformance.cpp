#include "mtpc/plugin/conformance.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <exception>
#include <functional>
#include <limits>
#include <random>
#include <regex>

#include "mtpc/core/error.hpp"

namespace mtpc::conformance {
namespace {

using Vec = Eigen::VectorXd;
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// The checks' own random inputs: mt19937_64 bits mapped to [-1, 1) (portable, unlike std
/// distributions), so a failure reproduces on any machine with the same seed.
class CheckRandom {
public:
    explicit CheckRandom(std::uint64_t seed) : engine_(seed) {}
    double uniform() { return 2.0 * (double(engine_() >> 11) * 0x1.0p-53) - 1.0; }
    Vec vector(Eigen::Index n) {
        Vec v(n);
        for (Eigen::Index k = 0; k < n; ++k) v[k] = uniform();
        return v;
    }

private:
    std::mt19937_64 engine_;
};

struct Outcome {
    bool passed = false;
    std::string detail;
};
Outcome pass(std::string detail) { return {true, std::move(detail)}; }
Outcome fail(std::string detail) { return {false, std::move(detail)}; }

/// Runs one check; an exception from the plugin (or from us) fails that check only.
void run(std::vector<CheckResult>& out, const std::string& name, const std::function<Outcome()>& check) {
    Outcome o;
    try {
        o = check();
    } catch (const std::exception& e) {
        o = fail(std::string("threw: ") + e.what());
    } catch (...) {
        o = fail("threw a non-standard exception");
    }
    std::replace(o.detail.begin(), o.detail.end(), '\n', ' ');
    out.push_back({name, o.passed, std::move(o.detail)});
}
void not_run(std::vector<CheckResult>& out, const std::string& name) {
    out.push_back({name, false, "not run: the plugin could not be created with the test options"});
}

bool all_finite(const Vec& v) { return v.allFinite(); }
double relative(double err, double ref) { return err / std::max(ref, std::numeric_limits<double>::min()); }

// ---- metadata ---------------------------------------------------------------------------------

void check_metadata(const PluginRecord& rec, std::vector<CheckResult>& out) {
    run(out, "abi", [&] {
        // PluginHost::load already refused any other ABI version or fingerprint; record what matched.
        return pass(fmt::format("ABI version {}, build fingerprint {}", MTPC_PLUGIN_ABI_VERSION, MTPC_BUILD_FINGERPRINT));
    });
    run(out, "metadata.name", [&] {
        static const std::regex re("[a-z0-9][a-z0-9._-]*");
        if (!std::regex_match(rec.name, re))
            return fail("name '" + rec.name + "' is not lower-case letters, digits, '.', '_', '-'");
        return pass("'" + rec.name + "', " + plugin_kind_name(rec.kind));
    });
    run(out, "metadata.version", [&] {
        // Semantic Versioning 2.0.0 shape: MAJOR.MINOR.PATCH[-pre][+build], no leading zeros.
        static const std::regex re(
            R"((0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?)");
        if (!std::regex_match(rec.version, re)) return fail("version '" + rec.version + "' is not MAJOR.MINOR.PATCH");
        return pass(rec.version);
    });
    run(out, "metadata.description", [&] {
        if (rec.description.find_first_not_of(" \t") == std::string::npos) return fail("empty description");
        return pass(fmt::format("{} characters", rec.description.size()));
    });
    run(out, "metadata.options-schema", [&] {
        if (rec.options_schema.empty()) return pass("none given");
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(rec.options_schema);
        } catch (const nlohmann::json::exception& e) {
            return fail(std::string("not valid JSON: ") + e.what());
        }
        if (!j.is_object()) return fail("valid JSON but not an object of option names");
        const bool has_examples = j.contains("examples");
        if (has_examples && !(j["examples"].is_array() && !j["examples"].empty() && j["examples"][0].is_object()))
            return fail("\"examples\" must be a non-empty array of option objects");
        return pass(fmt::format("JSON object with {} option(s){}", j.size() - (has_examples ? 1 : 0),
                                has_examples ? " and examples" : ""));
    });
}

// ---- options ----------------------------------------------------------------------------------

/// Creates (and immediately destroys) an object of the record's kind; returns the failure reason
/// or an empty string.
std::string try_create(PluginHost& host, const PluginRecord& rec, const std::string& options) {
    try {
        switch (rec.kind) {
            case MTPC_KIND_DESCRIPTOR: host.create<sdk::Descriptor>(rec.name, options); break;
            case MTPC_KIND_RADIAL_PARAMETERIZATION: host.create<sdk::RadialParameterization>(rec.name, options); break;
            case MTPC_KIND_MANIFOLD: host.create<sdk::Manifold>(rec.name, options); break;
            case MTPC_KIND_OPTIMIZER: host.create<sdk::Optimizer>(rec.name, options); break;
            default: return "unknown kind";
        }
    } catch (const std::exception& e) {
        return e.what();
    }
    return {};
}

/// A value of a different JSON type than `v` that no sensible option parser accepts in its place.
nlohmann::json wrongly_typed(const nlohmann::json& v) {
    if (v.is_number()) return "not-a-number";
    if (v.is_string()) return 12345;
    if (v.is_boolean()) return "not-a-boolean";
    if (v.is_array()) return "not-an-array";
    if (v.is_object()) return "not-an-object";
    return nlohmann::json::array();
}

void check_options(PluginHost& host, const PluginRecord& rec, const std::string& options,
                   std::vector<CheckResult>& out) {
    run(out, "options.unknown-key-rejected", [&] {
        auto j = nlohmann::json::parse(options);
        j["mtpc_check_no_such_option"] = 1;  // a typo must never be silently ignored
        if (try_create(host, rec, j.dump()).empty()) return fail("accepted unknown option 'mtpc_check_no_such_option'");
        return pass("rejected 'mtpc_check_no_such_option'");
    });
    run(out, "options.bad-type-rejected", [&] {
        const auto base = nlohmann::json::parse(options);
        std::vector<std::string> keys;
        for (auto it = base.begin(); it != base.end(); ++it) keys.push_back(it.key());
        // Every optimiser takes "max_iterations" (sdk/optimizer.hpp), so even an optimiser
        // checked without options has one key whose type can be gotten wrong.
        if (keys.empty() && rec.kind == MTPC_KIND_OPTIMIZER) keys.push_back("max_iterations");
        if (keys.empty()) return pass("no options to mistype");
        std::vector<std::string> accepted;
        for (const auto& key : keys) {
            auto j = base;
            j[key] = wrongly_typed(base.contains(key) ? base[key] : nlohmann::json(1));
            if (try_create(host, rec, j.dump()).empty()) accepted.push_back(key + "=" + j[key].dump());
        }
        if (!accepted.empty()) {
            std::string list;
            for (const auto& a : accepted) list += (list.empty() ? "" : ", ") + a;
            return fail("accepted wrongly typed " + list);
        }
        return pass(fmt::format("rejected a wrongly typed value for each of {} option(s)", keys.size()));
    });
}

/// options_json() is a JSON object that creates an equivalent object (which reports it back).
template <class Iface>
Outcome options_round_trip(PluginHost& host, const PluginRecord& rec, const Iface& obj) {
    const std::string text = obj.options_json();
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        return fail(std::string("options_json() is not valid JSON: ") + e.what());
    }
    if (!j.is_object()) return fail("options_json() is not a JSON object: " + text);
    auto again = host.create<Iface>(rec.name, text);
    if (again->options_json() != text)
        return fail("recreated from " + text + " it reports " + again->options_json());
    return pass(text);
}

/// Every option options_json() reports is documented in the options schema (when there is one):
/// the schema is what `mtpc plugins` shows users, and an option it lacks is invisible to them.
template <class Iface>
Outcome options_documented(const PluginRecord& rec, const Iface& obj) {
    if (rec.options_schema.empty()) return pass("no schema given");
    const auto schema = nlohmann::json::parse(rec.options_schema, nullptr, /*allow_exceptions=*/false);
    if (!schema.is_object()) return fail("the options schema is not a JSON object");
    const auto reported = nlohmann::json::parse(obj.options_json(), nullptr, /*allow_exceptions=*/false);
    if (!reported.is_object()) return fail("options_json() is not a JSON object");
    std::string missing;
    for (auto it = reported.begin(); it != reported.end(); ++it)
        if (!schema.contains(it.key())) missing += (missing.empty() ? "" : ", ") + it.key();
    if (!missing.empty()) return fail("options_json() reports option(s) the schema does not document: " + missing);
    return pass(fmt::format("all {} reported option(s) are in the schema", reported.size()));
}

// ---- radial parameterizations -------------------------------------------------------------------

Vec materialized(const sdk::RadialParameterization& p, const Vec& theta) {
    Vec C = Vec::Constant(p.shape().size(), kNaN);  // NaN: an unwritten entry shows
    p.materialize(theta.data(), C.data());
    return C;
}
Vec pulled_back(const sdk::RadialParameterization& p, const Vec& theta, const Vec& G, double fill = kNaN) {
    Vec g = Vec::Constant(p.num_parameters(), fill);
    p.pull_back(theta.data(), G.data(), g.data());
    return g;
}
Vec random_theta(const sdk::RadialParameterization& p, std::uint64_t seed, double scale) {
    Vec theta = Vec::Constant(p.num_parameters(), kNaN);
    p.initialize_random(seed, scale, theta.data());
    return theta;
}
double rms(const Vec& v) { return v.size() > 0 ? v.norm() / std::sqrt(double(v.size())) : 0.0; }

void check_radial(const sdk::RadialParameterization& p, const PluginRecord& rec, PluginHost& host,
                  const CheckSettings& s, std::vector<CheckResult>& out) {
    const sdk::RadialShape want{s.n_species, s.n_funcs, s.n_basis};
    bool shape_ok = false;
    run(out, "radial.shape", [&] {
        const sdk::RadialShape got = p.shape();
        if (got != want)
            return fail(fmt::format("shape() = {}x{}x{}x{}, options asked for {}x{}x{}x{}", got.n_species,
                                    got.n_species, got.n_funcs, got.n_basis, want.n_species, want.n_species,
                                    want.n_funcs, want.n_basis));
        if (p.num_parameters() <= 0) return fail(fmt::format("num_parameters() = {}", p.num_parameters()));
        shape_ok = true;
        return pass(fmt::format("C is {}x{}x{}x{} = {} entries from {} parameters", want.n_species, want.n_species,
                                want.n_funcs, want.n_basis, want.size(), p.num_parameters()));
    });
    if (!shape_ok) return;  // every later check sizes its buffers from these numbers

    run(out, "options.round-trip", [&] {
        const Outcome o = options_round_trip(host, rec, p);
        if (!o.passed) return o;
        const auto j = nlohmann::json::parse(p.options_json());
        if (j.value("n_species", -1) != want.n_species || j.value("n_funcs", -1) != want.n_funcs ||
            j.value("n_basis", -1) != want.n_basis)
            return fail("options_json() does not carry the shape: " + p.options_json());
        return o;
    });
    run(out, "options.documented", [&] { return options_documented(rec, p); });

    const int P = p.num_parameters();
    CheckRandom rng(s.seed);
    // θ from the checker, not from initialize_random: materialize and pull_back must work for
    // any θ ∈ R^P, and this keeps these checks independent of the initialisers.
    const Vec theta = rng.vector(P);
    const Vec G = rng.vector(want.size()), G2 = rng.vector(want.size());

    run(out, "radial.materialize", [&] {
        const Vec C1 = materialized(p, theta), C2 = materialized(p, theta);
        if (!all_finite(C1)) return fail("C has NaN/inf entries (unwritten or overflow) for theta in [-1, 1)");
        if (C1 != C2) return fail("two calls with the same theta differ");
        return pass(fmt::format("every entry written and finite, deterministic; RMS(C) = {:.3g}", rms(C1)));
    });
    run(out, "radial.pull-back-output", [&] {
        const Vec g1 = pulled_back(p, theta, G), g2 = pulled_back(p, theta, G, 1e300);
        if (!all_finite(g1)) return fail("dL/dtheta has NaN/inf entries (unwritten)");
        if (g1 != g2) return fail("result depends on the output buffer's previous contents (adds instead of writes?)");
        return pass("every entry written (not added) and finite, deterministic");
    });
    run(out, "radial.pull-back", [&] {
        // pull_back(θ, G)_k = ∂/∂θ_k ⟨G, C(θ)⟩.  The parameterizations are low-degree polynomials
        // in θ, so with h = 1e-5 the central-difference error (~h² f''' and ~ε f / h) is ~1e-10,
        // far below the tolerance 1e-6·max(1, max|g|), and any real error (a missing factor, a
        // transposed factor) is O(1) relative.
        const Vec g = pulled_back(p, theta, G);
        const double tol = 1e-6 * std::max(1.0, g.cwiseAbs().maxCoeff());
        Vec t = theta;
        double worst = 0;
        int worst_k = -1, bad = 0;
        for (int k = 0; k < P; ++k) {
            const double h = 1e-5 * std::max(1.0, std::abs(theta[k]));
            t[k] = theta[k] + h;
            const double f_plus = G.dot(materialized(p, t));
            t[k] = theta[k] - h;
            const double f_minus = G.dot(materialized(p, t));
            t[k] = theta[k];
            const double err = std::abs((f_plus - f_minus) / (2 * h) - g[k]);
            if (!(err <= tol)) ++bad;  // also catches NaN
            if (!(err <= worst)) { worst = err; worst_k = k; }
        }
        if (bad > 0) {
            const int k = worst_k;
            return fail(fmt::format("{} of {} entries disagree with central finite differences of <G, C(theta)>; "
                                    "worst dL/dtheta[{}]: pull_back {:.9g}, error {:.3g} (tolerance {:.3g})",
                                    bad, P, k, g[k], worst, tol));
        }
        return pass(fmt::format("max |finite difference - pull_back| = {:.3g} over {} parameters (tolerance {:.3g})",
                                worst, P, tol));
    });
    run(out, "radial.pull-back-linear", [&] {
        // The pull-back is a linear map of G (a Jacobian transpose): a hidden dependence on
        // anything but θ and G shows here.
        const double a = 0.75, b = -1.5;
        const Vec combined = pulled_back(p, theta, a * G + b * G2);
        const Vec separate = a * pulled_back(p, theta, G) + b * pulled_back(p, theta, G2);
        const double err = relative((combined - separate).norm(), separate.norm());
        if (!(err <= 1e-12)) return fail(fmt::format("|pb(aG1+bG2) - a pb(G1) - b pb(G2)| / |.| = {:.3g}", err));
        return pass(fmt::format("relative deviation {:.3g}", err));
    });
    run(out, "radial.initialize-random", [&] {
        const Vec t1 = random_theta(p, 5, 1.0), t2 = random_theta(p, 5, 1.0), t3 = random_theta(p, 6, 1.0);
        if (!all_finite(t1)) return fail("theta has NaN/inf entries (unwritten)");
        if (t1 != t2) return fail("two calls with seed 5 are not bit-identical");
        if (t1 == t3) return fail("seeds 5 and 6 give the same theta");
        if (materialized(p, t1) == materialized(p, t3)) return fail("seeds 5 and 6 give the same C");
        // The host asks for C entries of magnitude ~scale; a factor 10 either way is "~".
        for (double scale : {1.0, 1e-3, 250.0}) {
            for (std::uint64_t seed = 1; seed <= 3; ++seed) {
                const double r = rms(materialized(p, random_theta(p, seed, scale)));
                if (!(r > scale / 10 && r < scale * 10))
                    return fail(fmt::format("RMS(C) = {:.3g} for scale {:g} (seed {}): not within a factor 10", r,
                                            scale, seed));
            }
        }
        return pass("bit-identical per seed, different across seeds, RMS(C) within a factor 10 of scale");
    });
    run(out, "radial.initialize-from", [&] {
        // A C the parameterization can represent (materialised from its own random θ) must come
        // back: relative error 1e-6 allows iterative fits (ALS) and excludes any real failure.
        const Vec C0 = materialized(p, random_theta(p, s.seed, 1.0));
        Vec th1 = Vec::Constant(P, kNaN), th2 = Vec::Constant(P, kNaN);
        p.initialize_from(C0.data(), th1.data());
        p.initialize_from(C0.data(), th2.data());
        if (!all_finite(th1)) return fail("theta has NaN/inf entries (unwritten)");
        if (th1 != th2) return fail("two calls with the same C are not bit-identical");
        const double err = relative((materialized(p, th1) - C0).norm(), C0.norm());
        if (!(err <= 1e-6))
            return fail(fmt::format("|C(initialize_from(C)) - C| / |C| = {:.3g} for a representable C", err));
        return pass(fmt::format("relative round-trip error {:.3g}, deterministic", err));
    });
}

// ---- manifolds ----------------------------------------------------------------------------------

void check_manifold(const sdk::Manifold& m, const CheckSettings& s, std::vector<CheckResult>& out) {
    const int n = m.ambient_size(), d = m.dimension(), ps = m.point_size();
    bool sizes_ok = false;
    run(out, "manifold.sizes", [&] {
        if (n <= 0 || ps <= 0 || d <= 0 || d > n)
            return fail(fmt::format("ambient_size {}, dimension {}, point_size {}: need 0 < dimension <= ambient_size, "
                                    "point_size > 0", n, d, ps));
        sizes_ok = true;
        return pass(fmt::format("ambient_size {}, dimension {}, point_size {}", n, d, ps));
    });
    if (!sizes_ok) return;

    CheckRandom rng(s.seed);
    auto point_from = [&](const Vec& ambient) {
        Vec x = Vec::Constant(ps, kNaN);
        m.from_ambient(ambient.data(), x.data());
        return x;
    };
    auto ambient_of = [&](const Vec& x) {
        Vec a = Vec::Constant(n, kNaN);
        m.to_ambient(x.data(), a.data());
        return a;
    };
    auto project = [&](const Vec& x, const Vec& v) {
        Vec o = Vec::Constant(n, kNaN);
        m.project(x.data(), v.data(), o.data());
        return o;
    };
    constexpr double tol = 1e-9;  // SVD/QR-level rounding is ~1e-14; real errors are O(1)

    const Vec x0 = point_from(rng.vector(n));
    const Vec A0 = ambient_of(x0);
    const Vec v = rng.vector(n), w = rng.vector(n);

    run(out, "manifold.from-ambient", [&] {
        if (!all_finite(x0) || !all_finite(A0)) return fail("from_ambient/to_ambient left NaN/inf entries");
        const double err = relative((ambient_of(point_from(A0)) - A0).norm(), A0.norm());
        if (!(err <= tol)) return fail(fmt::format("a point of the manifold is not its own nearest point: {:.3g}", err));
        return pass(fmt::format("to_ambient(from_ambient(X)) = X to {:.3g}", err));
    });
    run(out, "manifold.projection", [&] {
        const Vec Pv = project(x0, v), Pw = project(x0, w);
        if (!all_finite(Pv)) return fail("project left NaN/inf entries");
        const double idem = relative((project(x0, Pv) - Pv).norm(), Pv.norm());
        if (!(idem <= tol)) return fail(fmt::format("not idempotent: |P(Pv) - Pv| / |Pv| = {:.3g}", idem));
        const double orth = std::abs((v - Pv).dot(Pw)) / (v.norm() * w.norm());
        if (!(orth <= tol)) return fail(fmt::format("not orthogonal: <v - Pv, Pw> / (|v||w|) = {:.3g}", orth));
        // The projection's rank is the tangent space's dimension: trace of the projection matrix.
        if (n <= 4096) {
            double trace = 0;
            Vec e = Vec::Zero(n);
            for (int k = 0; k < n; ++k) {
                e[k] = 1;
                trace += project(x0, e)[k];
                e[k] = 0;
            }
            if (!(std::abs(trace - d) <= 1e-6 * n))
                return fail(fmt::format("trace of the projection {:.9g} != dimension() {}", trace, d));
        }
        return pass(fmt::format("idempotent ({:.3g}), orthogonal ({:.3g}), rank = dimension()", idem, orth));
    });
    run(out, "manifold.inner", [&] {
        const Vec a = project(x0, v), b = project(x0, w);
        const double ab = m.inner(x0.data(), a.data(), b.data()), ba = m.inner(x0.data(), b.data(), a.data());
        const double aa = m.inner(x0.data(), a.data(), a.data());
        if (!(std::abs(ab - ba) <= tol * std::max(1.0, std::abs(ab)))) return fail(fmt::format("not symmetric: {} vs {}", ab, ba));
        if (!(aa > 0)) return fail(fmt::format("g(a, a) = {:.3g} for a nonzero tangent vector", aa));
        return pass(fmt::format("symmetric, positive (g(a, a) = {:.3g})", aa));
    });

    // A tangent step of 10% of the point's size: big enough to leave the tangent plane visibly.
    Vec xi = project(x0, v);
    xi *= 0.1 * A0.norm() / std::max(xi.norm(), 1e-300);
    auto retract = [&](const Vec& x, const Vec& step) {
        Vec y = Vec::Constant(ps, kNaN);
        m.retract(x.data(), step.data(), y.data());
        return y;
    };
    run(out, "manifold.retraction", [&] {
        const Vec x1 = retract(x0, xi), A1 = ambient_of(x1);
        if (!all_finite(A1)) return fail("retract gave NaN/inf");
        const double on = relative((ambient_of(point_from(A1)) - A1).norm(), A1.norm());
        if (!(on <= tol)) return fail(fmt::format("R_x(xi) is not on the manifold: {:.3g} from its nearest point", on));
        const Vec P1w = project(x1, w);
        const double tangent = relative((project(x1, P1w) - P1w).norm(), P1w.norm());
        if (!(tangent <= tol)) return fail(fmt::format("projection at R_x(xi) is not idempotent: {:.3g}", tangent));
        const double zero = relative((ambient_of(retract(x0, Vec::Zero(n))) - A0).norm(), A0.norm());
        if (!(zero <= tol)) return fail(fmt::format("R_x(0) != x: {:.3g}", zero));
        // First order: R_x(tξ) = x + tξ + O(t²).
        const double t = 1e-4;
        const double first = (ambient_of(retract(x0, t * xi)) - A0 - t * xi).norm() / (t * xi.norm());
        if (!(first <= 1e-2)) return fail(fmt::format("not first-order: |R_x(t xi) - x - t xi| / |t xi| = {:.3g} at t = {:g}", first, t));
        return pass(fmt::format("lands on the manifold ({:.3g}), R_x(0) = x, first-order ({:.3g} at t = 1e-4)", on, first));
    });
    run(out, "manifold.transport", [&] {
        const Vec x1 = retract(x0, xi);
        const Vec zeta = project(x0, w);
        Vec moved = Vec::Constant(n, kNaN), same = Vec::Constant(n, kNaN);
        m.transport(x0.data(), x1.data(), zeta.data(), moved.data());
        m.transport(x0.data(), x0.data(), zeta.data(), same.data());
        if (!all_finite(moved)) return fail("transport gave NaN/inf");
        const double in = relative((project(x1, moved) - moved).norm(), moved.norm());
        if (!(in <= tol)) return fail(fmt::format("transported vector is not in the new tangent space: {:.3g}", in));
        const double id = relative((same - zeta).norm(), zeta.norm());
        if (!(id <= tol)) return fail(fmt::format("transport from x to x is not the identity: {:.3g}", id));
        return pass(fmt::format("lands in the new tangent space ({:.3g}), identity from x to x", in));
    });
}

// ---- optimisers ---------------------------------------------------------------------------------

/// θ = C, the simplest parameterization, for running optimisers on (the host's own, not a plugin).
class IdentityParameterization final : public sdk::RadialParameterization {
public:
    explicit IdentityParameterization(sdk::RadialShape shape) : shape_(shape) {}
    [[nodiscard]] sdk::RadialShape shape() const override { return shape_; }
    [[nodiscard]] int num_parameters() const override { return static_cast<int>(shape_.size()); }
    [[nodiscard]] std::string options_json() const override {
        return nlohmann::json{{"n_species", shape_.n_species}, {"n_funcs", shape_.n_funcs}, {"n_basis", shape_.n_basis}}
            .dump();
    }
    void materialize(const double* theta, double* C) const override { std::copy_n(theta, shape_.size(), C); }
    void pull_back(const double*, const double* dL_dC, double* g) const override { std::copy_n(dL_dC, shape_.size(), g); }
    void initialize_random(std::uint64_t seed, double scale, double* theta) const override {
        CheckRandom rng(seed);
        for (std::int64_t k = 0; k < shape_.size(); ++k) theta[k] = scale * rng.uniform();
    }
    void initialize_from(const double* C, double* theta) const override { std::copy_n(C, shape_.size(), theta); }

private:
    sdk::RadialShape shape_;
};

/// L(x, C) = ½ Σ_i d_i (x_i − x*_i)² + ½ |C − C*|², with Ĉ* of rank 1 so that every
/// parameterization (and every fixed-rank method) can reach the minimum L = 0.
class QuadraticObjective final : public sdk::Objective {
public:
    QuadraticObjective(sdk::RadialShape shape, std::uint64_t seed, int stop_after_reports = -1)
        : shape_(shape), stop_after_(stop_after_reports) {
        CheckRandom rng(seed);
        x_star_ = rng.vector(4);
        weights_ = rng.vector(4).array() + 2.0;  // in [1, 3): well conditioned
        const Vec u = rng.vector(shape.rows()), v = rng.vector(shape.cols());
        c_star_.resize(shape.size());
        sdk::reshaped(shape_, c_star_.data()) = u * v.transpose();
    }
    [[nodiscard]] int euclidean_size() const override { return static_cast<int>(x_star_.size()); }
    [[nodiscard]] sdk::RadialShape radial_shape() const override { return shape_; }
    double evaluate(const double* x, const double* C, double* dL_dx, double* dL_dC) override {
        ++evaluations_;
        const Eigen::Map<const Vec> xv(x, x_star_.size()), Cv(C, c_star_.size());
        const Vec dx = xv - x_star_, dC = Cv - c_star_;
        if (dL_dx != nullptr) Eigen::Map<Vec>(dL_dx, dx.size()) = weights_.cwiseProduct(dx);
        if (dL_dC != nullptr) Eigen::Map<Vec>(dL_dC, dC.size()) = dC;
        return 0.5 * dx.dot(weights_.cwiseProduct(dx)) + 0.5 * dC.squaredNorm();
    }
    bool report(const sdk::ProgressReport& progress) override {
        reports_.push_back(progress);
        return stop_after_ < 0 || int(reports_.size()) < stop_after_;
    }
    [[nodiscard]] const std::vector<sdk::ProgressReport>& reports() const { return reports_; }
    [[nodiscard]] int evaluations() const { return evaluations_; }

private:
    sdk::RadialShape shape_;
    int stop_after_;
    Vec x_star_, weights_, c_star_;
    std::vector<sdk::ProgressReport> reports_;
    int evaluations_ = 0;
};

struct OptimizerRun {
    sdk::OptimizerState state;
    double start_loss = 0, final_loss = 0;
    std::vector<sdk::ProgressReport> reports;
    int objective_evaluations = 0;
};

OptimizerRun run_optimizer(sdk::Optimizer& opt, const CheckSettings& s, int stop_after_reports = -1) {
    const sdk::RadialShape shape{s.n_species, s.n_funcs, s.n_basis};
    const IdentityParameterization param(shape);
    QuadraticObjective objective(shape, s.seed, stop_after_reports);
    OptimizerRun r;
    r.state.x = Vec::Zero(objective.euclidean_size());
    r.state.theta.resize(param.num_parameters());
    param.initialize_random(s.seed + 1, 0.1, r.state.theta.data());
    Vec C0(shape.size());
    param.materialize(r.state.theta.data(), C0.data());
    QuadraticObjective judge(shape, s.seed);  // separate copy: the optimiser's calls stay uncounted here
    r.start_loss = judge.evaluate(r.state.x.data(), C0.data(), nullptr, nullptr);
    opt.minimize(objective, param, r.state);
    if (r.state.x.size() != objective.euclidean_size() || r.state.radial.size() != shape.size())
        throw std::runtime_error(fmt::format("result has x of size {} (want {}) and radial of size {} (want {})",
                                             r.state.x.size(), objective.euclidean_size(), r.state.radial.size(),
                                             shape.size()));
    r.final_loss = judge.evaluate(r.state.x.data(), r.state.radial.data(), nullptr, nullptr);
    r.reports = objective.reports();
    r.objective_evaluations = objective.evaluations();
    return r;
}

void check_optimizer(sdk::Optimizer& opt, const PluginRecord& rec, PluginHost& host, const CheckSettings& s,
                     std::vector<CheckResult>& out) {
    run(out, "options.round-trip", [&] { return options_round_trip(host, rec, opt); });
    run(out, "options.documented", [&] { return options_documented(rec, opt); });
    OptimizerRun first;
    bool ran = false;
    run(out, "optimizer.minimize", [&] {
        first = run_optimizer(opt, s);
        if (!all_finite(first.state.x) || !all_finite(first.state.radial)) return fail("result has NaN/inf entries");
        ran = true;
        return pass(fmt::format("{} iterations, {} evaluations ({} counted by the objective): {}",
                                first.state.iterations_done, first.state.evaluations, first.objective_evaluations,
                                first.state.message.empty() ? "(no message)" : first.state.message));
    });
    if (!ran) return;
    run(out, "optimizer.loss-decreases", [&] {
        if (!(first.final_loss < first.start_loss))
            return fail(fmt::format("loss {:.6g} at the start, {:.6g} at the result", first.start_loss, first.final_loss));
        return pass(fmt::format("loss {:.6g} -> {:.6g} on a quadratic with minimum 0", first.start_loss, first.final_loss));
    });
    run(out, "optimizer.reports-monotone", [&] {
        const auto& r = first.reports;
        if (r.empty()) return fail("no progress report");
        for (size_t k = 1; k < r.size(); ++k) {
            if (r[k].iteration < r[k - 1].iteration || r[k].evaluations < r[k - 1].evaluations)
                return fail(fmt::format("report {}: iteration/evaluations went back ({}/{} after {}/{})", k,
                                        r[k].iteration, r[k].evaluations, r[k - 1].iteration, r[k - 1].evaluations));
            // Accepted iterates never raise the loss (a relative 1e-12 allows for rounding when
            // the same point is re-evaluated, e.g. after a rank change).
            if (r[k].loss > r[k - 1].loss + 1e-12 * std::abs(r[k - 1].loss))
                return fail(fmt::format("report {}: loss rose from {:.17g} to {:.17g}", k, r[k - 1].loss, r[k].loss));
        }
        return pass(fmt::format("{} reports, loss non-increasing, iterations and evaluations non-decreasing", r.size()));
    });
    run(out, "optimizer.deterministic", [&] {
        const OptimizerRun second = run_optimizer(opt, s);
        if (second.state.x != first.state.x || second.state.radial != first.state.radial)
            return fail("two runs from the same start give different results");
        return pass("two runs from the same start are bit-identical");
    });
    run(out, "optimizer.stop-request", [&] {
        // Objective::report returning false must stop the run at once.
        const OptimizerRun stopped = run_optimizer(opt, s, 1);
        if (stopped.reports.size() != 1)
            return fail(fmt::format("{} reports after the first one returned false", stopped.reports.size() - 1));
        if (!stopped.state.interrupted) return fail("state.interrupted not set after report() returned false");
        return pass("returned after the first report with interrupted = true");
    });
}

}  // namespace

std::string test_options(const PluginRecord& record, const CheckSettings& settings) {
    nlohmann::json j = nlohmann::json::object();
    if (record.kind != MTPC_KIND_OPTIMIZER) {
        j["n_species"] = settings.n_species;
        j["n_funcs"] = settings.n_funcs;
        j["n_basis"] = settings.n_basis;
    }
    // The schema's first example supplies required options (radial-mf's rank, ...): a plugin
    // must pass its checks without the author having to remember them.
    const auto schema = nlohmann::json::parse(record.options_schema.empty() ? "{}" : record.options_schema, nullptr,
                                              /*allow_exceptions=*/false);
    if (schema.is_object() && schema.contains("examples") && schema["examples"].is_array() &&
        !schema["examples"].empty() && schema["examples"][0].is_object())
        j.update(schema["examples"][0]);
    nlohmann::json extra;
    try {
        extra = nlohmann::json::parse(settings.extra_options_json.empty() ? "{}" : settings.extra_options_json);
    } catch (const nlohmann::json::exception& e) {
        throw InputError(std::string("--options: not valid JSON: ") + e.what());
    }
    if (!extra.is_object()) throw InputError("--options: must be a JSON object, e.g. {\"rank\": 2}");
    j.update(extra);
    return j.dump();
}

std::vector<CheckResult> check_plugin(PluginHost& host, const std::string& name, const CheckSettings& settings) {
    const PluginRecord* found = host.find(name);
    if (found == nullptr) throw InputError("check-plugin: no plugin named '" + name + "' is loaded");
    const PluginRecord rec = *found;  // copy: creating objects may grow the host's vectors
    const std::string options = test_options(rec, settings);
    std::vector<CheckResult> out;
    check_metadata(rec, out);

    std::string why;
    run(out, "options.accepted", [&] {
        why = try_create(host, rec, options);
        if (!why.empty()) return fail("create(" + options + ") failed: " + why);
        return pass(options);
    });
    const bool created = why.empty();
    check_options(host, rec, options, out);

    switch (rec.kind) {
        case MTPC_KIND_RADIAL_PARAMETERIZATION:
            if (!created) { not_run(out, "radial.*"); break; }
            check_radial(*host.create<sdk::RadialParameterization>(name, options), rec, host, settings, out);
            break;
        case MTPC_KIND_MANIFOLD:
            if (!created) { not_run(out, "manifold.*"); break; }
            check_manifold(*host.create<sdk::Manifold>(name, options), settings, out);
            break;
        case MTPC_KIND_OPTIMIZER:
            if (!created) { not_run(out, "optimizer.*"); break; }
            check_optimizer(*host.create<sdk::Optimizer>(name, options), rec, host, settings, out);
            break;
        default:
            // Descriptors have no behavioural contract beyond creation yet (none is a plugin).
            break;
    }
    return out;
}

bool all_passed(const std::vector<CheckResult>& results) {
    return !results.empty() && std::all_of(results.begin(), results.end(), [](const CheckResult& r) { return r.passed; });
}

}  // namespace mtpc::conformance
