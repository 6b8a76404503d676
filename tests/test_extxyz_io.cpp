// Tests of the extended-XYZ reader on small hand-written files: lattice, species map, positions,
// forces, energy, ASE's stress convention (PlusStress = −stress·volume), virial, and errors.
#include <gtest/gtest.h>

#include <Eigen/LU>

#include <filesystem>
#include <fstream>
#include <string>

#include "mtpc/core/error.hpp"
#include "mtpc/io/extxyz_io.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

const std::map<std::string, int> kSpecies = {{"Nb", 0}, {"Mo", 1}, {"W", 2}};

/// Expects read_extxyz to throw an InputError whose message starts with "path:line:".
void expect_error_at(const std::string& path, long line, const std::string& fragment) {
    try {
        mtpc::read_extxyz(path, kSpecies);
        ADD_FAILURE() << "accepted: " << fragment;
    } catch (const mtpc::InputError& e) {
        const std::string msg = e.what();
        EXPECT_EQ(msg.rfind(path + ":" + std::to_string(line) + ":", 0), 0u) << msg;
        EXPECT_NE(msg.find(fragment), std::string::npos) << msg;
    }
}

}  // namespace

TEST(ExtxyzIo, ReadsFramesWithAseConventions) {
    const mtpc::test::TempDir dir("mtpc_test_extxyz_");
    const std::string path = dir.write("frames.xyz",
        "3\n"
        "Lattice=\"3.2 0.0 0.0 0.1 3.3 0.0 0.0 0.2 3.4\" Properties=species:S:1:pos:R:3:forces:R:3 "
        "energy=-25.75 stress=\"0.01 0.002 0.003 0.002 0.02 0.004 0.003 0.004 0.03\" pbc=\"T T T\" config_type=bulk\n"
        "Nb 0.0 0.0 0.0  0.5 -0.25 0.125\n"
        "Mo 1.6 1.65 1.7  -0.5 0.25 -0.125\n"
        "W  0.1 2.0 3.0  0 0 0\n"
        "2\n"
        "Properties=species:S:1:pos:R:3:Z:I:1 energy=-3.5 pbc=\"F F F\"\n"
        "W 0 0 0 74\n"
        "Nb 0 0 2.25 41\n"
        "1\n"
        "Lattice=\"2 0 0 0 2 0 0 0 2\" Properties=species:S:1:pos:R:3 stress=\"1 2 3 4 5 6\"\n"
        "Mo 1 1 1\n"
        "1\n"
        "Lattice=\"2 0 0 0 2 0 0 0 2\" Properties=species:S:1:pos:R:3 virial=\"1 0.5 0.25 0.5 2 0.75 0.25 0.75 3\"\n"
        "Mo 1 1 1\n\n");
    const auto cfgs = mtpc::read_extxyz(path, kSpecies);
    ASSERT_EQ(cfgs.size(), 4u);

    const mtpc::Configuration& a = cfgs[0];
    ASSERT_EQ(a.size(), 3);
    EXPECT_EQ(a.types, (std::vector<int>{0, 1, 2}));
    EXPECT_EQ(a.ids, (std::vector<int>{1, 2, 3}));
    EXPECT_TRUE(a.periodic);
    Eigen::Matrix3d lattice;
    lattice << 3.2, 0.0, 0.0, 0.1, 3.3, 0.0, 0.0, 0.2, 3.4;  // rows = lattice vectors, as written
    EXPECT_EQ(a.lattice, lattice);
    EXPECT_EQ(a.positions[1], Eigen::Vector3d(1.6, 1.65, 1.7));
    ASSERT_TRUE(a.has_forces());
    EXPECT_EQ(a.forces[0], Eigen::Vector3d(0.5, -0.25, 0.125));
    EXPECT_EQ(*a.energy, -25.75);
    // ASE: stress = −virial/volume; PlusStress (virial) in MLIP-2's order xx yy zz yz xz xy.
    const double volume = std::abs(lattice.determinant());
    ASSERT_TRUE(a.plus_stress);
    const std::array<double, 6> expected = {-0.01 * volume, -0.02 * volume, -0.03 * volume,
                                            -0.004 * volume, -0.003 * volume, -0.002 * volume};
    for (std::size_t k = 0; k < 6; ++k) EXPECT_DOUBLE_EQ((*a.plus_stress)[k], expected[k]) << k;

    const mtpc::Configuration& b = cfgs[1];
    EXPECT_FALSE(b.periodic);
    EXPECT_FALSE(b.has_forces());
    EXPECT_FALSE(b.plus_stress);
    EXPECT_EQ(b.types, (std::vector<int>{2, 0}));
    EXPECT_EQ(b.positions[1], Eigen::Vector3d(0, 0, 2.25));  // the Z column after pos is skipped
    EXPECT_EQ(*b.energy, -3.5);

    // Six stress numbers are Voigt order xx yy zz yz xz xy; a Lattice without pbc is periodic.
    const mtpc::Configuration& c = cfgs[2];
    EXPECT_TRUE(c.periodic);
    EXPECT_FALSE(c.energy);
    EXPECT_EQ(*c.plus_stress, (std::array<double, 6>{-8, -16, -24, -32, -40, -48}));

    // The virial is PlusStress itself.
    EXPECT_EQ(*cfgs[3].plus_stress, (std::array<double, 6>{1, 2, 3, 0.75, 0.25, 0.5}));
}

TEST(ExtxyzIo, ErrorsNameFileAndLine) {
    const mtpc::test::TempDir dir("mtpc_test_extxyz_");
    const std::string head = "2\nLattice=\"3 0 0 0 3 0 0 0 3\" Properties=species:S:1:pos:R:3 energy=1\n";
    expect_error_at(dir.write("unknown.xyz", head + "Nb 0 0 0\nTa 1 1 1\n"), 4, "'Ta'");
    expect_error_at(dir.write("short.xyz", head + "Nb 0 0 0\n"), 2, "ends after 1");
    expect_error_at(dir.write("columns.xyz", head + "Nb 0 0 0\nMo 1 1\n"), 4, "columns");
    expect_error_at(dir.write("nan.xyz", head + "Nb 0 0 0\nMo 1 nan 1\n"), 4, "'nan'");
    expect_error_at(dir.write("count.xyz", "two\n"), 1, "atom count");
    expect_error_at(dir.write("nopos.xyz", "1\nProperties=species:S:1:forces:R:3\nNb 0 0 0\n"), 2, "pos");
    expect_error_at(dir.write("noprops.xyz", "1\nenergy=1\nNb 0 0 0\n"), 2, "Properties");
    expect_error_at(dir.write("pbc.xyz", "1\nLattice=\"3 0 0 0 3 0 0 0 3\" Properties=species:S:1:pos:R:3 pbc=\"T T F\"\nNb 0 0 0\n"),
                    2, "periodic");
    expect_error_at(dir.write("flat.xyz", "1\nLattice=\"3 0 0 0 3 0 6 0 0\" Properties=species:S:1:pos:R:3\nNb 0 0 0\n"), 2,
                    "zero volume");
    expect_error_at(dir.write("stress.xyz", "1\nProperties=species:S:1:pos:R:3 stress=\"1 2 3 4 5 6\"\nNb 0 0 0\n"), 2,
                    "non-periodic");
    expect_error_at(dir.write("quote.xyz", "1\nProperties=species:S:1:pos:R:3 energy=\"1\nNb 0 0 0\n"), 2, "quoted");
    EXPECT_THROW(mtpc::read_extxyz((dir.path() / "absent.xyz").string(), kSpecies), mtpc::InputError);
}
