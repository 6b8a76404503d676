// `mtpc calc-efs` on bad input: one line naming the file and line, a non-zero exit, no crash and
// no (partial) output file -- for each kind of bad input the descriptor issue lists.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <sys/stat.h>
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

// ---- issue 12: hostile input and output paths -----------------------------------------------

TEST_F(CliBadInput, EmptyConfigurationFileIsAnError) {
    const auto cfg = write("empty.cfg", "");
    const auto msg = expect_rejected((dir_ / "pot.mtp").string(), cfg);
    EXPECT_NE(msg.find("empty.cfg: holds no configurations"), std::string::npos) << msg;
    const auto r = run_command(std::string(MTPC_EXE) + " calc-errors " + (dir_ / "pot.mtp").string() + " " + cfg);
    EXPECT_NE(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("holds no configurations"), std::string::npos) << r.out;
}

TEST_F(CliBadInput, DuplicateAtomIdIsAnError) {
    const auto cfg = write("bad.cfg", configuration("    1 0 0.0 0.0 0.0\n    1 1 1.5 1.0 0.5\n"));
    const auto msg = expect_rejected((dir_ / "pot.mtp").string(), cfg);
    EXPECT_NE(msg.find("bad.cfg:10: AtomData: atom id 1 given twice"), std::string::npos) << msg;
}

TEST_F(CliBadInput, DuplicateSpeciesSymbolIsAnError) {
    const auto xyz = write("a.xyz", "2\nLattice=\"5 0 0 0 5 0 0 0 5\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\n"
                                    "Cu 0 0 0\nAu 1.5 1.0 0.5\n");
    const auto r = run_command(std::string(MTPC_EXE) + " calc-efs --species Cu,Au,Cu " + (dir_ / "pot.mtp").string() +
                               " " + xyz + " " + (dir_ / "out.cfg").string());
    EXPECT_NE(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("species 'Cu' given twice"), std::string::npos) << r.out;
}

TEST_F(CliBadInput, HugeCellsAreEvaluatedNotCrashed) {
    for (const std::string size : {"3e7", "1e8", "1e9"}) {
        const auto cfg = write("huge.cfg", "BEGIN_CFG\n Size\n    2\n Supercell\n    " + size + " 0 0\n    0 " + size +
                                               " 0\n    0 0 " + size +
                                               "\n AtomData:  id type cartes_x cartes_y cartes_z\n"
                                               "    1 0 0.0 0.0 0.0\n    2 1 " + size + " 0.0 1.5\nEND_CFG\n");
        const auto r = run_command(std::string(MTPC_EXE) + " calc-efs " + (dir_ / "pot.mtp").string() + " " + cfg + " " +
                                   (dir_ / "out.cfg").string());
        EXPECT_EQ(r.status, 0) << size << ": " << r.out;
    }
}

TEST_F(CliBadInput, CutoffThatCannotFitInMemoryIsAnErrorNotAHang) {
    std::string text = kPotential;
    text.replace(text.find("max_dist = 4.5"), 14, "max_dist = 1e6");
    const auto pot = write("far.mtp", text);
    const auto msg = expect_rejected(pot, (dir_ / "good.cfg").string());
    EXPECT_NE(msg.find("neighbours per atom"), std::string::npos) << msg;
}

TEST_F(CliBadInput, MisspeltPotentialKeyIsAnError) {
    std::string text = kPotential;
    text.replace(text.find("potential_tag"), 13, "scalling = 2\npotential_tag");
    const auto msg = expect_rejected(write("typo.mtp", text), (dir_ / "good.cfg").string());
    EXPECT_NE(msg.find("unknown key 'scalling' (did you mean 'scaling'?)"), std::string::npos) << msg;
}

TEST_F(CliBadInput, OutputsThatAreNotRegularFilesOrAreInputsAreRefused) {
    const std::string pot = (dir_ / "pot.mtp").string(), cfg = (dir_ / "good.cfg").string();
    const std::string before = mtpc::test::read_file(pot);
    const auto refused = [&](const std::string& out, const std::string& why) {
        const auto r = run_command(std::string(MTPC_EXE) + " calc-efs " + pot + " " + cfg + " " + out);
        EXPECT_NE(r.status, 0) << out << ": " << r.out;
        EXPECT_NE(r.out.find(why), std::string::npos) << out << ": " << r.out;
    };
    const fs::path fifo = dir_ / "fifo.cfg", link = dir_ / "link.cfg", target = dir_ / "target.cfg";
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    refused(fifo.string(), "it is a FIFO");
    EXPECT_EQ(fs::status(fifo).type(), fs::file_type::fifo);
    write("target.cfg", "keep");
    fs::create_symlink(target, link);
    refused(link.string(), "it is a symbolic link");
    EXPECT_EQ(mtpc::test::read_file(target), "keep");
    refused(pot, "is also an input");
    refused(cfg, "is also an input");
    EXPECT_EQ(mtpc::test::read_file(pot), before);
    const auto r = run_command(std::string(MTPC_EXE) + " init-mtp --level 2 --species 1 --min-dist 1 --max-dist 4 " +
                               fifo.string());
    EXPECT_NE(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("it is a FIFO"), std::string::npos) << r.out;
}

TEST_F(CliBadInput, FullStandardOutputIsAnError) {
    const std::vector<std::string> commands = {
        " plugins", " calc-errors --json " + (dir_ / "pot.mtp").string() + " " + (dir_ / "good.cfg").string()};
    for (const std::string& args : commands) {
        const auto r = run_command(std::string(MTPC_EXE) + args + " > /dev/full");
        EXPECT_NE(r.status, 0) << args;
    }
}

TEST_F(CliBadInput, ThreadCountOutOfRangeSaysTheRange) {
    const auto r = run_command(std::string(MTPC_EXE) + " calc-efs --threads 0 " + (dir_ / "pot.mtp").string() + " " +
                               (dir_ / "good.cfg").string() + " " + (dir_ / "out.cfg").string());
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.out.find("1 to 1024"), std::string::npos) << r.out;
    EXPECT_LT(r.out.size(), 200u) << r.out;
}
