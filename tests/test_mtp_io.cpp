// Tests of the MLIP-2 .mtp reader/writer and validate_mtp: exact round trips of all shared
// potentials, agreement with the file text, untrained templates, unknown keys, and every
// consistency rule of validate_mtp.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "mtpc/core/error.hpp"
#include "mtpc/io/mtp_io.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using mtpc::MtpPotential;

namespace {

const fs::path kShared = MTPC_SHARED_DIR;

using mtpc::test::bits;

void expect_same_doubles(const std::vector<double>& a, const std::vector<double>& b, const char* what) {
    ASSERT_EQ(a.size(), b.size()) << what;
    for (std::size_t k = 0; k < a.size(); ++k) ASSERT_EQ(bits(a[k]), bits(b[k])) << what << "[" << k << "]";
}

void expect_same(const MtpPotential& a, const MtpPotential& b) {
    EXPECT_EQ(a.version, b.version);
    EXPECT_EQ(a.potential_name, b.potential_name);
    EXPECT_EQ(bits(a.scaling), bits(b.scaling));
    EXPECT_EQ(a.species_count, b.species_count);
    EXPECT_EQ(a.potential_tag, b.potential_tag);
    EXPECT_EQ(a.radial_basis_type, b.radial_basis_type);
    EXPECT_EQ(bits(a.min_dist), bits(b.min_dist));
    EXPECT_EQ(bits(a.max_dist), bits(b.max_dist));
    EXPECT_EQ(a.radial_basis_size, b.radial_basis_size);
    EXPECT_EQ(a.radial_funcs_count, b.radial_funcs_count);
    expect_same_doubles(a.radial_coeffs, b.radial_coeffs, "radial_coeffs");
    EXPECT_EQ(a.alpha_moments_count, b.alpha_moments_count);
    EXPECT_EQ(a.alpha_index_basic, b.alpha_index_basic);
    EXPECT_EQ(a.alpha_index_times, b.alpha_index_times);
    EXPECT_EQ(a.alpha_moment_mapping, b.alpha_moment_mapping);
    expect_same_doubles(a.species_coeffs, b.species_coeffs, "species_coeffs");
    expect_same_doubles(a.moment_coeffs, b.moment_coeffs, "moment_coeffs");
}

MtpPotential parse(const std::string& text, const std::string& name = "test.mtp") {
    std::istringstream in(text);
    return mtpc::read_mtp(in, name);
}

std::string to_text(const MtpPotential& pot) {
    std::ostringstream out;
    mtpc::write_mtp(out, pot);
    return out.str();
}

std::vector<fs::path> shared_potentials() {
    std::vector<fs::path> out;
    const fs::path dir = kShared / "reference" / "mlip2";
    if (!fs::is_directory(dir)) return out;
    for (const auto& sub : fs::directory_iterator(dir))
        if (fs::exists(sub.path() / "pot.mtp")) out.push_back(sub.path() / "pot.mtp");
    std::sort(out.begin(), out.end());
    return out;
}

/// The numbers of a `{a, b, ...}` text, by strtod (independent of the reader's parser).
std::vector<double> strtod_list(const std::string& line) {
    std::vector<double> out;
    const char* p = std::strchr(line.c_str(), '{');
    if (!p) return out;
    ++p;
    for (;;) {
        char* end = nullptr;
        const double v = std::strtod(p, &end);
        if (end == p) break;
        out.push_back(v);
        p = end;
        while (*p == ',' || *p == ' ') ++p;
    }
    return out;
}

/// The integer value of `key = N` in a file's text (-1 when absent).
long int_value_in_text(const std::string& text, const std::string& key) {
    const std::size_t at = text.find("\n" + key + " = ");
    if (at == std::string::npos) return -1;
    return std::strtol(text.c_str() + at + key.size() + 4, nullptr, 10);
}

/// A small trained potential: 2 species, N_f = 1, N_b = 2, two scalar moments.
const char* const kSmallPotential = R"(MTP
version = 1.1.0
potential_name = tiny
species_count = 2
potential_tag = hello world
radial_basis_type = RBChebyshev
	min_dist = 1.0
	max_dist = 4.5
	radial_basis_size = 2
	radial_funcs_count = 1
	radial_coeffs
		0-0
			{0.1, 0.2}
		0-1
			{0.3, 0.4}
		1-0
			{0.5, 0.6}
		1-1
			{0.7, 0.8}
alpha_moments_count = 2
alpha_index_basic_count = 1
alpha_index_basic = {{0, 0, 0, 0}}
alpha_index_times_count = 1
alpha_index_times = {{0, 0, 1, 1}}
alpha_scalar_moments = 2
alpha_moment_mapping = {0,
   1}
species_coeffs = {-1.5, -2.5}
moment_coeffs = {3.0, 4.0}
)";

}  // namespace

