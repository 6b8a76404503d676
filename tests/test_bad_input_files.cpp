// A corpus of malformed .cfg and .mtp files, each derived from a good file by one edit: every one
// must be rejected with a one-line InputError "FILE:LINE: ..." naming the offending line.  Also:
// failed writes leave nothing behind and never damage an existing file.
#include <gtest/gtest.h>

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

#include "mtpc/core/atomic_file.hpp"
#include "mtpc/core/error.hpp"
#include "mtpc/io/cfg_io.hpp"
#include "mtpc/io/mtp_io.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

using Lines = std::vector<std::string>;

std::string join(const Lines& lines) {
    std::string out;
    for (const std::string& l : lines) out += l + "\n";
    return out;
}

// Line numbers in the comments are 1-based, as in the error messages.
const Lines kGoodCfg = {
    "BEGIN_CFG",                                                        // 1
    " Size",                                                            // 2
    "    2",                                                            // 3
    " Supercell",                                                       // 4
    "    3.0 0.0 0.0",                                                  // 5
    "    0.0 3.0 0.0",                                                  // 6
    "    0.0 0.0 3.0",                                                  // 7
    " AtomData:  id type cartes_x cartes_y cartes_z fx fy fz",          // 8
    "    1 0 0.0 0.0 0.0 0.1 0.2 0.3",                                  // 9
    "    2 1 1.5 1.5 1.5 -0.1 -0.2 -0.3",                               // 10
    " Energy",                                                          // 11
    "    -7.25",                                                        // 12
    " PlusStress:  xx yy zz yz xz xy",                                  // 13
    "    1 2 3 4 5 6",                                                  // 14
    " Feature   source good",                                           // 15
    "END_CFG",                                                          // 16
    "",                                                                 // 17
    "BEGIN_CFG",                                                        // 18
    " Size",                                                            // 19
    "    1",                                                            // 20
    " AtomData:  id type cartes_x cartes_y cartes_z",                   // 21
    "    1 0 0.5 0.5 0.5",                                              // 22
    " Energy",                                                          // 23
    "    -1.0",                                                         // 24
    "END_CFG",                                                          // 25
};

const Lines kGoodMtp = {
    "MTP",                                  // 1
    "version = 1.1.0",                      // 2
    "potential_name = tiny",                // 3
    "scaling = 0.5",                        // 4
    "species_count = 2",                    // 5
    "potential_tag = ",                     // 6
    "radial_basis_type = RBChebyshev",      // 7
    "\tmin_dist = 1.0",                     // 8
    "\tmax_dist = 4.5",                     // 9
    "\tradial_basis_size = 2",              // 10
    "\tradial_funcs_count = 1",             // 11
    "\tradial_coeffs",                      // 12
    "\t\t0-0",                              // 13
    "\t\t\t{0.1, 0.2}",                     // 14
    "\t\t0-1",                              // 15
    "\t\t\t{0.3, 0.4}",                     // 16
    "\t\t1-0",                              // 17
    "\t\t\t{0.5, 0.6}",                     // 18
    "\t\t1-1",                              // 19
    "\t\t\t{0.7, 0.8}",                     // 20
    "alpha_moments_count = 2",              // 21
    "alpha_index_basic_count = 1",          // 22
    "alpha_index_basic = {{0, 0, 0, 0}}",   // 23
    "alpha_index_times_count = 1",          // 24
    "alpha_index_times = {{0, 0, 1, 1}}",   // 25
    "alpha_scalar_moments = 2",             // 26
    "alpha_moment_mapping = {0, 1}",        // 27
    "species_coeffs = {-1.5, -2.5}",        // 28
    "moment_coeffs = {3.0, 4.0}",           // 29
};

/// One malformed file: how to derive it from the good one, and the line the error must name
/// (0: the message names only the file, e.g. a key missing altogether).
struct BadCase {
    std::string name;
    std::function<void(Lines&)> edit;
    long line;
};

// Edits (1-based line numbers, like the expectations).
std::function<void(Lines&)> set(int line, std::string text) {
    return [line, text](Lines& l) { l.at(static_cast<std::size_t>(line - 1)) = text; };
}
std::function<void(Lines&)> erase(int first, int last) {
    return [first, last](Lines& l) { l.erase(l.begin() + (first - 1), l.begin() + last); };
}
std::function<void(Lines&)> insert_before(int line, std::string text) {
    return [line, text](Lines& l) { l.insert(l.begin() + (line - 1), text); };
}

