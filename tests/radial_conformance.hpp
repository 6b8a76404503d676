// Conformance checks every mtpc::sdk::RadialParameterization must pass.
//
// Usage (in exactly one translation unit of a test executable, since it defines TEST_Ps):
//
//   #include "radial_conformance.hpp"
//   using mtpc::test::radial_conformance::Case;
//   INSTANTIATE_TEST_SUITE_P(MyRadial, RadialConformance,
//       ::testing::Values(Case{"rank3", make_my_radial, R"({"n_species":2,...,"rank":3})", 123}),
//       mtpc::test::radial_conformance::case_name);
//
// A Case only needs a factory from options JSON to an object, so the same checks run on a class
// linked directly (std::make_shared<MyRadial>) or on an object made by a dlopen'ed plugin's
// `create` (a shared_ptr whose deleter calls the plugin's `destroy`).
//
// What is checked, and why each can fail:
//   * shape() is the shape in the options and num_parameters() the expected count;
//   * materialize / pull_back write every output entry (they are pre-filled with NaN) and are
//     deterministic;
//   * pull_back is the adjoint of the Jacobian of materialize: for a random G, entry k of
//     pull_back(θ, G) equals ∂/∂θ_k ⟨G, C(θ)⟩ by central finite differences;
//   * initialize_random is bit-identical for one seed, different for another seed, and gives a C
//     whose RMS entry is within a factor 10 of the requested scale;
//   * initialize_from reproduces any C the parameterization can represent (one materialised from
//     a random θ) and is deterministic;
//   * options_json() round-trips: an object built from it reports the same options, shape and
//     parameter count, and materialises the same θ to bit-identical C.
#pragma once

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "mtpc/core/error.hpp"
#include "mtpc/plugin/plugin_host.hpp"
#include "mtpc/sdk/radial_parameterization.hpp"