TEST(MtpIo, ReadsTheSmallPotential) {
    const MtpPotential pot = parse(kSmallPotential);
    EXPECT_EQ(pot.potential_name, "tiny");
    EXPECT_EQ(pot.scaling, 1.0);  // absent: MLIP-2's default
    EXPECT_EQ(pot.species_count, 2);
    EXPECT_EQ(pot.potential_tag, "hello world");
    EXPECT_EQ(pot.min_dist, 1.0);
    EXPECT_EQ(pot.max_dist, 4.5);
    EXPECT_EQ(pot.radial_coeffs, (std::vector<double>{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8}));
    EXPECT_EQ(pot.alpha_moments_count, 2);
    EXPECT_EQ(pot.alpha_index_basic, (std::vector<std::array<int, 4>>{{0, 0, 0, 0}}));
    EXPECT_EQ(pot.alpha_index_times, (std::vector<std::array<int, 4>>{{0, 0, 1, 1}}));
    EXPECT_EQ(pot.alpha_moment_mapping, (std::vector<int>{0, 1}));  // list spread over two lines
    EXPECT_EQ(pot.species_coeffs, (std::vector<double>{-1.5, -2.5}));
    EXPECT_EQ(pot.moment_coeffs, (std::vector<double>{3.0, 4.0}));
    EXPECT_TRUE(pot.trained());

    const std::string text = to_text(pot);
    EXPECT_EQ(text.find("scaling"), std::string::npos);  // default scaling is not written
    const MtpPotential again = parse(text);
    expect_same(pot, again);
    EXPECT_EQ(to_text(again), text);
}

TEST(MtpIo, UntrainedPotentialsRoundTrip) {
    MtpPotential pot = parse(kSmallPotential);
    pot.radial_coeffs.clear();
    pot.species_coeffs.clear();
    pot.moment_coeffs.clear();
    pot.scaling = 0.125;
    const std::string text = to_text(pot);
    EXPECT_EQ(text.find("radial_coeffs"), std::string::npos);
    EXPECT_EQ(text.find("species_coeffs"), std::string::npos);
    EXPECT_EQ(text.find("moment_coeffs"), std::string::npos);
    const MtpPotential again = parse(text);
    EXPECT_FALSE(again.trained());
    expect_same(pot, again);
}

// All shared potentials: read -> write -> read identical, the rewrite is byte-stable, and the
// values agree with an independent reading of the file text.
TEST(MtpIo, SharedPotentialsRoundTripExactly) {
    const auto files = shared_potentials();
    if (files.empty()) GTEST_SKIP() << "missing " << (kShared / "reference" / "mlip2" / "*" / "pot.mtp");
    const mtpc::test::TempDir dir("mtpc_test_mtp_");
    for (const fs::path& f : files) {
        SCOPED_TRACE(f.string());
        const auto t0 = std::chrono::steady_clock::now();
        const MtpPotential pot = mtpc::read_mtp(f.string());
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        ASSERT_TRUE(pot.trained());

        // Agreement with the text: counts, and coefficient order (pair i-j, line μ, column β).
        const std::string text = mtpc::test::read_file(f);
        EXPECT_EQ(static_cast<long>(pot.alpha_index_basic.size()), int_value_in_text(text, "alpha_index_basic_count"));
        EXPECT_EQ(static_cast<long>(pot.alpha_index_times.size()), int_value_in_text(text, "alpha_index_times_count"));
        EXPECT_EQ(static_cast<long>(pot.alpha_moment_mapping.size()), int_value_in_text(text, "alpha_scalar_moments"));
        EXPECT_EQ(pot.species_count, int_value_in_text(text, "species_count"));
        const int nt = pot.species_count, nf = pot.radial_funcs_count, nb = pot.radial_basis_size;
        std::istringstream lines(text);
        std::string line;
        int pairs = 0;
        while (std::getline(lines, line)) {
            int i = -1, j = -1;
            char dash = 0;
            std::istringstream head(line);
            if (line.find('{') == std::string::npos && (head >> i >> dash >> j) && dash == '-') {
                ++pairs;
                for (int mu = 0; mu < nf; ++mu) {
                    ASSERT_TRUE(std::getline(lines, line));
                    const std::vector<double> row = strtod_list(line);
                    ASSERT_EQ(static_cast<int>(row.size()), nb);
                    for (int b = 0; b < nb; ++b)
                        ASSERT_EQ(row[static_cast<std::size_t>(b)],
                                  pot.radial_coeffs[static_cast<std::size_t>(((i * nt + j) * nf + mu) * nb + b)]);
                }
            } else if (line.rfind("moment_coeffs", 0) == 0) {
                EXPECT_EQ(strtod_list(line), pot.moment_coeffs);
            } else if (line.rfind("species_coeffs", 0) == 0) {
                EXPECT_EQ(strtod_list(line), pot.species_coeffs);
            }
        }
        EXPECT_EQ(pairs, nt * nt);

        // Exact round trip through a file, and a byte-stable second write.
        const fs::path out1 = dir.path() / (f.parent_path().filename().string() + ".mtp");
        const fs::path out2 = dir.path() / (f.parent_path().filename().string() + ".2.mtp");
        mtpc::write_mtp(out1.string(), pot);
        const MtpPotential again = mtpc::read_mtp(out1.string());
        expect_same(pot, again);
        mtpc::write_mtp(out2.string(), again);
        EXPECT_EQ(mtpc::test::read_file(out1), mtpc::test::read_file(out2));
        std::printf("[   info   ] %-55s %5zu alpha_index_times, read in %.4f s\n", f.string().c_str(),
                    pot.alpha_index_times.size(), seconds);
    }
}