const std::vector<BadCase> kBadCfgs = {
    {"atomdata_before_size", erase(2, 3), 6},
    {"missing_last_end_cfg", erase(25, 25), 18},
    {"missing_first_end_cfg", erase(16, 16), 17},
    {"fewer_rows_than_size", set(3, "    3"), 11},
    {"fewer_rows_at_eof", [](Lines& l) { l.resize(22); l[19] = "    2"; }, 22},
    {"more_rows_than_size", insert_before(11, "    3 0 1 1 1 0 0 0"), 11},
    {"row_missing_column", set(10, "    2 1 1.5 1.5 1.5 -0.1 -0.2"), 10},
    {"row_extra_column", set(10, "    2 1 1.5 1.5 1.5 -0.1 -0.2 -0.3 9"), 10},
    {"header_missing_cartes_z", set(8, " AtomData:  id type cartes_x cartes_y fx fy fz"), 8},
    {"header_missing_fz", set(8, " AtomData:  id type cartes_x cartes_y cartes_z fx fy"), 8},
    {"header_duplicate_column", set(8, " AtomData:  id type cartes_x cartes_y cartes_z fx fy fx"), 8},
    {"non_numeric_coordinate", set(9, "    1 0 abc 0.0 0.0 0.1 0.2 0.3"), 9},
    {"nan_coordinate", set(9, "    1 0 nan 0.0 0.0 0.1 0.2 0.3"), 9},
    {"inf_coordinate", set(9, "    1 0 0.0 -inf 0.0 0.1 0.2 0.3"), 9},
    {"inf_force", set(10, "    2 1 1.5 1.5 1.5 -0.1 -0.2 inf"), 10},
    {"overflowing_number", set(10, "    2 1 1.5 1.5 1.5 -0.1 -0.2 1e999"), 10},
    {"trailing_garbage_coordinate", set(10, "    2 1 1.5x 1.5 1.5 -0.1 -0.2 -0.3"), 10},
    {"trailing_garbage_energy", set(12, "    -7.25abc"), 12},
    {"two_energy_values", set(12, "    -7.25 1"), 12},
    {"negative_type", set(10, "    2 -1 1.5 1.5 1.5 -0.1 -0.2 -0.3"), 10},
    {"fractional_type", set(9, "    1 0.5 0.0 0.0 0.0 0.1 0.2 0.3"), 9},
    {"fractional_id", set(9, "    1.0 0 0.0 0.0 0.0 0.1 0.2 0.3"), 9},
    {"two_row_supercell", erase(7, 7), 7},
    {"zero_volume_supercell", set(7, "    3.0 0.0 0.0"), 4},
    {"supercell_row_garbage", set(6, "    0.0 3.0 zero"), 6},
    {"non_integer_size", set(3, "    2.5"), 3},
    {"negative_size", set(3, "    -1"), 3},
    {"plus_stress_five_numbers", set(14, "    1 2 3 4 5"), 14},
    {"plus_stress_bad_header", set(13, " PlusStress:  xx yy zz yz xz xx"), 13},
    {"duplicate_energy", insert_before(13, " Energy -7"), 13},
    {"text_outside_blocks", insert_before(17, "hello"), 17},
    {"block_without_size", erase(19, 22), 18},
    {"size_without_atomdata", erase(21, 22), 23},
    {"direct_without_supercell", [](Lines& l) { l[20] = " AtomData:  id type direct_x direct_y direct_z"; }, 21},
    {"feature_without_name", set(15, " Feature"), 15},
};

