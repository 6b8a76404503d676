// Errors grouped by a configuration feature (`mtpc calc-errors --by-feature NAME`) and the warning
// for interatomic distances below a potential's min_dist (calc-efs, calc-errors).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "mtpc/io/cfg_io.hpp"
#include "mtpc/io/mtp_io.hpp"
#include "mtpc/mtp/basis_generator.hpp"
#include "mtpc/mtp/min_distance.hpp"
#include "mtpc/train/error_metrics.hpp"
#include "test_support.hpp"

namespace {

using mtpc::test::run_command;
using mtpc::test::TempDir;

// Feature values of the synthetic data set, in file order ("" = no `Feature source` line): two
// values interleaved with configurations that have none.
const std::vector<std::string> kSources = {"bulk", "", "surface", "bulk", "surface", "", "bulk"};

/// Teacher-labelled configurations with `Feature source` per kSources (one also has another
/// feature first, which must not be taken for `source`), written to `dir`/data.cfg; and a
/// different random MTP (`dir`/student.mtp) so that the errors are not zero.
struct SyntheticSet {
    std::string cfg, mtp;
};

SyntheticSet write_synthetic_set(const TempDir& dir) {
    std::mt19937_64 rng(2024);
    const mtpc::MtpModel teacher(mtpc::test::make_teacher_mtp(rng));
    auto cfgs = mtpc::test::make_teacher_configurations(teacher, int(kSources.size()), rng);
    for (std::size_t k = 0; k < cfgs.size(); ++k)
        if (!kSources[k].empty()) cfgs[k].features.emplace_back("source", kSources[k]);
    cfgs[0].features.insert(cfgs[0].features.begin(), {"origin", "teacher"});
    SyntheticSet s{(dir / "data.cfg").string(), (dir / "student.mtp").string()};
    mtpc::write_cfg(s.cfg, cfgs);
    mtpc::write_mtp(s.mtp, mtpc::test::make_teacher_mtp(rng));
    return s;
}

/// Σ over groups of `stat`'s rmse²·count equals the overall one (relative 1e-12); counts add up.
void expect_recombines(const mtpc::ErrorStat mtpc::ErrorReport::*stat, const mtpc::ErrorReport& overall,
                       const mtpc::FeatureErrors& by) {
    long count = 0;
    double sq = 0, abs = 0, max = 0;
    for (const auto& g : by.groups) {
        const mtpc::ErrorStat& s = g.report.*stat;
        count += s.count;
        sq += s.rmse * s.rmse * double(s.count);
        abs += s.mae * double(s.count);
        max = std::max(max, s.max);
    }
    const mtpc::ErrorStat& o = overall.*stat;
    ASSERT_GT(o.count, 0);
    EXPECT_EQ(count, o.count);
    const double osq = o.rmse * o.rmse * double(o.count);
    EXPECT_NEAR(sq, osq, 1e-12 * osq);
    EXPECT_NEAR(abs, o.mae * double(o.count), 1e-12 * o.mae * double(o.count));
    EXPECT_EQ(max, o.max);
}

std::string exe() { return std::string("'") + MTPC_EXE + "'"; }

/// `cmd` with its stdout into `file`, in a subshell so that run_command's own `2>&1` (appended
/// after it) keeps stderr apart: the result's output is then stderr alone.
std::string stdout_to(const std::string& cmd, const std::string& file) { return "( " + cmd + " > '" + file + "' )"; }

}  // namespace