// Each rule of validate_mtp, on an in-memory potential (the message names the given name).
TEST(MtpIo, ValidateRejectsEveryInconsistency) {
    const MtpPotential good = parse(kSmallPotential);
    EXPECT_NO_THROW(mtpc::validate_mtp(good, "good"));
    const std::vector<std::pair<std::string, std::function<void(MtpPotential&)>>> breakers = {
        {"species_count 0", [](MtpPotential& p) { p.species_count = 0; }},
        {"min_dist = max_dist", [](MtpPotential& p) { p.min_dist = p.max_dist; }},
        {"NaN max_dist", [](MtpPotential& p) { p.max_dist = std::nan(""); }},
        {"radial_basis_size 0", [](MtpPotential& p) { p.radial_basis_size = 0; }},
        {"radial_funcs_count 0", [](MtpPotential& p) { p.radial_funcs_count = 0; }},
        {"alpha_moments_count 0", [](MtpPotential& p) { p.alpha_moments_count = 0; }},
        {"basic mu >= N_f", [](MtpPotential& p) { p.alpha_index_basic[0][0] = 1; }},
        {"basic negative power", [](MtpPotential& p) { p.alpha_index_basic[0][2] = -1; }},
        {"more basic than moments", [](MtpPotential& p) { p.alpha_index_basic.assign(3, {0, 0, 0, 0}); }},
        {"times target is basic", [](MtpPotential& p) { p.alpha_index_times[0][3] = 0; }},
        {"times target >= moments", [](MtpPotential& p) { p.alpha_index_times[0][3] = 2; }},
        {"times factor >= moments", [](MtpPotential& p) { p.alpha_index_times[0][1] = 5; }},
        {"mapping >= moments", [](MtpPotential& p) { p.alpha_moment_mapping[1] = 2; }},
        {"mapping negative", [](MtpPotential& p) { p.alpha_moment_mapping[0] = -1; }},
        {"radial_coeffs short", [](MtpPotential& p) { p.radial_coeffs.pop_back(); }},
        {"radial_coeffs Inf", [](MtpPotential& p) { p.radial_coeffs[3] = HUGE_VAL; }},
        {"species_coeffs short", [](MtpPotential& p) { p.species_coeffs.pop_back(); }},
        {"moment_coeffs long", [](MtpPotential& p) { p.moment_coeffs.push_back(1.0); }},
        {"moment_coeffs NaN", [](MtpPotential& p) { p.moment_coeffs[0] = std::nan(""); }},
        {"species without moment coeffs", [](MtpPotential& p) { p.moment_coeffs.clear(); }},
        {"trained without radial_coeffs", [](MtpPotential& p) { p.radial_coeffs.clear(); }},
        {"wrong version", [](MtpPotential& p) { p.version = "1.0.2"; }},
        {"other radial basis", [](MtpPotential& p) { p.radial_basis_type = "RBShapeev"; }},
        {"moment no product defines", [](MtpPotential& p) { p.alpha_moments_count = 3; }},
        {"moments beyond basic + products", [](MtpPotential& p) { p.alpha_moments_count = 1000000000; }},
        {"species_count huge", [](MtpPotential& p) { p.species_count = 100000; }},
        {"radial_basis_size huge", [](MtpPotential& p) { p.radial_basis_size = 1 << 30; }},
    };
    for (const auto& [what, mutate] : breakers) {
        MtpPotential bad = good;
        mutate(bad);
        try {
            mtpc::validate_mtp(bad, "in-memory");
            ADD_FAILURE() << what << ": accepted";
        } catch (const mtpc::InputError& e) {
            EXPECT_EQ(std::string(e.what()).rfind("in-memory: ", 0), 0u) << what << ": " << e.what();
        }
        // write_mtp refuses to write what it could not read back.
        std::ostringstream sink;
        EXPECT_THROW(mtpc::write_mtp(sink, bad), mtpc::InputError) << what;
        EXPECT_TRUE(sink.str().empty()) << what;
    }
}
