// Tests of the MLIP-2 .cfg reader/writer: every field, exact round trips on all shared data,
// agreement with an independent (iostream) parse of the reference files, and species checks.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "mtpc/core/error.hpp"
#include "mtpc/io/cfg_io.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using mtpc::Configuration;

namespace {

const fs::path kShared = MTPC_SHARED_DIR;

using mtpc::test::bits;

/// Bitwise equality of two doubles, with a readable failure.
#define EXPECT_SAME_DOUBLE(a, b) EXPECT_EQ(bits(a), bits(b)) << #a " = " << (a) << " vs " #b " = " << (b)

/// Every stored field equal, doubles bit for bit (source_line is where a block was, not data).
void expect_same(const Configuration& a, const Configuration& b, const std::string& where) {
    SCOPED_TRACE(where);
    ASSERT_EQ(a.size(), b.size());
    EXPECT_EQ(a.types, b.types);
    EXPECT_EQ(a.ids, b.ids);
    EXPECT_EQ(a.periodic, b.periodic);
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c) EXPECT_SAME_DOUBLE(a.lattice(r, c), b.lattice(r, c));
    for (int i = 0; i < a.size(); ++i)
        for (int k = 0; k < 3; ++k) EXPECT_SAME_DOUBLE(a.positions[i][k], b.positions[i][k]);
    ASSERT_EQ(a.forces.size(), b.forces.size());
    for (std::size_t i = 0; i < a.forces.size(); ++i)
        for (int k = 0; k < 3; ++k) EXPECT_SAME_DOUBLE(a.forces[i][k], b.forces[i][k]);
    ASSERT_EQ(a.energy.has_value(), b.energy.has_value());
    if (a.energy) {
        EXPECT_SAME_DOUBLE(*a.energy, *b.energy);
    }
    ASSERT_EQ(a.plus_stress.has_value(), b.plus_stress.has_value());
    if (a.plus_stress) {
        for (std::size_t k = 0; k < 6; ++k) EXPECT_SAME_DOUBLE((*a.plus_stress)[k], (*b.plus_stress)[k]);
    }
    ASSERT_EQ(a.energy_weight.has_value(), b.energy_weight.has_value());
    if (a.energy_weight) {
        EXPECT_SAME_DOUBLE(*a.energy_weight, *b.energy_weight);
    }
    EXPECT_EQ(a.features, b.features);
    EXPECT_EQ(a.extra_atom_columns, b.extra_atom_columns);
    ASSERT_EQ(a.extra_atom_values.size(), b.extra_atom_values.size());
    for (std::size_t c = 0; c < a.extra_atom_values.size(); ++c) {
        ASSERT_EQ(a.extra_atom_values[c].size(), b.extra_atom_values[c].size());
        for (std::size_t i = 0; i < a.extra_atom_values[c].size(); ++i)
            EXPECT_SAME_DOUBLE(a.extra_atom_values[c][i], b.extra_atom_values[c][i]);
    }
    EXPECT_EQ(a.unknown_lines, b.unknown_lines);
}

std::vector<Configuration> parse(const std::string& text, const std::string& name = "test.cfg") {
    std::istringstream in(text);
    return mtpc::read_cfg(in, name);
}

std::string to_text(const std::vector<Configuration>& cfgs) {
    std::ostringstream out;
    mtpc::write_cfg(out, cfgs);
    return out.str();
}

/// All shared .cfg files: the MLIP-2 references (inputs and MLIP-2's own output) and the data sets.
std::vector<fs::path> shared_cfg_files() {
    std::vector<fs::path> files;
    for (const fs::path& dir : {kShared / "reference" / "mlip2", kShared / "data"}) {
        if (!fs::is_directory(dir)) continue;
        for (const auto& sub : fs::directory_iterator(dir)) {
            if (!sub.is_directory()) continue;
            for (const auto& f : fs::directory_iterator(sub.path()))
                if (f.path().extension() == ".cfg") files.push_back(f.path());
        }
    }
    std::sort(files.begin(), files.end());
    return files;
}

