// Conformance checks (mtpc/plugin/conformance.hpp) and `mtpc check-plugin`: every built-in plugin
// passes every check of its kind, and a plugin with a wrong pull-back fails exactly that check.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "mtpc/core/error.hpp"
#include "mtpc/plugin/conformance.hpp"
#include "mtpc/plugin/plugin_host.hpp"
#include "test_support.hpp"

using mtpc::PluginHost;
namespace fs = std::filesystem;
namespace conformance = mtpc::conformance;

namespace {

const std::string kFixtures = MTPC_TEST_FIXTURE_DIR;
const std::string kWrongPullBack = kFixtures + "/wrong_pullback/libmtpc_fixture_wrong_pullback.so";
const std::string kUndocumentedOption = kFixtures + "/undocumented_option/libmtpc_fixture_undocumented_option.so";

/// The options each built-in plugin needs beyond the radial shape (its required keys, from its
/// options schema).  A new plugin with required options must be added here: the test then fails
/// with "options.accepted" naming the missing key.
const std::map<std::string, std::string> kExtraOptions = {
    {"radial-mf", R"({"rank": 2})"},
    {"radial-tt", R"({"ranks": [2, 2, 2]})"},
    {"manifold-fixed-rank", R"({"rank": 2})"},
    {"optimizer-rbfgs", R"({"rank": 2})"},
    {"optimizer-mfra", R"({"rank_min": 1, "rank_max": 3, "augment_every": 5})"},
};

/// The checks that must appear for each kind (beyond metadata and options).
const std::map<int, std::set<std::string>> kKindChecks = {
    {MTPC_KIND_RADIAL_PARAMETERIZATION,
     {"radial.shape", "radial.materialize", "radial.pull-back", "radial.pull-back-linear", "radial.initialize-random",
      "radial.initialize-from", "options.round-trip", "options.documented"}},
    {MTPC_KIND_MANIFOLD,
     {"manifold.sizes", "manifold.projection", "manifold.retraction", "manifold.transport"}},
    {MTPC_KIND_OPTIMIZER,
     {"optimizer.minimize", "optimizer.loss-decreases", "optimizer.reports-monotone", "optimizer.deterministic",
      "options.round-trip", "options.documented"}},
};

conformance::CheckSettings settings_for(const std::string& plugin) {
    conformance::CheckSettings s;
    if (auto it = kExtraOptions.find(plugin); it != kExtraOptions.end()) s.extra_options_json = it->second;
    return s;
}

std::string failures_of(const std::vector<conformance::CheckResult>& results) {
    std::string text;
    for (const auto& r : results)
        if (!r.passed) text += "\n  FAIL " + r.name + ": " + r.detail;
    return text;
}

const conformance::CheckResult* find_check(const std::vector<conformance::CheckResult>& results, const std::string& name) {
    for (const auto& r : results)
        if (r.name == name) return &r;
    return nullptr;
}

/// `check` failed with `detail_part` in its detail, and every other check passed: the checks are
/// specific, so a fixture with one defect fails exactly one of them.
void expect_only_failure(const std::vector<conformance::CheckResult>& results, const std::string& check,
                         const std::string& detail_part) {
    const auto* failed = find_check(results, check);
    ASSERT_NE(failed, nullptr) << check;
    EXPECT_FALSE(failed->passed);
    EXPECT_NE(failed->detail.find(detail_part), std::string::npos) << failed->detail;
    for (const auto& r : results) {
        if (r.name != check) {
            EXPECT_TRUE(r.passed) << r.name << ": " << r.detail;
        }
    }
}

using mtpc::test::run_command;

std::string check_plugin_command(const std::string& file, const std::string& options = "") {
    std::string cmd = std::string("'") + MTPC_EXE + "' check-plugin '" + file + "'";
    if (!options.empty()) cmd += " --options '" + options + "'";
    return cmd;
}

}  // namespace

TEST(CheckPlugin, EveryBuiltInPluginPassesEveryCheckOfItsKind) {
    PluginHost host;
    host.scan({MTPC_PLUGIN_DIR});
    ASSERT_FALSE(host.plugins().empty()) << "no plugins in " << MTPC_PLUGIN_DIR;
    const std::vector<mtpc::PluginRecord> records = host.plugins();  // copy: checks may record failures
    for (const auto& rec : records) {
        SCOPED_TRACE(rec.name);
        const auto results = conformance::check_plugin(host, rec.name, settings_for(rec.name));
        EXPECT_TRUE(conformance::all_passed(results)) << rec.name << " (" << rec.path << "):" << failures_of(results);
        if (auto it = kKindChecks.find(rec.kind); it != kKindChecks.end()) {
            for (const auto& name : it->second) {
                EXPECT_NE(find_check(results, name), nullptr) << rec.name << ": check " << name << " did not run";
            }
        }
    }
}

TEST(CheckPlugin, ChecksAreDeterministic) {
    // Same plugin, same settings: the same verdicts and the same measured numbers.
    PluginHost host;
    host.scan({MTPC_PLUGIN_DIR});
    ASSERT_NE(host.find("radial-full"), nullptr);
    const auto a = conformance::check_plugin(host, "radial-full", settings_for("radial-full"));
    const auto b = conformance::check_plugin(host, "radial-full", settings_for("radial-full"));
    ASSERT_EQ(a.size(), b.size());
    for (size_t k = 0; k < a.size(); ++k) {
        EXPECT_EQ(a[k].name, b[k].name);
        EXPECT_EQ(a[k].detail, b[k].detail);
    }
}

