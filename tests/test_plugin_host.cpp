// PluginHost: loads the real plugins from their own .so files, and skips every kind of bad plugin
// with a one-line reason instead of crashing.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include <sys/stat.h>
#include <unistd.h>

#include "mtpc/core/error.hpp"
#include "mtpc/plugin/plugin_host.hpp"
#include "mtpc/sdk/abi.h"
#include "test_support.hpp"

namespace fs = std::filesystem;
using mtpc::PluginHost;

namespace {

/// The wrong_abi fixture declares this mtpc's ABI version + 998 (tests/fixtures/wrong_abi.cpp).
const std::string kWrongAbiReason = "ABI version " + std::to_string(MTPC_PLUGIN_ABI_VERSION + 998u);
const std::string kFixtures = MTPC_TEST_FIXTURE_DIR;

const mtpc::PluginLoadFailure* failure_for(const PluginHost& host, const std::string& needle) {
    for (const auto& f : host.failures())
        if (f.path.find(needle) != std::string::npos) return &f;
    return nullptr;
}

using mtpc::test::run_command;
}  // namespace

TEST(PluginHost, LoadsEveryBuiltInPluginFromItsOwnLibrary) {
    PluginHost host;
    host.scan({MTPC_PLUGIN_DIR});
    EXPECT_TRUE(host.failures().empty()) << host.failures().front().path << ": " << host.failures().front().reason;
    const auto* full = host.find("radial-full");
    ASSERT_NE(full, nullptr);
    EXPECT_EQ(full->kind, MTPC_KIND_RADIAL_PARAMETERIZATION);
    EXPECT_NE(full->path.find("libmtpc_radial_full.so"), std::string::npos);
    // Every file in the plugin directory is a distinct plugin (one .so per plugin).
    size_t files = 0;
    for (const auto& e : fs::directory_iterator(MTPC_PLUGIN_DIR)) files += e.path().extension() == ".so";
    EXPECT_EQ(files, host.plugins().size());
}

TEST(PluginHost, CreatesWorkingObjectsThatOutliveTheHost) {
    mtpc::PluginPtr<mtpc::sdk::RadialParameterization> p;
    {
        PluginHost host;
        host.scan({MTPC_PLUGIN_DIR});
        p = host.create<mtpc::sdk::RadialParameterization>("radial-full",
                                                           R"({"n_species":2,"n_funcs":3,"n_basis":4})");
    }  // host gone: the object's deleter keeps the library loaded
    ASSERT_TRUE(p);
    EXPECT_EQ(p->num_parameters(), 2 * 2 * 3 * 4);
    std::vector<double> theta(p->num_parameters()), C(p->num_parameters());
    p->initialize_random(7, 0.5, theta.data());
    p->materialize(theta.data(), C.data());
    EXPECT_EQ(C, theta);
    EXPECT_NE(p->options_json().find("\"n_funcs\":3"), std::string::npos);
}

TEST(PluginHost, BadOptionsAreReportedByName) {
    PluginHost host;
    host.scan({MTPC_PLUGIN_DIR});
    try {
        host.create<mtpc::sdk::RadialParameterization>("radial-full", R"({"n_species":2,"n_funcs":3,"n_basis":4,"rnak":2})");
        FAIL() << "expected InputError";
    } catch (const mtpc::InputError& e) {
        EXPECT_NE(std::string(e.what()).find("unknown option 'rnak'"), std::string::npos) << e.what();
    }
}

TEST(PluginHost, WrongKindIsRejected) {
    PluginHost host;
    host.scan({MTPC_PLUGIN_DIR});
    EXPECT_THROW(host.create<mtpc::sdk::Optimizer>("radial-full", "{}"), mtpc::InputError);
}

TEST(PluginHost, WrongAbiVersionIsSkippedWithReason) {
    PluginHost host;
    host.scan({kFixtures + "/wrong_abi"});
    EXPECT_TRUE(host.plugins().empty());
    const auto* f = failure_for(host, "wrong_abi");
    ASSERT_NE(f, nullptr);
    EXPECT_NE(f->reason.find(kWrongAbiReason), std::string::npos) << f->reason;
}