const char* const kFullBlock = R"(BEGIN_CFG
 Size
    2
 Supercell
    4.0  0.0  0.0
    0.5  5.0  0.0
    0.0  0.0  6.0
 AtomData:  id type       cartes_x      cartes_y      cartes_z           fx          fy          fz   nbh_grades
        1    0       0.1            0.2          0.3       1.5        -2.5       3.25      0.75
        2    3      -1.0e-3         2.0e+1       3          -0.0         0.0       1e-310      2
 Energy
      -12.345678901234567
 PlusStress:  xx          yy          zz          yz          xz          xy
     1.0  2.0  3.0  4.0  5.0  6.0
 Stress:  xx yy zz yz xz xy
     9 9 9 9 9 9
 Feature   source	Mo_bulk with spaces
 Feature   mindist 2.5
 EnergyWeight
    0.5
 SomethingNew  abc
END_CFG
)";

}  // namespace

TEST(CfgIo, ParsesEveryField) {
    const auto cfgs = parse(kFullBlock);
    ASSERT_EQ(cfgs.size(), 1u);
    const Configuration& c = cfgs[0];
    EXPECT_EQ(c.source_line, 1);
    ASSERT_EQ(c.size(), 2);
    EXPECT_EQ(c.ids, (std::vector<int>{1, 2}));
    EXPECT_EQ(c.types, (std::vector<int>{0, 3}));
    EXPECT_TRUE(c.periodic);
    EXPECT_EQ(c.lattice(1, 0), 0.5);
    EXPECT_EQ(c.lattice(1, 1), 5.0);
    EXPECT_EQ(c.lattice(2, 2), 6.0);
    EXPECT_DOUBLE_EQ(c.volume(), 4.0 * 5.0 * 6.0);
    EXPECT_EQ(c.positions[0], Eigen::Vector3d(0.1, 0.2, 0.3));
    EXPECT_EQ(c.positions[1], Eigen::Vector3d(-1.0e-3, 20.0, 3.0));
    ASSERT_TRUE(c.has_forces());
    EXPECT_EQ(c.forces[0], Eigen::Vector3d(1.5, -2.5, 3.25));
    EXPECT_TRUE(std::signbit(c.forces[1][0]));  // "-0.0" stays negative zero
    EXPECT_EQ(c.forces[1][2], 1e-310);           // subnormal accepted
    ASSERT_TRUE(c.energy);
    EXPECT_EQ(*c.energy, -12.345678901234567);
    ASSERT_TRUE(c.plus_stress);
    EXPECT_EQ(*c.plus_stress, (std::array<double, 6>{1, 2, 3, 4, 5, 6}));
    ASSERT_TRUE(c.energy_weight);
    EXPECT_EQ(*c.energy_weight, 0.5);
    ASSERT_EQ(c.features.size(), 2u);
    EXPECT_EQ(c.features[0].first, "source");
    EXPECT_EQ(c.features[0].second, "Mo_bulk with spaces");
    EXPECT_EQ(c.features[1].first, "mindist");
    EXPECT_EQ(c.features[1].second, "2.5");
    EXPECT_EQ(c.extra_atom_columns, (std::vector<std::string>{"nbh_grades"}));
    EXPECT_EQ(c.extra_atom_values, (std::vector<std::vector<double>>{{0.75, 2.0}}));
    // Stress (with its values line) and the unknown field are kept verbatim, in order.
    EXPECT_EQ(c.unknown_lines, (std::vector<std::string>{" Stress:  xx yy zz yz xz xy", "     9 9 9 9 9 9",
                                                         " SomethingNew  abc"}));

    const auto again = parse(to_text(cfgs));
    ASSERT_EQ(again.size(), 1u);
    expect_same(c, again[0], "full block after write/read");
}

