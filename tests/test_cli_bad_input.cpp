// `mtpc calc-efs` on bad input: one line naming the file and line, a non-zero exit, no crash and
// no (partial) output file -- for each kind of bad input the descriptor issue lists.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

using mtpc::test::run_command;

// A good 2-species potential (level 2: one basic moment) and a good configuration; each test
// breaks one thing.
const char* kPotential = R"(MTP
version = 1.1.0
potential_name = test
species_count = 2
potential_tag = 
radial_basis_type = RBChebyshev
	min_dist = 1.5
	max_dist = 4.5
	radial_basis_size = 3
	radial_funcs_count = 1
	radial_coeffs
		0-0
			{0.1, 0.2, 0.3}
		0-1
			{0.1, 0.2, 0.3}
		1-0
			{0.1, 0.2, 0.3}
		1-1
			{0.1, 0.2, 0.3}
alpha_moments_count = 1
alpha_index_basic_count = 1
alpha_index_basic = {{0, 0, 0, 0}}
alpha_index_times_count = 0
alpha_index_times = {}
alpha_scalar_moments = 1
alpha_moment_mapping = {0}
species_coeffs = {-1.0, -2.0}
moment_coeffs = {0.5}
)";

std::string configuration(const std::string& atoms, const std::string& size = "2") {
    return "BEGIN_CFG\n Size\n    " + size +
           "\n Supercell\n    5.0 0 0\n    0 5.0 0\n    0 0 5.0\n AtomData:  id type cartes_x cartes_y cartes_z\n" +
           atoms + "END_CFG\n";
}

class CliBadInput : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("mtpc_cli_bad_" + std::to_string(::getpid()) + "_" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        write("pot.mtp", kPotential);
        write("good.cfg", configuration("    1 0 0.0 0.0 0.0\n    2 1 1.5 1.0 0.5\n"));
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string write(const std::string& name, const std::string& text) {
        const auto p = (dir_ / name).string();
        std::ofstream(p) << text;
        return p;
    }
    /// Runs calc-efs and checks the common contract; returns the message.
    std::string expect_rejected(const std::string& pot, const std::string& cfg) {
        const std::string out = (dir_ / "out.cfg").string();
        const auto r = run_command(std::string(MTPC_EXE) + " calc-efs " + pot + " " + cfg + " " + out);
        EXPECT_NE(r.status, 0) << r.out;
        EXPECT_TRUE(r.exited) << "crashed: " << r.out;
        EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << "not one line: " << r.out;
        EXPECT_EQ(r.out.rfind("mtpc: error: ", 0), 0u) << r.out;
        EXPECT_FALSE(fs::exists(out)) << "partial output left behind";
        for (const auto& e : fs::directory_iterator(dir_))
            EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
        return r.out;
    }
    fs::path dir_;
};

}  // namespace

TEST_F(CliBadInput, GoodInputWorks) {
    const auto r = run_command(std::string(MTPC_EXE) + " calc-efs " + (dir_ / "pot.mtp").string() + " " +
                       (dir_ / "good.cfg").string() + " " + (dir_ / "out.cfg").string());
    EXPECT_EQ(r.status, 0) << r.out;
    EXPECT_TRUE(fs::exists(dir_ / "out.cfg"));
}

TEST_F(CliBadInput, MissingField) {
    const auto cfg = write("bad.cfg", "BEGIN_CFG\n Size\n    2\n    1 0 0.0 0.0 0.0\nEND_CFG\n");
    const auto msg = expect_rejected((dir_ / "pot.mtp").string(), cfg);
    EXPECT_NE(msg.find("bad.cfg:"), std::string::npos) << msg;
}

TEST_F(CliBadInput, TypeIndexBeyondSpeciesCount) {
    const auto cfg = write("bad.cfg", configuration("    1 0 0.0 0.0 0.0\n    2 5 1.5 1.0 0.5\n"));
    const auto msg = expect_rejected((dir_ / "pot.mtp").string(), cfg);
    EXPECT_NE(msg.find("bad.cfg:"), std::string::npos) << msg;
    EXPECT_NE(msg.find("type 5"), std::string::npos) << msg;
}

TEST_F(CliBadInput, NanCoordinate) {
    const auto cfg = write("bad.cfg", configuration("    1 0 0.0 nan 0.0\n    2 1 1.5 1.0 0.5\n"));
    const auto msg = expect_rejected((dir_ / "pot.mtp").string(), cfg);
    EXPECT_NE(msg.find("bad.cfg:9:"), std::string::npos) << msg;
}

TEST_F(CliBadInput, AtomsCloserThanOneTenthAngstrom) {
    const auto cfg = write("bad.cfg", configuration("    1 0 0.0 0.0 0.0\n    2 1 0.05 0.0 0.0\n"));
    const auto msg = expect_rejected((dir_ / "pot.mtp").string(), cfg);
    EXPECT_NE(msg.find("bad.cfg:1"), std::string::npos) << msg;
    EXPECT_NE(msg.find("atoms 1 and 2"), std::string::npos) << msg;
}

TEST_F(CliBadInput, PotentialWithInconsistentCounts) {
    std::string text = kPotential;
    text.replace(text.find("alpha_scalar_moments = 1"), 24, "alpha_scalar_moments = 2");
    const auto pot = write("bad.mtp", text);
    const auto msg = expect_rejected(pot, (dir_ / "good.cfg").string());
    EXPECT_NE(msg.find("bad.mtp:"), std::string::npos) << msg;
}

TEST_F(CliBadInput, MissingFiles) {
    expect_rejected((dir_ / "nonexistent.mtp").string(), (dir_ / "good.cfg").string());
    expect_rejected((dir_ / "pot.mtp").string(), (dir_ / "nonexistent.cfg").string());
}