TEST(ErrorsByFeature, GroupsRecombineToTheOverallReport) {
    const TempDir dir("mtpc_by_feature_");
    const SyntheticSet set = write_synthetic_set(dir);
    const mtpc::MtpModel model(mtpc::read_mtp(set.mtp));
    const auto cfgs = mtpc::read_cfg(set.cfg);
    const auto overall = mtpc::compute_errors(model, model.parameters(), cfgs, nullptr, 2, set.cfg);
    const auto by = mtpc::compute_errors_by_feature(model, model.parameters(), cfgs, nullptr, 2, set.cfg, "source");

    EXPECT_EQ(by.name, "source");
    ASSERT_EQ(by.groups.size(), 3u);
    // Order of first appearance; configurations without the feature form "(none)".
    EXPECT_EQ(by.groups[0].value, "bulk");
    EXPECT_EQ(by.groups[1].value, mtpc::kNoFeatureValue);
    EXPECT_EQ(by.groups[2].value, "surface");
    EXPECT_EQ(by.groups[0].report.configurations, 3);
    EXPECT_EQ(by.groups[1].report.configurations, 2);
    EXPECT_EQ(by.groups[2].report.configurations, 2);
    EXPECT_EQ(overall.configurations, 7);
    EXPECT_GT(overall.energy_per_atom.rmse, 0);
    expect_recombines(&mtpc::ErrorReport::energy_per_atom, overall, by);
    expect_recombines(&mtpc::ErrorReport::forces, overall, by);
    expect_recombines(&mtpc::ErrorReport::stress, overall, by);
}

TEST(ErrorsByFeature, DoesNotDependOnTheThreadCount) {
    const TempDir dir("mtpc_by_feature_");
    const SyntheticSet set = write_synthetic_set(dir);
    const mtpc::MtpModel model(mtpc::read_mtp(set.mtp));
    const auto cfgs = mtpc::read_cfg(set.cfg);
    const auto one = mtpc::compute_errors_by_feature(model, model.parameters(), cfgs, nullptr, 1, set.cfg, "source");
    const auto two = mtpc::compute_errors_by_feature(model, model.parameters(), cfgs, nullptr, 2, set.cfg, "source");
    EXPECT_EQ(one.to_json().dump(), two.to_json().dump());
}

TEST(ErrorsByFeature, AFeatureNobodyHasGivesOneNoneGroup) {
    const TempDir dir("mtpc_by_feature_");
    const SyntheticSet set = write_synthetic_set(dir);
    const mtpc::MtpModel model(mtpc::read_mtp(set.mtp));
    const auto cfgs = mtpc::read_cfg(set.cfg);
    const auto by = mtpc::compute_errors_by_feature(model, model.parameters(), cfgs, nullptr, 1, set.cfg, "absent");
    ASSERT_EQ(by.groups.size(), 1u);
    EXPECT_EQ(by.groups[0].value, mtpc::kNoFeatureValue);
    EXPECT_EQ(by.groups[0].report.to_json(),
              mtpc::compute_errors(model, model.parameters(), cfgs, nullptr, 1, set.cfg).to_json());
}

TEST(ErrorsByFeature, JsonHasTheOverallReportAndTheGroups) {
    const TempDir dir("mtpc_by_feature_");
    const SyntheticSet set = write_synthetic_set(dir);
    const std::string out = (dir / "out.json").string();
    const auto r = run_command(
        stdout_to(exe() + " calc-errors '" + set.mtp + "' '" + set.cfg + "' --json --by-feature source", out));
    ASSERT_EQ(r.status, 0) << r.out;
    const auto j = nlohmann::json::parse(mtpc::test::read_file(out));
    for (const char* key : {"configurations", "energy_per_atom_eV", "forces_eV_per_A", "stress_GPa"})
        EXPECT_TRUE(j.contains(key)) << key;
    EXPECT_EQ(j.at("configurations"), 7);
    ASSERT_TRUE(j.contains("by_feature"));
    const auto& by = j.at("by_feature");
    EXPECT_EQ(by.at("name"), "source");
    ASSERT_TRUE(by.at("groups").is_array());
    ASSERT_EQ(by.at("groups").size(), 3u);
    const std::vector<std::string> values = {"bulk", "(none)", "surface"};
    const std::vector<int> counts = {3, 2, 2};
    for (std::size_t g = 0; g < 3; ++g) {
        const auto& group = by.at("groups")[g];
        EXPECT_EQ(group.at("value"), values[g]);
        EXPECT_EQ(group.at("configurations"), counts[g]);
        // Every field of an ErrorReport, readable back as one.
        const auto report = mtpc::ErrorReport::from_json(group);
        EXPECT_EQ(report.configurations, counts[g]);
        EXPECT_GT(report.forces.rmse, 0);
        for (const char* key : {"rmse", "mae", "max", "count"})
            EXPECT_TRUE(group.at("energy_per_atom_eV").contains(key)) << key;
    }
    // Without --by-feature the JSON is the overall report alone, as before.
    const auto plain = run_command(stdout_to(exe() + " calc-errors '" + set.mtp + "' '" + set.cfg + "' --json", out));
    ASSERT_EQ(plain.status, 0) << plain.out;
    EXPECT_FALSE(nlohmann::json::parse(mtpc::test::read_file(out)).contains("by_feature"));
}

