// The SDK as a third party sees it: install only the SDK from this build tree into a prefix of
// its own (<build>/tests/sdk_out_of_tree/prefix), build a copy of sdk/examples/radial-cp against
// that prefix alone, load the result through MTPC_PLUGIN_PATH, pass `mtpc check-plugin`, and
// train and compress a tiny model with it.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

using mtpc::test::CommandResult;
using mtpc::test::run_command;

std::string q(const fs::path& p) { return "'" + p.string() + "'"; }

/// One install + build, shared by every test of the suite *and* every process: ctest runs each
/// test in its own process, so the work lives in a fixed directory of the build tree and later
/// processes only re-run the (then instant) incremental install and build.  An exclusive file
/// lock serialises processes that ctest -j starts at once.
class SdkOutOfTree : public ::testing::Test {
protected:
    static inline fs::path root, prefix, build, plugin;
    static inline CommandResult install, configure, compile;

    static void SetUpTestSuite() {
        root = fs::path(MTPC_BINARY_DIR) / "tests/sdk_out_of_tree";
        fs::create_directories(root);
        prefix = root / "prefix";
        build = root / "build";
        plugin = build / "libmtpc_radial_cp.so";
        const int lock = ::open((root / ".lock").c_str(), O_CREAT | O_RDWR, 0644);
        if (lock >= 0) ::flock(lock, LOCK_EX);

        // Only the "sdk" component: headers and the CMake package, nothing of the framework.
        // (Unchanged files are left alone, so a rebuild below recompiles nothing.)
        install = run_command("cmake --install " + q(MTPC_BINARY_DIR) + " --prefix " + q(prefix) + " --component sdk");
        if (install.status == 0) {
            // A copy of the example: it must not reach back into the mtpc source tree.
            const fs::path src = root / "radial-cp";
            fs::copy(fs::path(MTPC_SOURCE_DIR) / "sdk/examples/radial-cp", src,
                     fs::copy_options::recursive | fs::copy_options::update_existing);
            // CMAKE_PREFIX_PATH is the only place mtpc_sdk can come from (no package registry).
            configure = run_command("cmake -S " + q(src) + " -B " + q(build) + " -DCMAKE_PREFIX_PATH=" + q(prefix) +
                            " -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF -DCMAKE_BUILD_TYPE=Release");
            if (configure.status == 0) compile = run_command("cmake --build " + q(build) + " -j2");
        }
        if (lock >= 0) ::close(lock);  // releases the lock
    }
    void SetUp() override {
        ASSERT_EQ(install.status, 0) << install.out;
        ASSERT_EQ(configure.status, 0) << configure.out;
        ASSERT_EQ(compile.status, 0) << compile.out;
        ASSERT_TRUE(fs::exists(plugin)) << plugin << " was not built:\n" << compile.out;
    }
    static std::string mtpc(const std::string& args) {
        return "MTPC_PLUGIN_PATH=" + q(build) + " " + q(MTPC_EXE) + " " + args;
    }
};

}  // namespace

TEST_F(SdkOutOfTree, InstallsHeadersAndPackageOnly) {
    EXPECT_TRUE(fs::exists(prefix / "include/mtpc/sdk/sdk.hpp"));
    EXPECT_TRUE(fs::exists(prefix / "include/mtpc/sdk/abi.h"));
    const fs::path cmake_dir = prefix / "lib/cmake/mtpc_sdk";
    for (const char* f : {"mtpc_sdkConfig.cmake", "mtpc_sdkConfigVersion.cmake", "mtpc_sdkTargets.cmake",
                          "MtpcAddPlugin.cmake"})
        EXPECT_TRUE(fs::exists(cmake_dir / f)) << f;
    // The imported target depends on Eigen only: no Ceres, Boost or framework library leaks out.
    const std::string targets = mtpc::test::read_file(cmake_dir / "mtpc_sdkTargets.cmake");
    EXPECT_NE(targets.find("add_library(mtpc::sdk INTERFACE IMPORTED)"), std::string::npos) << targets;
    EXPECT_NE(targets.find("INTERFACE_LINK_LIBRARIES \"Eigen3::Eigen\""), std::string::npos) << targets;
    for (const char* leak : {"Ceres", "Boost", "mtpc_core", "spdlog", "fmt::"})
        EXPECT_EQ(targets.find(leak), std::string::npos) << leak;
    EXPECT_FALSE(fs::exists(prefix / "bin/mtpc")) << "the sdk component must not install the executable";
}