TEST(CfgIo, PlusStressHeaderOrderIsHonoured) {
    const auto cfgs = parse(
        "BEGIN_CFG\n Size\n 1\n AtomData: id type cartes_x cartes_y cartes_z\n 1 0 0 0 0\n"
        " PlusStress: xy xz yz zz yy xx\n 6 5 4 3 2 1\nEND_CFG\n");
    ASSERT_TRUE(cfgs.at(0).plus_stress);
    EXPECT_EQ(*cfgs[0].plus_stress, (std::array<double, 6>{1, 2, 3, 4, 5, 6}));
    EXPECT_FALSE(cfgs[0].has_forces());
    EXPECT_FALSE(cfgs[0].energy);
    EXPECT_FALSE(cfgs[0].periodic);
}

TEST(CfgIo, DirectCoordinatesAreConvertedWithTheSupercell) {
    const auto cfgs = parse(
        "BEGIN_CFG\n Size\n 2\n Supercell\n 3 0 0\n 1 4 0\n 0.5 0.25 5\n"
        " AtomData: id type direct_x direct_y direct_z\n 1 1 0.5 0.25 0\n 2 0 0.1 0.2 0.7\nEND_CFG\n");
    const Configuration& c = cfgs.at(0);
    const Eigen::Vector3d a1(3, 0, 0), a2(1, 4, 0), a3(0.5, 0.25, 5);
    EXPECT_TRUE(c.positions[0].isApprox(0.5 * a1 + 0.25 * a2, 1e-15));
    EXPECT_TRUE(c.positions[1].isApprox(0.1 * a1 + 0.2 * a2 + 0.7 * a3, 1e-15));
    EXPECT_TRUE(c.extra_atom_columns.empty());  // the positions are the data, not extra columns
    EXPECT_EQ(c.types, (std::vector<int>{1, 0}));

    // With Cartesian columns present, direct_* are kept as extra columns and not converted.
    const auto both = parse(
        "BEGIN_CFG\n Size\n 1\n Supercell\n 2 0 0\n 0 2 0\n 0 0 2\n"
        " AtomData: id type cartes_x cartes_y cartes_z direct_x direct_y direct_z\n 1 0 1 1 1 0.5 0.5 0.5\nEND_CFG\n");
    EXPECT_EQ(both.at(0).positions[0], Eigen::Vector3d(1, 1, 1));
    EXPECT_EQ(both[0].extra_atom_columns, (std::vector<std::string>{"direct_x", "direct_y", "direct_z"}));
    expect_same(both[0], parse(to_text(both)).at(0), "cartes+direct after write/read");
}

TEST(CfgIo, DefaultsWithoutIdOrTypeColumnsAndEmptyConfigurations) {
    const auto cfgs = parse(
        "BEGIN_CFG\n Size 2\n AtomData: cartes_x cartes_y cartes_z\n 0 0 0\n\n 1 1 1\n Energy -1.5\nEND_CFG\n\n"
        "BEGIN_CFG\n Size\n 0\n Energy\n 0\nEND_CFG\n");
    ASSERT_EQ(cfgs.size(), 2u);
    EXPECT_EQ(cfgs[0].ids, (std::vector<int>{1, 2}));
    EXPECT_EQ(cfgs[0].types, (std::vector<int>{0, 0}));
    EXPECT_EQ(*cfgs[0].energy, -1.5);
    EXPECT_EQ(cfgs[1].size(), 0);
    EXPECT_EQ(cfgs[1].source_line, 10);
    const auto again = parse(to_text(cfgs));
    ASSERT_EQ(again.size(), 2u);
    expect_same(cfgs[0], again[0], "no id/type");
    expect_same(cfgs[1], again[1], "empty");
}

