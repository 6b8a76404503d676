// radial-full (θ = C) against the RadialParameterization conformance checks, plus its own facts.
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "FullRadial.hpp"
#include "mtpc/core/error.hpp"
#include "mtpc/plugin/plugin_host.hpp"
#include "radial_conformance.hpp"

namespace {

using mtpc::radial_full::FullRadial;
using mtpc::test::radial_conformance::Case;

std::shared_ptr<mtpc::sdk::RadialParameterization> make_full(const std::string& options) {
    return std::make_shared<FullRadial>(options);
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(
    Full, RadialConformance,
    ::testing::Values(
        // The low-rank paper's base model: N_T = 4, N_f = 4, N_b = 8 → 512 parameters.
        Case{"paper_base", make_full, R"({"n_species": 4, "n_funcs": 4, "n_basis": 8})", 512},
        Case{"single_species", make_full, R"({"n_species": 1, "n_funcs": 3, "n_basis": 5})", 15},
        Case{"ternary", make_full, R"({"n_species": 3, "n_funcs": 2, "n_basis": 6})", 108}),
    mtpc::test::radial_conformance::case_name);

TEST(RadialFull, MaterializeIsIdentityAndPullBackIsIdentity) {
    const FullRadial p(R"({"n_species": 2, "n_funcs": 3, "n_basis": 4})");
    const auto theta = mtpc::test::radial_conformance::uniform_vector(p.num_parameters(), 3);
    EXPECT_EQ(mtpc::test::radial_conformance::materialized(p, theta), theta);
    std::vector<double> g(theta.size());
    p.pull_back(theta.data(), theta.data(), g.data());
    EXPECT_EQ(g, theta);
}

TEST(RadialFull, RejectsUnknownOption) {
    try {
        FullRadial(R"({"n_species": 2, "n_funcs": 3, "n_basis": 4, "rank": 2})");
        FAIL() << "an unknown key was accepted";
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find("'rank'"), std::string::npos) << e.what();
    }
}

// The same plugin loaded from its own shared library through the host (dlopen, ABI and fingerprint
// checks, create/destroy across the boundary) must pass the same conformance checks and compute
// bit-identically to the directly linked class; bad options come back as an InputError.
TEST(RadialPluginLibrary, radial_full_PassesConformanceThroughThePluginHost) {
    const std::string library = std::string(MTPC_PLUGIN_DIR) + "/libmtpc_radial_full.so";
    if (!std::filesystem::exists(library)) GTEST_SKIP() << "plugin library not built: " << library;
    mtpc::test::radial_conformance::check_through_plugin_host(
        {library, "radial-full", make_full, R"({"n_species": 4, "n_funcs": 4, "n_basis": 8})", 512,
         R"({"n_species": 0, "n_funcs": 4, "n_basis": 8})", "'n_species'"});
}