TEST(SdkInstall, FullInstallGivesAWorkingMtpcWithItsPlugins) {
    // `cmake --install` of the whole project: bin/mtpc finds <prefix>/lib/mtpc/plugins by itself.
    const fs::path prefix = fs::path(MTPC_BINARY_DIR) / "tests/full_install";
    fs::remove_all(prefix);
    const auto install = run_command("cmake --install " + q(MTPC_BINARY_DIR) + " --prefix " + q(prefix));
    ASSERT_EQ(install.status, 0) << install.out;
    ASSERT_TRUE(fs::exists(prefix / "bin/mtpc"));
    ASSERT_TRUE(fs::exists(prefix / "lib/cmake/mtpc_sdk/mtpc_sdkConfig.cmake"));
    const auto r = run_command("env -u MTPC_PLUGIN_PATH " + q(prefix / "bin/mtpc") + " plugins --strict");
    EXPECT_EQ(r.status, 0) << r.out;
    const std::string plugin_dir = (prefix / "lib/mtpc/plugins").string();
    EXPECT_NE(r.out.find(plugin_dir + "/libmtpc_radial_full.so"), std::string::npos) << r.out;
    // Every plugin the build made is installed and listed from the installed directory.
    for (const auto& e : fs::directory_iterator(MTPC_PLUGIN_DIR)) {
        EXPECT_TRUE(fs::exists(prefix / "lib/mtpc/plugins" / e.path().filename())) << e.path().filename();
        EXPECT_NE(r.out.find(plugin_dir + "/" + e.path().filename().string()), std::string::npos) << r.out;
    }
}

TEST_F(SdkOutOfTree, FindsTheSdkInTheTemporaryPrefixOnly) {
    const std::string cache = mtpc::test::read_file(build / "CMakeCache.txt");
    const std::string expected = "mtpc_sdk_DIR:PATH=" + (prefix / "lib/cmake/mtpc_sdk").string();
    EXPECT_NE(cache.find(expected), std::string::npos) << "CMakeCache.txt has no " << expected;
}

TEST_F(SdkOutOfTree, PluginFollowsTheNamingAndVisibilityRules) {
    // Only the two ABI symbols (and the SDK interfaces' typeinfo/vtables) are exported.
    const auto nm = run_command("nm -D --defined-only " + q(plugin));
    ASSERT_EQ(nm.status, 0) << nm.out;
    EXPECT_NE(nm.out.find(" mtpc_plugin_abi_version"), std::string::npos) << nm.out;
    EXPECT_NE(nm.out.find(" mtpc_plugin_info"), std::string::npos) << nm.out;
    EXPECT_EQ(nm.out.find("CpRadial"), std::string::npos) << "implementation symbols leak:\n" << nm.out;
    EXPECT_EQ(nm.out.find("fit_cp_als"), std::string::npos) << "implementation symbols leak:\n" << nm.out;
}

TEST_F(SdkOutOfTree, MtpcPluginsListsItFromMtpcPluginPath) {
    const auto r = run_command(mtpc("plugins --strict"));
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("radial-cp"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(plugin.string()), std::string::npos) << r.out;
}

TEST_F(SdkOutOfTree, PassesCheckPlugin) {
    for (const char* options : {R"({"rank": 1})", R"({"rank": 2})", R"({"rank": 5})"}) {
        const auto r = run_command(mtpc("check-plugin " + q(plugin) + " --options '" + options + "'"));
        EXPECT_EQ(r.status, 0) << options << "\n" << r.out;
        EXPECT_NE(r.out.find("PASS radial.pull-back "), std::string::npos) << r.out;
        EXPECT_NE(r.out.find("PASS radial.initialize-from "), std::string::npos) << r.out;
        EXPECT_NE(r.out.find(" 0 failed"), std::string::npos) << r.out;
    }
    // A different shape, and the parameter count R(2 N_T + N_f + N_b) = 3 (4 + 5 + 6) = 45.
    const auto r = run_command(mtpc("check-plugin " + q(plugin) + R"( --options '{"rank": 3}' --n-species 2 --n-funcs 5 --n-basis 6)"));
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("C is 2x2x5x6 = 120 entries from 45 parameters"), std::string::npos) << r.out;
}