TEST(CfgIo, ArbitraryDoublesRoundTripBitForBit) {
    std::mt19937_64 rng(20240611);
    // Random bit patterns cover every exponent (subnormals included); non-finite ones are skipped.
    const auto random_double = [&rng]() {
        for (;;) {
            const std::uint64_t b = rng();
            double v;
            std::memcpy(&v, &b, sizeof v);
            if (std::isfinite(v)) return v;
        }
    };
    std::vector<Configuration> cfgs(5);
    for (Configuration& c : cfgs) {
        const int n = 7;
        c.periodic = true;
        c.lattice = Eigen::Matrix3d::Identity() * 10.0;
        // A sheared cell with full-mantissa entries (far from degenerate, which the reader rejects).
        c.lattice(0, 1) = std::uniform_real_distribution<double>(-5.0, 5.0)(rng);
        c.lattice(2, 0) = std::uniform_real_distribution<double>(-5.0, 5.0)(rng);
        for (int i = 0; i < n; ++i) {
            c.types.push_back(i % 3);
            c.ids.push_back(i + 1);
            c.positions.emplace_back(random_double(), random_double(), random_double());
            c.forces.emplace_back(random_double(), -0.0, std::numeric_limits<double>::denorm_min());
        }
        c.energy = random_double();
        c.plus_stress = std::array<double, 6>{random_double(), random_double(), random_double(),
                                              random_double(), random_double(), std::numeric_limits<double>::max()};
        c.energy_weight = std::numeric_limits<double>::lowest();
        c.extra_atom_columns = {"nbh_grades"};
        c.extra_atom_values.assign(1, std::vector<double>(n));
        for (double& v : c.extra_atom_values[0]) v = random_double();
    }
    const std::string text = to_text(cfgs);
    const auto again = parse(text);
    ASSERT_EQ(again.size(), cfgs.size());
    for (std::size_t k = 0; k < cfgs.size(); ++k) expect_same(cfgs[k], again[k], "random cfg " + std::to_string(k));
    EXPECT_EQ(to_text(again), text);  // writing is a pure function of the data
}

TEST(CfgIo, WritesAndReadsFilesThroughPaths) {
    const mtpc::test::TempDir dir("mtpc_test_cfg_");
    const auto cfgs = parse(kFullBlock);
    const std::string path = (dir.path() / "out.cfg").string();
    mtpc::write_cfg(path, cfgs);
    const auto back = mtpc::read_cfg(path);
    ASSERT_EQ(back.size(), 1u);
    expect_same(cfgs[0], back[0], "via file");
    // Only the target file exists: the temporary was renamed, not left behind.
    EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
    EXPECT_THROW(mtpc::read_cfg((dir.path() / "missing.cfg").string()), mtpc::InputError);
}

TEST(CfgIo, CheckSpeciesNamesFileConfigurationAndAtom) {
    const std::string text = std::string(kFullBlock) + "\n" + kFullBlock;
    const auto cfgs = parse(text, "two.cfg");
    EXPECT_NO_THROW(mtpc::check_species(cfgs, 4, "two.cfg"));
    try {
        mtpc::check_species(cfgs, 3, "two.cfg");
        FAIL() << "type 3 with 3 species accepted";
    } catch (const mtpc::InputError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("two.cfg:1:"), std::string::npos) << msg;  // the first block starts at line 1
        EXPECT_NE(msg.find("configuration 1, atom 2"), std::string::npos) << msg;
        EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    }
}

// Every shared .cfg: read -> write -> read gives identical data, and writing is idempotent.
TEST(CfgIo, SharedFilesRoundTripExactly) {
    const auto files = shared_cfg_files();
    if (files.empty()) GTEST_SKIP() << "no .cfg files under " << kShared << " (reference data missing)";
    for (const fs::path& f : files) {
        const auto t0 = std::chrono::steady_clock::now();
        const auto cfgs = mtpc::read_cfg(f.string());
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        ASSERT_FALSE(cfgs.empty()) << f;
        const std::string text = to_text(cfgs);
        const auto again = parse(text, f.string() + " (rewritten)");
        ASSERT_EQ(again.size(), cfgs.size()) << f;
        for (std::size_t k = 0; k < cfgs.size(); ++k) {
            expect_same(cfgs[k], again[k], f.string() + " configuration " + std::to_string(k + 1));
            if (HasFailure()) return;  // one broken file is enough detail
        }
        EXPECT_EQ(to_text(again), text) << f;
        std::printf("[   info   ] %-60s %6zu configurations, read in %.3f s\n", f.string().c_str(), cfgs.size(), seconds);
    }
}