TEST(PluginHost, WrongFingerprintIsSkippedWithReason) {
    PluginHost host;
    host.scan({kFixtures + "/wrong_fingerprint"});
    EXPECT_TRUE(host.plugins().empty());
    const auto* f = failure_for(host, "wrong_fingerprint");
    ASSERT_NE(f, nullptr);
    EXPECT_NE(f->reason.find("build fingerprint"), std::string::npos) << f->reason;
}

TEST(PluginHost, CorruptFileIsSkippedWithReason) {
    PluginHost host;
    host.scan({kFixtures + "/corrupt"});
    const auto* f = failure_for(host, "corrupt");
    ASSERT_NE(f, nullptr);
    EXPECT_NE(f->reason.find("not a shared library"), std::string::npos) << f->reason;
}

// Files on the plugin path that dlopen must never see (issue 12): a FIFO (open blocks for ever), a
// truncated library (mapping past its end is a bus error), a directory and a symbolic link loop.
TEST(PluginHost, FilesThatAreNotLibrariesAreSkippedWithoutBlockingOrCrashing) {
    const mtpc::test::TempDir dir("mtpc_hostile_plugins_");
    const fs::path fifo = dir.path() / "libmtpc_fifo.so", truncated = dir.path() / "libmtpc_trunc.so",
                   directory = dir.path() / "libmtpc_dir.so", loop = dir.path() / "libmtpc_loop.so";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    {
        std::ifstream in(std::string(MTPC_PLUGIN_DIR) + "/libmtpc_radial_mf.so", std::ios::binary);
        std::string head(20000, '\0');
        in.read(head.data(), std::streamsize(head.size()));
        std::ofstream(truncated, std::ios::binary).write(head.data(), in.gcount());
    }
    fs::create_directory(directory);
    fs::create_symlink(loop, loop);
    PluginHost host;
    host.scan({dir.path().string(), loop.string()});
    EXPECT_TRUE(host.plugins().empty());
    const std::pair<fs::path, std::string> expected[] = {{fifo, "(a FIFO)"},
                                                         {truncated, "truncated or corrupt ELF file"},
                                                         {directory, "(a directory)"},
                                                         {loop, "cannot examine"}};
    for (const auto& [file, reason] : expected) {
        const auto* f = failure_for(host, file.filename().string());
        ASSERT_NE(f, nullptr) << file << " not reported";
        EXPECT_NE(f->reason.find(reason), std::string::npos) << file << ": " << f->reason;
    }
}

TEST(PluginHost, LibraryWithoutSymbolsIsSkippedWithReason) {
    PluginHost host;
    host.scan({kFixtures + "/no_symbols"});
    const auto* f = failure_for(host, "no_symbols");
    ASSERT_NE(f, nullptr);
    EXPECT_NE(f->reason.find("missing symbol mtpc_plugin_abi_version"), std::string::npos) << f->reason;
}

TEST(PluginHost, ThrowingCreateIsReportedNotFatal) {
    PluginHost host;
    host.scan({kFixtures + "/throws_in_create"});
    ASSERT_NE(host.find("fixture-throws"), nullptr);
    try {
        host.create<mtpc::sdk::RadialParameterization>("fixture-throws", "{}");
        FAIL() << "expected InputError";
    } catch (const mtpc::InputError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("refusing to be created"), std::string::npos) << msg;
        EXPECT_EQ(msg.find('\n'), std::string::npos) << "message must be one line: " << msg;
    }
    ASSERT_FALSE(host.failures().empty());
    EXPECT_NE(host.failures().back().reason.find("create failed"), std::string::npos);
}