namespace {
/// Loss column of row `row` (0: the start) of a run's learning_curve.csv.
double learning_curve_loss(const fs::path& csv, size_t row) {
    std::ifstream in(csv);
    std::string line;
    std::getline(in, line);  // header: step,optimizer,iteration,evaluations,loss,...
    for (size_t k = 0; k <= row; ++k)
        if (!std::getline(in, line)) throw std::runtime_error(csv.string() + ": fewer rows than expected");
    std::stringstream fields(line);
    std::string field;
    for (int column = 0; column <= 4; ++column) std::getline(fields, field, ',');
    return std::stod(field);
}

// No ridge: it is measured in units set by the start's radial functions, so a start compressed
// from a potential.mtp (not a parameters.json) would see a slightly different loss.
std::string manifest_text(const fs::path& train, const std::string& model, const std::string& radial_extra,
                          int iterations, const fs::path& output) {
    return R"({
  "species": ["Nb", "Mo", "Ta", "W"],
  "data": {"train": ")" + train.string() + R"("},
  "model": )" + model + R"(,
  "radial": {"plugin": "radial-cp", "options": {"rank": 2})" + radial_extra + R"(},
  "loss": {"energy_weight": 1.0, "force_weight": 0.01, "stress_weight": 0.0, "linear_l2": 0},
  "steps": [{"optimizer": "bfgs", "options": {"max_iterations": )" + std::to_string(iterations) + R"(}}],
  "seeds": [1],
  "threads": 1,
  "output": {"directory": ")" + output.string() + R"("}
})";
}
}  // namespace

TEST_F(SdkOutOfTree, TrainsAndCompressesATinyModelWithIt) {
    const fs::path data = mtpc::test::shared_path("data/nbmotaw/train_tiny.cfg");
    if (const auto missing = mtpc::test::missing_reference_data({data})) GTEST_SKIP() << *missing;
    // The first 6 configurations are plenty to see the loss go down.
    const fs::path train = root / "train.cfg";
    {
        std::ifstream in(data);
        std::ofstream out(train);
        std::string line;
        int configurations = 0;
        while (configurations < 6 && std::getline(in, line)) {
            out << line << '\n';
            if (line.rfind("END_CFG", 0) == 0) ++configurations;
        }
        ASSERT_EQ(configurations, 6);
    }

    // 1. Train from a random start, the plugin found through MTPC_PLUGIN_PATH.
    const fs::path runs = root / "runs", run_dir = runs / "base/seed-1";
    fs::remove_all(runs);  // a previous run's outputs must not satisfy this one's checks
    fs::remove_all(root / "runs-compressed");
    std::ofstream(root / "cp.json")
        << manifest_text(train, R"({"level": 6, "min_dist": 2.0, "max_dist": 5.0, "radial_basis_size": 8})", "", 15, runs);
    const auto r = run_command(mtpc("train " + q(root / "cp.json") + " --plain"));
    ASSERT_EQ(r.status, 0) << r.out;
    ASSERT_TRUE(fs::exists(run_dir / "potential.mtp")) << r.out;
    const auto metrics = nlohmann::json::parse(mtpc::test::read_file(run_dir / "metrics.json"));
    const auto& counts = metrics.at("counts");
    EXPECT_EQ(counts.at("radial_plugin"), "radial-cp");
    // CP's parameter count R (2 N_T + N_f + N_b) with R = 2, N_T = 4.
    EXPECT_EQ(counts.at("radial_parameters").get<int>(),
              2 * (2 * 4 + counts.at("radial_funcs_count").get<int>() + counts.at("radial_basis_size").get<int>()));
    const double start = learning_curve_loss(run_dir / "learning_curve.csv", 0);
    const double trained = metrics.at("final_loss").get<double>();
    EXPECT_LT(trained, 0.5 * start) << "training with radial-cp did not reduce the loss";

    // 2. Compress the trained potential with the same plugin (initialize_from = CP-ALS): its C has
    //    CP rank 2 already, so the compressed start reproduces the trained loss.
    const fs::path runs2 = root / "runs-compressed";
    std::ofstream(root / "cp-compress.json")
        << manifest_text(train, R"({"init_from": ")" + (run_dir / "potential.mtp").string() + R"("})",
                         R"(, "init": "compress")", 1, runs2);
    const auto r2 = run_command(mtpc("train " + q(root / "cp-compress.json") + " --plain"));
    ASSERT_EQ(r2.status, 0) << r2.out;
    const double compressed = learning_curve_loss(runs2 / "base/seed-1/learning_curve.csv", 0);
    EXPECT_NEAR(compressed, trained, 1e-8 * trained) << "CP-ALS compression of a rank-2 CP potential is not exact";
}