// The reader agrees with a plain iostream parse of the reference inputs (independent code path).
TEST(CfgIo, ReferenceInputsMatchAnIndependentParse) {
    const fs::path dir = kShared / "reference" / "mlip2";
    if (!fs::is_directory(dir)) GTEST_SKIP() << "missing " << dir;
    int checked = 0;
    for (const auto& sub : fs::directory_iterator(dir)) {
        const fs::path f = sub.path() / "input.cfg";
        if (!fs::exists(f)) continue;
        const auto cfgs = mtpc::read_cfg(f.string());
        std::ifstream in(f);
        std::string line;
        std::size_t index = 0;
        while (std::getline(in, line)) {
            std::istringstream head(line);
            std::string key;
            head >> key;
            if (key == "AtomData:") {
                ASSERT_LT(index, cfgs.size()) << f;
                const Configuration& c = cfgs[index];
                for (int i = 0; i < c.size(); ++i) {
                    std::getline(in, line);
                    std::istringstream row(line);
                    int id, type;
                    double x, y, z, fx, fy, fz;
                    row >> id >> type >> x >> y >> z >> fx >> fy >> fz;
                    ASSERT_TRUE(row) << f << ": " << line;
                    EXPECT_EQ(c.ids[i], id);
                    EXPECT_EQ(c.types[i], type);
                    EXPECT_EQ(c.positions[i], Eigen::Vector3d(x, y, z)) << f << ": " << line;
                    EXPECT_EQ(c.forces[i], Eigen::Vector3d(fx, fy, fz)) << f << ": " << line;
                }
            } else if (key == "Energy") {
                std::getline(in, line);
                EXPECT_EQ(*cfgs[index].energy, std::stod(line)) << f;
            } else if (key == "END_CFG") {
                ++index;
            }
        }
        EXPECT_EQ(index, cfgs.size()) << f;
        ++checked;
    }
    EXPECT_GT(checked, 0);
}

TEST(CfgIo, WriteRefusesConfigurationsThatWouldNotReadBack) {
    const Configuration good = parse(kFullBlock).at(0);
    const std::vector<std::pair<std::string, std::function<void(Configuration&)>>> breakers = {
        {"positions short", [](Configuration& c) { c.positions.pop_back(); }},
        {"forces short", [](Configuration& c) { c.forces.pop_back(); }},
        {"ids short", [](Configuration& c) { c.ids.pop_back(); }},
        {"extra column short", [](Configuration& c) { c.extra_atom_values[0].pop_back(); }},
        {"extra column without values", [](Configuration& c) { c.extra_atom_columns.push_back("more"); }},
        {"extra column name with blank", [](Configuration& c) { c.extra_atom_columns[0] = "nbh grades"; }},
        {"feature name with blank", [](Configuration& c) { c.features[0].first = "a b"; }},
        {"feature value with newline", [](Configuration& c) { c.features[0].second = "a\nb"; }},
        {"blank unknown line", [](Configuration& c) { c.unknown_lines.push_back("   "); }},
    };
    for (const auto& [what, mutate] : breakers) {
        std::vector<Configuration> cfgs = {good, good};
        mutate(cfgs[1]);
        std::ostringstream out;
        EXPECT_THROW(mtpc::write_cfg(out, cfgs), mtpc::InputError) << what;
        EXPECT_TRUE(out.str().empty()) << what << ": partial output";  // checked before writing
    }
}