namespace mtpc::test::radial_conformance {

using Factory = std::function<std::shared_ptr<sdk::RadialParameterization>(const std::string& options_json)>;

struct Case {
    std::string name;                  ///< test-name suffix: letters, digits, '_' only
    Factory make;                      ///< builds the object under test from options JSON
    std::string options_json;          ///< must contain n_species, n_funcs, n_basis
    std::int64_t expected_parameters;  ///< num_parameters() it must report (-1: not checked)
};

inline std::string case_name(const ::testing::TestParamInfo<Case>& info) { return info.param.name; }

/// How GoogleTest prints a Case in failure messages (instead of its bytes).
inline void PrintTo(const Case& c, std::ostream* os) { *os << c.name << " " << c.options_json; }

/// Test-only random numbers (portable determinism is the plugins' concern, not the checker's).
inline std::vector<double> uniform_vector(std::int64_t n, std::uint64_t seed) {
    std::mt19937_64 engine(seed);
    std::vector<double> v(static_cast<std::size_t>(n));
    for (double& x : v) x = 2.0 * (double(engine() >> 11) * 0x1.0p-53) - 1.0;
    return v;
}

inline double rms(const std::vector<double>& v) {
    double s = 0;
    for (double x : v) s += x * x;
    return std::sqrt(s / double(v.size()));
}

inline double dot(const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (std::size_t k = 0; k < a.size(); ++k) s += a[k] * b[k];
    return s;
}

inline bool all_finite(const std::vector<double>& v) {
    for (double x : v)
        if (!std::isfinite(x)) return false;
    return true;
}

inline std::vector<double> materialized(const sdk::RadialParameterization& p, const std::vector<double>& theta) {
    std::vector<double> C(static_cast<std::size_t>(p.shape().size()), std::numeric_limits<double>::quiet_NaN());
    p.materialize(theta.data(), C.data());
    return C;
}

inline std::vector<double> random_theta(const sdk::RadialParameterization& p, std::uint64_t seed, double scale) {
    std::vector<double> theta(static_cast<std::size_t>(p.num_parameters()), std::numeric_limits<double>::quiet_NaN());
    p.initialize_random(seed, scale, theta.data());
    return theta;
}

/// shape() matches the options, num_parameters() the expected count.
inline void check_shape_and_count(const Case& c, const sdk::RadialParameterization& p) {
    const auto opt = nlohmann::json::parse(c.options_json);
    const sdk::RadialShape s = p.shape();
    EXPECT_EQ(s.n_species, opt.at("n_species").get<int>());
    EXPECT_EQ(s.n_funcs, opt.at("n_funcs").get<int>());
    EXPECT_EQ(s.n_basis, opt.at("n_basis").get<int>());
    EXPECT_GT(p.num_parameters(), 0);
    if (c.expected_parameters >= 0) {
        EXPECT_EQ(p.num_parameters(), c.expected_parameters);
    }
}

/// Every output entry is written (outputs start as NaN) and two calls agree bit for bit.
inline void check_outputs_written_and_deterministic(const sdk::RadialParameterization& p) {
    const auto theta = random_theta(p, 11, 1.0);
    ASSERT_TRUE(all_finite(theta)) << "initialize_random left entries unwritten";
    const auto C1 = materialized(p, theta), C2 = materialized(p, theta);
    EXPECT_TRUE(all_finite(C1)) << "materialize left entries of C unwritten";
    EXPECT_EQ(C1, C2) << "materialize is not deterministic";

    const auto G = uniform_vector(p.shape().size(), 12);
    std::vector<double> g1(theta.size(), std::numeric_limits<double>::quiet_NaN());
    std::vector<double> g2(theta.size(), 1e300);  // "written, not added": garbage must not leak
    p.pull_back(theta.data(), G.data(), g1.data());
    p.pull_back(theta.data(), G.data(), g2.data());
    EXPECT_TRUE(all_finite(g1)) << "pull_back left entries of dL/dtheta unwritten";
    EXPECT_EQ(g1, g2) << "pull_back adds to its output or is not deterministic";
}

/// pull_back(θ, G)_k = ∂/∂θ_k ⟨G, C(θ)⟩, by central differences for every k.
///
/// Any parameterization here is polynomial in θ of low degree, so the central-difference
/// truncation error is ~h²·|f'''| ≈ 1e-10 and rounding ~1e-16·|f|/h ≈ 1e-10; the tolerance 1e-6
/// (relative to the gradient's size) is far above both and far below any real layout or
/// transposition error (O(1)).
inline void check_pull_back_is_adjoint(const sdk::RadialParameterization& p, std::uint64_t seed) {
    auto theta = random_theta(p, seed, 1.0);
    const auto G = uniform_vector(p.shape().size(), seed + 1000);
    std::vector<double> grad(theta.size());
    p.pull_back(theta.data(), G.data(), grad.data());

    double grad_max = 0;
    for (double g : grad) grad_max = std::max(grad_max, std::abs(g));
    const double tol = 1e-6 * std::max(1.0, grad_max);
    int reported = 0;
    for (std::size_t k = 0; k < theta.size(); ++k) {
        const double t = theta[k], h = 1e-5 * std::max(1.0, std::abs(t));
        theta[k] = t + h;
        const double f_plus = dot(G, materialized(p, theta));
        theta[k] = t - h;
        const double f_minus = dot(G, materialized(p, theta));
        theta[k] = t;
        const double fd = (f_plus - f_minus) / (2 * h);
        if (std::abs(fd - grad[k]) > tol && reported++ < 5)
            ADD_FAILURE() << "dL/dtheta[" << k << "]: pull_back " << grad[k] << " vs finite difference " << fd
                          << " (tolerance " << tol << ", seed " << seed << ")";
    }
    EXPECT_EQ(reported, 0) << "pull_back disagrees with finite differences in " << reported << " entries";
}

/// Same seed → bit-identical θ; another seed → different θ and C; RMS(C) ~ scale.
inline void check_initialize_random(const sdk::RadialParameterization& p) {
    EXPECT_EQ(random_theta(p, 5, 1.0), random_theta(p, 5, 1.0)) << "initialize_random is not deterministic";
    EXPECT_NE(random_theta(p, 5, 1.0), random_theta(p, 6, 1.0)) << "initialize_random ignores the seed";
    EXPECT_NE(materialized(p, random_theta(p, 5, 1.0)), materialized(p, random_theta(p, 6, 1.0)));
    for (double scale : {1.0, 1e-3, 250.0}) {
        for (std::uint64_t seed = 1; seed <= 4; ++seed) {
            const double r = rms(materialized(p, random_theta(p, seed, scale)));
            EXPECT_GT(r, scale / 10) << "RMS of C far below scale " << scale << " (seed " << seed << ")";
            EXPECT_LT(r, scale * 10) << "RMS of C far above scale " << scale << " (seed " << seed << ")";
        }
    }
}

/// A C the parameterization can represent comes back (to rounding) through initialize_from.
inline void check_initialize_from_round_trip(const sdk::RadialParameterization& p, std::uint64_t seed) {
    const auto C0 = materialized(p, random_theta(p, seed, 1.0));
    std::vector<double> theta1(static_cast<std::size_t>(p.num_parameters()), std::numeric_limits<double>::quiet_NaN());
    std::vector<double> theta2(theta1);
    p.initialize_from(C0.data(), theta1.data());
    p.initialize_from(C0.data(), theta2.data());
    ASSERT_TRUE(all_finite(theta1)) << "initialize_from left entries unwritten";
    EXPECT_EQ(theta1, theta2) << "initialize_from is not deterministic";

    const auto C1 = materialized(p, theta1);
    double err2 = 0, norm2 = 0;
    for (std::size_t k = 0; k < C0.size(); ++k) {
        err2 += (C1[k] - C0[k]) * (C1[k] - C0[k]);
        norm2 += C0[k] * C0[k];
    }
    EXPECT_LE(std::sqrt(err2), 1e-11 * std::sqrt(norm2))
        << "initialize_from does not reproduce a representable C (seed " << seed << ")";
}

/// options_json() describes the object completely.
inline void check_options_round_trip(const Case& c, const sdk::RadialParameterization& p) {
    const std::string text = p.options_json();
    nlohmann::json j;
    ASSERT_NO_THROW(j = nlohmann::json::parse(text)) << text;
    ASSERT_TRUE(j.is_object()) << text;
    EXPECT_EQ(j.value("n_species", -1), p.shape().n_species) << text;
    EXPECT_EQ(j.value("n_funcs", -1), p.shape().n_funcs) << text;
    EXPECT_EQ(j.value("n_basis", -1), p.shape().n_basis) << text;

    std::shared_ptr<sdk::RadialParameterization> q;
    ASSERT_NO_THROW(q = c.make(text)) << "options_json() is not accepted back: " << text;
    ASSERT_TRUE(q);
    EXPECT_EQ(q->options_json(), text);
    EXPECT_EQ(q->shape(), p.shape());
    ASSERT_EQ(q->num_parameters(), p.num_parameters());
    const auto theta = random_theta(p, 21, 1.0);
    EXPECT_EQ(materialized(*q, theta), materialized(p, theta));
}

/// Every check above on one case (for tests that build their own case, e.g. through a plugin host).
inline void check_all(const Case& c) {
    std::shared_ptr<sdk::RadialParameterization> p;
    ASSERT_NO_THROW(p = c.make(c.options_json)) << c.options_json;
    ASSERT_TRUE(p) << "factory returned null for " << c.options_json;
    check_shape_and_count(c, *p);
    check_outputs_written_and_deterministic(*p);
    for (std::uint64_t seed : {1u, 2u, 3u}) check_pull_back_is_adjoint(*p, seed);
    check_initialize_random(*p);
    for (std::uint64_t seed : {1u, 2u, 3u}) check_initialize_from_round_trip(*p, seed);
    check_options_round_trip(c, *p);
}

/// What check_through_plugin_host needs to know about a plugin built as its own shared library.
struct LibraryCase {
    std::string library;              ///< path of the plugin's .so
    std::string plugin;               ///< the name the plugin registers under
    Factory linked;                   ///< the same class, linked directly into the test
    std::string options_json;         ///< good options, checked through the host
    std::int64_t expected_parameters; ///< num_parameters() for options_json
    std::string bad_options_json;     ///< options the plugin must reject
    std::string bad_options_message;  ///< a fragment the rejection's message must contain
};

/// The plugin loaded from its own shared library through the host (dlopen, ABI and fingerprint
/// checks, create/destroy across the boundary) passes every check above, materialises a random θ
/// bit-identically to the directly linked class, and reports bad options as an mtpc::InputError.
/// (The caller skips first when the library is not built: GTEST_SKIP must stand in the test body.)
inline void check_through_plugin_host(const LibraryCase& c) {
    PluginHost host;
    ASSERT_TRUE(host.load(c.library)) << host.failures().back().reason;
    const Factory from_library = [&host, &c](const std::string& options) {
        return std::shared_ptr<sdk::RadialParameterization>(host.create<sdk::RadialParameterization>(c.plugin, options));
    };
    check_all(Case{"library", from_library, c.options_json, c.expected_parameters});

    const auto loaded = from_library(c.options_json), linked = c.linked(c.options_json);
    const auto theta = uniform_vector(linked->num_parameters(), 31);
    EXPECT_EQ(materialized(*loaded, theta), materialized(*linked, theta));

    try {
        from_library(c.bad_options_json);
        ADD_FAILURE() << "bad options accepted through the host";
    } catch (const InputError& e) {
        EXPECT_NE(std::string(e.what()).find(c.bad_options_message), std::string::npos) << e.what();
    }
}

}  // namespace mtpc::test::radial_conformance