TEST(CheckPlugin, WrongPullBackFailsExactlyThePullBackCheck) {
    PluginHost host;
    ASSERT_TRUE(host.load(kWrongPullBack)) << (host.failures().empty() ? "" : host.failures().back().reason);
    expect_only_failure(conformance::check_plugin(host, "fixture-wrong-pullback", {}), "radial.pull-back",
                        "finite differences");
}

TEST(CheckPlugin, AnOptionMissingFromTheSchemaFailsExactlyTheDocumentedCheck) {
    PluginHost host;
    ASSERT_TRUE(host.load(kUndocumentedOption)) << (host.failures().empty() ? "" : host.failures().back().reason);
    expect_only_failure(conformance::check_plugin(host, "fixture-undocumented-option", {}), "options.documented",
                        "does not document: n_basis");
}

TEST(CheckPluginCli, PassesABuiltInPluginWithStatusZero) {
    const auto r = run_command(check_plugin_command(std::string(MTPC_PLUGIN_DIR) + "/libmtpc_radial_full.so"));
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("PASS radial.pull-back"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(" 0 failed"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << r.out;
}

// issue 12: a plugin with required options is checked with its schema's example, so every shipped
// plugin passes `mtpc check-plugin FILE` as a plugin author would first run it.
TEST(CheckPluginCli, EveryShippedPluginPassesWithoutOptions) {
    for (const auto& e : fs::directory_iterator(MTPC_PLUGIN_DIR)) {
        if (e.path().extension() != ".so") continue;
        const auto r = run_command(check_plugin_command(e.path().string()));
        EXPECT_EQ(r.status, 0) << e.path() << ":\n" << r.out;
        EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << e.path() << ":\n" << r.out;
    }
}

TEST(CheckPluginCli, PassesOptionsThrough) {
    const std::string mf = std::string(MTPC_PLUGIN_DIR) + "/libmtpc_radial_mf.so";
    // radial-mf needs "rank": its schema's example gives 2, and --options overrides the example.
    const auto without = run_command(check_plugin_command(mf));
    EXPECT_NE(without.out.find(R"(Test options: {"n_basis":8,"n_funcs":4,"n_species":3,"rank":2})"), std::string::npos)
        << without.out;

    const auto with = run_command(check_plugin_command(mf, R"({"rank": 3})") + " --n-species 2 --n-funcs 3 --n-basis 5");
    EXPECT_EQ(with.status, 0) << with.out;
    EXPECT_NE(with.out.find(R"("rank":3)"), std::string::npos) << with.out;
    EXPECT_NE(with.out.find("C is 2x2x3x5 = 60 entries from 57 parameters"), std::string::npos) << with.out;
}

TEST(CheckPluginCli, WrongPullBackFailsNamingTheCheck) {
    const auto r = run_command(check_plugin_command(kWrongPullBack));
    EXPECT_NE(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("FAIL radial.pull-back "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("1 failed"), std::string::npos) << r.out;
}

TEST(CheckPluginCli, ReportsWhyAFileCannotBeLoaded) {
    const auto corrupt = run_command(check_plugin_command(kFixtures + "/corrupt/libmtpc_fixture_corrupt.so"));
    EXPECT_NE(corrupt.status, 0);
    EXPECT_NE(corrupt.out.find("no ELF header"), std::string::npos) << corrupt.out;

    const auto abi = run_command(check_plugin_command(kFixtures + "/wrong_abi/libmtpc_fixture_wrong_abi.so"));
    EXPECT_NE(abi.status, 0);
    EXPECT_NE(abi.out.find("ABI version"), std::string::npos) << abi.out;

    const auto missing = run_command(check_plugin_command(kFixtures + "/no/such/libmtpc_x.so"));
    EXPECT_NE(missing.status, 0);
    EXPECT_NE(missing.out.find("no such file"), std::string::npos) << missing.out;
}

TEST(CheckPluginCli, RejectsOptionsThatAreNotAJsonObject) {
    const auto r = run_command(check_plugin_command(std::string(MTPC_PLUGIN_DIR) + "/libmtpc_radial_full.so", "[1, 2]"));
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.out.find("--options: must be a JSON object"), std::string::npos) << r.out;
}

TEST(CheckPlugin, TestOptionsOverlayTheShapeExceptForOptimizers) {
    conformance::CheckSettings s;
    s.n_species = 2;
    s.extra_options_json = R"({"rank": 3, "n_funcs": 7})";
    mtpc::PluginRecord radial;
    radial.kind = MTPC_KIND_RADIAL_PARAMETERIZATION;
    EXPECT_EQ(conformance::test_options(radial, s), R"({"n_basis":8,"n_funcs":7,"n_species":2,"rank":3})");
    mtpc::PluginRecord optimizer;
    optimizer.kind = MTPC_KIND_OPTIMIZER;
    EXPECT_EQ(conformance::test_options(optimizer, s), R"({"n_funcs":7,"rank":3})");
    s.extra_options_json = "{not json";
    EXPECT_THROW(conformance::test_options(radial, s), mtpc::InputError);
}