TEST(PluginHost, MissingPluginIsReportedByName) {
    // Copy the plugin directory, remove one plugin file: the host runs and reports it missing.
    const fs::path dir = fs::temp_directory_path() / ("mtpc_missing_plugin_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (const auto& e : fs::directory_iterator(MTPC_PLUGIN_DIR))
        if (e.path().filename() != "libmtpc_radial_full.so") fs::copy_file(e.path(), dir / e.path().filename());
    PluginHost host;
    host.scan({dir.string()});
    EXPECT_EQ(host.find("radial-full"), nullptr);
    try {
        host.create<mtpc::sdk::RadialParameterization>("radial-full", "{}");
        FAIL() << "expected InputError";
    } catch (const mtpc::InputError& e) {
        EXPECT_NE(std::string(e.what()).find("unknown plugin 'radial-full'"), std::string::npos) << e.what();
    }
    fs::remove_all(dir);
}

TEST(PluginHost, SearchPathOrderIsManifestThenEnvironmentThenBundled) {
    ::setenv("MTPC_PLUGIN_PATH", "/env/a:/env/b", 1);
    const auto path = PluginHost::search_path({"/manifest/x"});
    ::unsetenv("MTPC_PLUGIN_PATH");
    ASSERT_GE(path.size(), 4u);
    EXPECT_EQ(path[0], "/manifest/x");
    EXPECT_EQ(path[1], "/env/a");
    EXPECT_EQ(path[2], "/env/b");
    EXPECT_EQ(path.back(), PluginHost::bundled_plugin_dir());
}

TEST(PluginHost, EarlierPathEntryWinsOnDuplicateNames) {
    const fs::path dir = fs::temp_directory_path() / ("mtpc_dup_plugin_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::copy_file(fs::path(MTPC_PLUGIN_DIR) / "libmtpc_radial_full.so", dir / "libmtpc_radial_full.so");
    PluginHost host;
    // The same file twice is harmless; a second copy of the same name later on the path is noted.
    host.scan({dir.string(), (dir / "libmtpc_radial_full.so").string(), MTPC_PLUGIN_DIR});
    const auto* rec = host.find("radial-full");
    ASSERT_NE(rec, nullptr);
    EXPECT_EQ(fs::path(rec->path).parent_path(), dir);
    const auto* f = failure_for(host, std::string(MTPC_PLUGIN_DIR) + "/libmtpc_radial_full.so");
    ASSERT_NE(f, nullptr);
    EXPECT_NE(f->reason.find("already loaded from"), std::string::npos) << f->reason;
    EXPECT_EQ(host.failures().size(), 1u);
    fs::remove_all(dir);
}

// --- the executable ----------------------------------------------------------------------------

TEST(PluginHostCli, ExecutableLinksNoPlugin) {
    const auto r = run_command("readelf -d " MTPC_EXE);
    ASSERT_EQ(r.status, 0) << r.out;
    EXPECT_EQ(r.out.find("libmtpc_"), std::string::npos) << r.out;
}

TEST(PluginHostCli, PluginsCommandListsPluginsAndFailures) {
    const std::string all_bad = kFixtures + "/wrong_abi:" + kFixtures + "/wrong_fingerprint:" + kFixtures +
                                "/corrupt:" + kFixtures + "/no_symbols:" + kFixtures + "/throws_in_create";
    const auto r = run_command("MTPC_PLUGIN_PATH=" + all_bad + " " MTPC_EXE " plugins");
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("radial-full"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("libmtpc_radial_full.so"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("fixture-throws"), std::string::npos) << r.out;
    for (const std::string reason : {kWrongAbiReason, std::string("build fingerprint"), std::string("not a shared library"),
                                      std::string("missing symbol")})
        EXPECT_NE(r.out.find(reason), std::string::npos) << reason << "\n" << r.out;
    const auto strict = run_command("MTPC_PLUGIN_PATH=" + all_bad + " " MTPC_EXE " plugins --strict");
    EXPECT_NE(strict.status, 0);
}

TEST(PluginHostCli, VersionFlag) {
    const auto r = run_command(MTPC_EXE " --version");
    EXPECT_EQ(r.status, 0);
    EXPECT_NE(r.out.find("mtpc " MTPC_VERSION), std::string::npos) << r.out;
}