/// The parameterized suite; instantiate it with INSTANTIATE_TEST_SUITE_P(Prefix, RadialConformance, ...).
class RadialConformance : public ::testing::TestWithParam<mtpc::test::radial_conformance::Case> {
protected:
    void SetUp() override {
        ASSERT_NO_THROW(object_ = GetParam().make(GetParam().options_json)) << GetParam().options_json;
        ASSERT_TRUE(object_) << "factory returned null for " << GetParam().options_json;
    }
    const mtpc::sdk::RadialParameterization& object() const { return *object_; }

private:
    std::shared_ptr<mtpc::sdk::RadialParameterization> object_;
};

namespace rc = mtpc::test::radial_conformance;

TEST_P(RadialConformance, ShapeAndParameterCount) { rc::check_shape_and_count(GetParam(), object()); }
TEST_P(RadialConformance, OutputsWrittenAndDeterministic) { rc::check_outputs_written_and_deterministic(object()); }
TEST_P(RadialConformance, PullBackIsAdjointOfMaterialize) {
    for (std::uint64_t seed : {1u, 2u, 3u}) rc::check_pull_back_is_adjoint(object(), seed);
}
TEST_P(RadialConformance, InitializeRandomIsSeededAndScaled) { rc::check_initialize_random(object()); }
TEST_P(RadialConformance, InitializeFromReproducesRepresentableC) {
    for (std::uint64_t seed : {1u, 2u, 3u}) rc::check_initialize_from_round_trip(object(), seed);
}
TEST_P(RadialConformance, OptionsRoundTrip) { rc::check_options_round_trip(GetParam(), object()); }
