// MtpModel reproduces MLIP-2's `mlp calc-efs` on every reference case in shared/reference/mlip2:
// energies, forces and PlusStress of every configuration, within the precision MLIP-2 prints.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "mtpc/io/cfg_io.hpp"
#include "mtpc/io/mtp_io.hpp"
#include "mtpc/mtp/mtp_model.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path kReferenceDir = mtpc::test::shared_path("reference/mlip2");

std::vector<std::string> reference_cases() {
    std::vector<std::string> cases;
    if (!fs::is_directory(kReferenceDir)) return cases;
    for (const auto& entry : fs::directory_iterator(kReferenceDir))
        if (fs::exists(entry.path() / "pot.mtp") && fs::exists(entry.path() / "mlip2_efs.cfg"))
            cases.push_back(entry.path().filename().string());
    std::sort(cases.begin(), cases.end());
    return cases;
}

void check_case(const std::string& name, int threads) {
    const fs::path dir = kReferenceDir / name;
    const mtpc::MtpModel model(mtpc::read_mtp((dir / "pot.mtp").string()));
    const auto inputs = mtpc::read_cfg((dir / "input.cfg").string());
    const auto refs = mtpc::read_cfg((dir / "mlip2_efs.cfg").string());
    ASSERT_EQ(inputs.size(), refs.size()) << name;
    ASSERT_FALSE(inputs.empty()) << name;
    double worst_e = 0, worst_f = 0, worst_s = 0;
    for (std::size_t c = 0; c < inputs.size(); ++c) {
        const auto& ref = refs[c];
        const auto efs = model.compute_efs(inputs[c], threads, "configuration " + std::to_string(c + 1));
        ASSERT_TRUE(ref.energy.has_value()) << name << " cfg " << c + 1;
        const double de = std::abs(efs.energy - *ref.energy);
        worst_e = std::max(worst_e, de);
        EXPECT_LE(de, 1e-7) << name << " cfg " << c + 1 << ": E = " << efs.energy << " vs " << *ref.energy;
        ASSERT_EQ(ref.forces.size(), efs.forces.size()) << name << " cfg " << c + 1;
        for (std::size_t i = 0; i < efs.forces.size(); ++i) {
            const double df = (efs.forces[i] - ref.forces[i]).cwiseAbs().maxCoeff();
            worst_f = std::max(worst_f, df);
            EXPECT_LE(df, 2e-6) << name << " cfg " << c + 1 << " atom " << i + 1;
        }
        if (ref.plus_stress) {
            for (int v = 0; v < 6; ++v) {
                const double ds = std::abs(efs.virial[v] - (*ref.plus_stress)[v]);
                worst_s = std::max(worst_s, ds);
                EXPECT_LE(ds, 2e-5) << name << " cfg " << c + 1 << " PlusStress[" << v << "]";
            }
        }
    }
    std::cout << "[ exact    ] " << name << " (" << inputs.size() << " cfgs, " << threads
              << " threads): max |dE| = " << worst_e << " eV, max |dF| = " << worst_f
              << " eV/A, max |dPlusStress| = " << worst_s << " eV\n";
}

}  // namespace

TEST(MtpExactness, EveryMlip2ReferenceCase) {
    if (const auto missing = mtpc::test::missing_reference_data({kReferenceDir})) GTEST_SKIP() << *missing;
    const auto cases = reference_cases();
    ASSERT_FALSE(cases.empty()) << "no reference cases in " << kReferenceDir.string();
    for (const auto& name : cases) check_case(name, 1);
}

TEST(MtpExactness, TwoThreadsGiveTheSameResults) {
    if (const auto missing = mtpc::test::missing_reference_data({kReferenceDir})) GTEST_SKIP() << *missing;
    // Bit-identical to one thread: per-atom results are reduced in a fixed order.
    for (const std::string name : {"tacrvw_l20", "bpa_l12"}) {
        const fs::path dir = kReferenceDir / name;
        if (!fs::exists(dir / "pot.mtp")) continue;
        const mtpc::MtpModel model(mtpc::read_mtp((dir / "pot.mtp").string()));
        const auto inputs = mtpc::read_cfg((dir / "input.cfg").string());
        for (std::size_t c = 0; c < std::min<std::size_t>(inputs.size(), 5); ++c) {
            const auto one = model.compute_efs(inputs[c], 1);
            const auto two = model.compute_efs(inputs[c], 2);
            EXPECT_EQ(one.energy, two.energy);
            EXPECT_EQ(one.virial, two.virial);
            for (std::size_t i = 0; i < one.forces.size(); ++i) EXPECT_EQ(one.forces[i], two.forces[i]);
        }
    }
}

TEST(MtpExactness, CalcEfsCommandWritesTheReferenceValues) {
    const fs::path dir = kReferenceDir / "cuagau_l10";
    if (const auto missing = mtpc::test::missing_reference_data({dir / "pot.mtp"})) GTEST_SKIP() << *missing;
    const fs::path out = fs::temp_directory_path() / ("mtpc_calc_efs_" + std::to_string(::getpid()) + ".cfg");
    const std::string cmd = std::string(MTPC_EXE) + " calc-efs " + (dir / "pot.mtp").string() + " " +
                            (dir / "input.cfg").string() + " " + out.string() + " --threads 2";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    const auto got = mtpc::read_cfg(out.string());
    const auto refs = mtpc::read_cfg((dir / "mlip2_efs.cfg").string());
    ASSERT_EQ(got.size(), refs.size());
    for (std::size_t c = 0; c < got.size(); ++c) {
        EXPECT_NEAR(*got[c].energy, *refs[c].energy, 1e-7) << "cfg " << c + 1;
        for (std::size_t i = 0; i < got[c].forces.size(); ++i)
            EXPECT_LE((got[c].forces[i] - refs[c].forces[i]).cwiseAbs().maxCoeff(), 2e-6);
        for (int v = 0; v < 6; ++v) EXPECT_NEAR((*got[c].plus_stress)[v], (*refs[c].plus_stress)[v], 2e-5);
    }
    fs::remove(out);

    // A type index beyond the potential's species: non-zero exit, no output file.
    auto bad = mtpc::read_cfg((dir / "input.cfg").string());
    bad[1].types[0] = 3;  // cuagau_l10 has 3 species
    const fs::path bad_in = fs::temp_directory_path() / ("mtpc_bad_type_" + std::to_string(::getpid()) + ".cfg");
    mtpc::write_cfg(bad_in.string(), bad);
    const std::string bad_cmd = std::string(MTPC_EXE) + " calc-efs " + (dir / "pot.mtp").string() + " " +
                                bad_in.string() + " " + out.string() + " 2>/dev/null";
    EXPECT_NE(std::system(bad_cmd.c_str()), 0);
    EXPECT_FALSE(fs::exists(out));
    fs::remove(bad_in);
}