const std::vector<BadCase> kBadMtps = {
    {"not_mtp", set(1, "MPT"), 1},
    {"old_version", set(2, "version = 1.0.2"), 2},
    {"species_count_text", set(5, "species_count = two"), 5},
    {"species_count_zero", set(5, "species_count = 0"), 5},
    {"duplicate_key", insert_before(6, "species_count = 2"), 6},
    {"other_radial_basis", set(7, "radial_basis_type = RBShapeev"), 7},
    {"min_dist_garbage", set(8, "\tmin_dist = 1.0.0"), 8},
    {"max_below_min", set(9, "\tmax_dist = 0.5"), 9},
    {"max_equals_min", set(9, "\tmax_dist = 1.0"), 9},
    {"radial_basis_size_mismatch", set(10, "\tradial_basis_size = 3"), 14},
    {"radial_row_three_numbers", set(16, "\t\t\t{0.3, 0.4, 0.5}"), 16},
    {"radial_row_garbage", set(14, "\t\t\t{0.1, x}"), 14},
    {"radial_row_nan", set(18, "\t\t\t{nan, 0.6}"), 18},
    {"radial_pair_out_of_range", set(17, "\t\t2-0"), 17},
    {"radial_pair_twice", set(17, "\t\t0-1"), 17},
    {"radial_pair_missing", erase(19, 20), 12},
    {"radial_extra_row", insert_before(15, "\t\t\t{0.9, 1.0}"), 15},
    {"radial_missing_row", erase(16, 16), 16},
    {"radial_before_counts", erase(11, 11), 11},
    {"basic_count_mismatch", set(22, "alpha_index_basic_count = 2"), 23},
    {"basic_mu_too_large", set(23, "alpha_index_basic = {{1, 0, 0, 0}}"), 23},
    {"basic_three_numbers", set(23, "alpha_index_basic = {{0, 0, 0}}"), 23},
    {"times_count_mismatch", set(24, "alpha_index_times_count = 0"), 25},
    {"times_target_basic", set(25, "alpha_index_times = {{0, 0, 1, 0}}"), 25},
    {"times_index_too_large", set(25, "alpha_index_times = {{0, 7, 1, 1}}"), 25},
    {"times_not_a_list", set(25, "alpha_index_times = 0, 0, 1, 1"), 25},
    {"scalar_count_mismatch", set(26, "alpha_scalar_moments = 3"), 27},
    {"mapping_too_large", set(27, "alpha_moment_mapping = {0, 5}"), 27},
    {"mapping_trailing_garbage", set(27, "alpha_moment_mapping = {0, 1} x"), 27},
    {"mapping_fraction", set(27, "alpha_moment_mapping = {0, 1.5}"), 27},
    {"species_coeffs_short", set(28, "species_coeffs = {-1.5}"), 28},
    {"moment_coeffs_long", set(29, "moment_coeffs = {3.0, 4.0, 5.0}"), 29},
    {"moment_coeffs_inf", set(29, "moment_coeffs = {3.0, inf}"), 29},
    {"moment_coeffs_unclosed", set(29, "moment_coeffs = {3.0, 4.0"), 29},
    {"moment_coeffs_without_species", erase(28, 28), 28},
    {"missing_alpha_moments_count", erase(21, 21), 0},
    // issue 12: a misspelt key would silently leave the default in place (MLIP-2 rejects it too)
    {"unknown_key_scalling", set(4, "scalling = 0.5"), 4},
    {"stray_text_line", insert_before(21, "hello"), 21},
    // issue 12: sizes bounded by the file's own contents or by what memory can hold
    {"alpha_moments_count_huge", set(21, "alpha_moments_count = 1000000000"), 21},
    {"alpha_moments_count_undefined_moment", set(21, "alpha_moments_count = 1000000"), 21},
    {"species_count_huge", set(5, "species_count = 1000000"), 5},
    {"radial_basis_size_huge", set(10, "\tradial_basis_size = 1000000000"), 10},
    {"empty_file", [](Lines& l) { l.clear(); }, 0},
};

/// Writes the edited good file and checks the reader's complaint.
template <class Reader>
void check_corpus(const Lines& good, const std::vector<BadCase>& cases, const std::string& ext, Reader read) {
    const mtpc::test::TempDir dir("mtpc_test_bad_");
    {  // the unedited file is accepted
        const fs::path p = dir.path() / ("good" + ext);
        std::ofstream(p, std::ios::binary) << join(good);
        EXPECT_NO_THROW(read(p.string()));
    }
    for (const BadCase& c : cases) {
        Lines lines = good;
        c.edit(lines);
        const fs::path p = dir.path() / (c.name + ext);
        std::ofstream(p, std::ios::binary) << join(lines);
        try {
            read(p.string());
            ADD_FAILURE() << c.name << ": accepted";
        } catch (const mtpc::InputError& e) {
            const std::string msg = e.what();
            const std::string prefix = p.string() + (c.line > 0 ? ":" + std::to_string(c.line) : std::string()) + ": ";
            EXPECT_EQ(msg.rfind(prefix, 0), 0u) << c.name << ": expected prefix '" << prefix << "', got: " << msg;
            EXPECT_GT(msg.size(), prefix.size() + 5) << c.name << ": no explanation: " << msg;
            EXPECT_EQ(msg.find('\n'), std::string::npos) << c.name << ": not one line: " << msg;
        } catch (const std::exception& e) {
            ADD_FAILURE() << c.name << ": not an InputError: " << e.what();
        }
    }
}

}  // namespace