TEST(ErrorsByFeature, TextTableHasARowPerGroup) {
    const TempDir dir("mtpc_by_feature_");
    const SyntheticSet set = write_synthetic_set(dir);
    const auto r = run_command(exe() + " calc-errors '" + set.mtp + "' '" + set.cfg + "' --by-feature source");
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("configurations: 7"), std::string::npos) << r.out;  // the overall report first
    EXPECT_NE(r.out.find("errors by feature 'source'"), std::string::npos) << r.out;
    const auto bulk = r.out.find("\nbulk "), none = r.out.find("\n(none) "), surface = r.out.find("\nsurface ");
    ASSERT_NE(bulk, std::string::npos) << r.out;
    ASSERT_NE(none, std::string::npos) << r.out;
    ASSERT_NE(surface, std::string::npos) << r.out;
    EXPECT_LT(bulk, none);
    EXPECT_LT(none, surface);
}

TEST(ErrorsByFeature, ListsTheSourcesOfTheNbMoTaWTestSet) {
    const auto pot = mtpc::test::shared_path("reference/mlip2_fits/nbmotaw_train_tiny_l14.mtp");
    const auto test = mtpc::test::shared_path("data/nbmotaw/test.cfg");
    if (const auto missing = mtpc::test::missing_reference_data({pot, test})) GTEST_SKIP() << *missing;
    const TempDir dir("mtpc_by_feature_");
    const std::string out = (dir / "out.json").string();
    const std::string base = exe() + " calc-errors '" + pot.string() + "' '" + test.string() + "' --threads 2";
    const auto text = run_command(base + " --by-feature source");
    ASSERT_EQ(text.status, 0) << text.out;
    const std::vector<std::string> sources = {"Mo_Test",   "Nb_Test",  "Ta_Test",       "W_Test",
                                              "MoTa_Test", "MoW_Test", "NbMo_Test",     "NbTa_Test",
                                              "NbW_Test",  "TaW_Test", "Multinary_Test"};
    for (const auto& s : sources) EXPECT_NE(text.out.find("\n" + s + " "), std::string::npos) << s << "\n" << text.out;
    EXPECT_EQ(text.out.find("(none)"), std::string::npos) << text.out;  // every configuration has a source

    const auto json = run_command(stdout_to(base + " --json --by-feature source", out));
    ASSERT_EQ(json.status, 0) << json.out;
    const auto j = nlohmann::json::parse(mtpc::test::read_file(out));
    const auto& groups = j.at("by_feature").at("groups");
    EXPECT_EQ(groups.size(), sources.size());
    int total = 0;
    for (const auto& g : groups) total += g.at("configurations").get<int>();
    EXPECT_EQ(total, j.at("configurations").get<int>());
    EXPECT_EQ(total, 376);
}

// --- interatomic distances below min_dist -------------------------------------------------------

TEST(MinDistance, CheckCountsSmallestAndFirst) {
    const double inf = std::numeric_limits<double>::infinity();
    const auto c = mtpc::check_min_distance(std::vector<double>{2.0, 1.5, inf, 1.2, 1.9}, 1.9);
    EXPECT_EQ(c.configurations, 5);
    EXPECT_EQ(c.below, 2);  // 1.9 itself is not below
    EXPECT_EQ(c.smallest, 1.2);
    EXPECT_EQ(c.first_below, 2);
    EXPECT_EQ(c.warning("x.cfg"),
              "x.cfg: 2 of 5 configurations have interatomic distances below the potential's min_dist 1.9 A "
              "(smallest 1.2 A, first: configuration 2); the radial basis extrapolates there");
    const auto none = mtpc::check_min_distance(std::vector<double>{2.0, inf}, 1.9);
    EXPECT_EQ(none.below, 0);
    EXPECT_EQ(none.first_below, 0);
    EXPECT_EQ(none.warning("x.cfg"), "");
}