TEST(BadInputFiles, MalformedCfgFilesAreRejectedWithFileAndLine) {
    check_corpus(kGoodCfg, kBadCfgs, ".cfg", [](const std::string& p) { return mtpc::read_cfg(p); });
}

TEST(BadInputFiles, MalformedMtpFilesAreRejectedWithFileAndLine) {
    check_corpus(kGoodMtp, kBadMtps, ".mtp", [](const std::string& p) { return mtpc::read_mtp(p); });
}

TEST(BadInputFiles, WritingIntoAMissingDirectoryThrowsAndCreatesNothing) {
    const mtpc::test::TempDir dir("mtpc_test_bad_");
    std::istringstream cfg_text(join(kGoodCfg)), mtp_text(join(kGoodMtp));
    const auto cfgs = mtpc::read_cfg(cfg_text, "good.cfg");
    const auto pot = mtpc::read_mtp(mtp_text, "good.mtp");
    const fs::path missing = dir.path() / "no_such_dir";
    EXPECT_THROW(mtpc::write_cfg((missing / "out.cfg").string(), cfgs), mtpc::InputError);
    EXPECT_THROW(mtpc::write_mtp((missing / "out.mtp").string(), pot), mtpc::InputError);
    EXPECT_FALSE(fs::exists(missing));
    EXPECT_EQ(dir.entries(), 0u);
}

TEST(BadInputFiles, FailedWritesKeepTheOldFile) {
    const mtpc::test::TempDir dir("mtpc_test_bad_");
    const fs::path target = dir.path() / "keep.mtp";
    const std::string old_content = join(kGoodMtp);
    std::ofstream(target, std::ios::binary) << old_content;

    // A writer that throws half-way: the old file is intact and no temporary is left.
    EXPECT_THROW(mtpc::write_file_atomically(target.string(),
                                             [](std::ostream& out) {
                                                 out << "partial content";
                                                 throw std::runtime_error("writer failed");
                                             }),
                 std::runtime_error);
    EXPECT_EQ(mtpc::test::read_file(target), old_content);
    EXPECT_EQ(dir.entries(), 1u);

    // An invalid potential is refused before the file is touched.
    std::istringstream mtp_text(old_content);
    mtpc::MtpPotential bad = mtpc::read_mtp(mtp_text, "good.mtp");
    bad.moment_coeffs.pop_back();
    EXPECT_THROW(mtpc::write_mtp(target.string(), bad), mtpc::InputError);
    EXPECT_EQ(mtpc::test::read_file(target), old_content);
    EXPECT_EQ(dir.entries(), 1u);

    // A successful write replaces the content.
    mtpc::write_file_atomically(target.string(), [](std::ostream& out) { out << "new"; });
    EXPECT_EQ(mtpc::test::read_file(target), "new");
    EXPECT_EQ(dir.entries(), 1u);
}

// A signal that ends the process during a write (Ctrl-C, `kill`, a closed terminal) removes the
// temporary: the handler is exercised in a child process that signals itself half-way through.
TEST(BadInputFiles, ASignalDuringAWriteRemovesTheTemporaryAndKeepsTheOldFile) {
    for (const int sig : {SIGINT, SIGTERM, SIGHUP}) {
        const mtpc::test::TempDir dir("mtpc_test_signal_");
        const fs::path target = dir.path() / "keep.cfg";
        std::ofstream(target, std::ios::binary) << "old";
        const pid_t child = ::fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            mtpc::install_temporary_file_cleanup();
            mtpc::write_file_atomically(target.string(), [sig](std::ostream& out) {
                out << "partial content" << std::flush;
                std::raise(sig);
            });
            std::_Exit(0);  // not reached: the handler ends the process with the signal
        }
        int status = 0;
        ASSERT_EQ(::waitpid(child, &status, 0), child);
        ASSERT_TRUE(WIFSIGNALED(status)) << "signal " << sig << ": the child exited normally";
        EXPECT_EQ(WTERMSIG(status), sig);
        EXPECT_EQ(mtpc::test::read_file(target), "old");
        EXPECT_EQ(dir.entries(), 1u) << "signal " << sig << ": a temporary was left behind";
    }
}