namespace {

/// A non-periodic pair of atoms `d` Å apart along x, with a reference energy and forces.
mtpc::Configuration pair_at(double d) {
    mtpc::Configuration c;
    c.types = {0, 0};
    c.ids = {1, 2};
    c.positions = {Eigen::Vector3d::Zero(), Eigen::Vector3d(d, 0, 0)};
    c.energy = -1.0;
    c.forces = {Eigen::Vector3d::Zero(), Eigen::Vector3d::Zero()};
    return c;
}

}  // namespace

TEST(MinDistance, FromNeighborListsAndFromConfigurations) {
    const std::vector<mtpc::Configuration> cfgs = {pair_at(2.5), pair_at(1.5), pair_at(1.7)};
    std::vector<mtpc::NeighborList> nls;
    for (const auto& c : cfgs) nls.emplace_back(c, 5.0);
    EXPECT_DOUBLE_EQ(mtpc::min_interatomic_distance(nls[0]), 2.5);
    EXPECT_EQ(mtpc::min_interatomic_distance(mtpc::NeighborList(cfgs[0], 2.0)),
              std::numeric_limits<double>::infinity());
    for (const auto& c : {mtpc::check_min_distance(nls, 1.9), mtpc::check_min_distance(cfgs, 1.9, 2, "x.cfg")}) {
        EXPECT_EQ(c.configurations, 3);
        EXPECT_EQ(c.below, 2);
        EXPECT_DOUBLE_EQ(c.smallest, 1.5);
        EXPECT_EQ(c.first_below, 2);
    }
}

TEST(MinDistance, CalcEfsAndCalcErrorsWarnOnceOnStderrAndCarryOn) {
    const TempDir dir("mtpc_min_dist_");
    const std::string pot = (dir / "pot.mtp").string();
    mtpc::write_mtp(pot, mtpc::make_untrained_mtp(2, 1, 1.9, 5.0, 4));
    const std::string close = (dir / "close.cfg").string(), far = (dir / "far.cfg").string();
    mtpc::write_cfg(close, {pair_at(2.5), pair_at(1.5), pair_at(2.0)});
    mtpc::write_cfg(far, {pair_at(2.5), pair_at(2.0)});
    const std::string expected =
        "close.cfg: 1 of 3 configurations has interatomic distances below the potential's min_dist 1.9 A "
        "(smallest 1.5 A, first: configuration 2); the radial basis extrapolates there";
    const std::string efs = exe() + " calc-efs '" + pot + "' ";
    const std::string errors = exe() + " calc-errors '" + pot + "' ";
    const std::string sink = (dir / "stdout").string();
    for (const std::string& cmd : {efs + "'" + close + "' '" + (dir / "out.cfg").string() + "'",
                                   errors + "'" + close + "'", errors + "'" + close + "' --json"}) {
        const auto r = run_command(stdout_to(cmd, sink));
        EXPECT_EQ(r.status, 0) << cmd << "\n" << r.out;
        EXPECT_NE(r.out.find("[warning] "), std::string::npos) << cmd << "\n" << r.out;
        EXPECT_NE(r.out.find(expected), std::string::npos) << cmd << "\n" << r.out;
        EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << cmd << "\n" << r.out;  // one line
    }
    EXPECT_EQ(mtpc::read_cfg((dir / "out.cfg").string()).size(), 3u);  // calc-efs still wrote everything
    for (const std::string& cmd :
         {efs + "'" + far + "' '" + (dir / "out2.cfg").string() + "'", errors + "'" + far + "'"}) {
        const auto r = run_command(stdout_to(cmd, sink));
        EXPECT_EQ(r.status, 0) << cmd << "\n" << r.out;
        EXPECT_EQ(r.out, "") << cmd;
    }
}
