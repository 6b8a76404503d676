// Structure relaxation (mtpc::relax and `mtpc relax`) with the published Nb-Mo-Ta-W MTP: the relaxed
// bcc W lattice constant is the minimum of E(a), a relaxation under pressure ends where the
// energy's own pressure −dE/dV is the target, every configuration meets the tolerances it was
// given, results are deterministic, and non-converged configurations are flagged.
#include <gtest/gtest.h>

#include <Eigen/LU>

#include <cmath>
#include <string>
#include <vector>

#include "mtpc/core/error.hpp"
#include "mtpc/io/cfg_io.hpp"
#include "mtpc/io/mtp_io.hpp"
#include "mtpc/mtp/mtp_model.hpp"
#include "mtpc/relax/relaxation.hpp"
#include "mtpc/train/error_metrics.hpp"
#include "test_support.hpp"

namespace {

using mtpc::Configuration;
using mtpc::test::shared_path;

constexpr int kTungsten = 3;  // types of the Yin et al. potential: Nb, Mo, Ta, W

std::filesystem::path potential_path() { return shared_path("reference/mlip2/nbmotaw_l14/pot.mtp"); }
std::filesystem::path alloy_path() { return shared_path("reference/mlip2/nbmotaw_l14/input.cfg"); }

/// The 2-atom cubic cell of bcc with lattice constant a, deformed by (I + strain).
Configuration bcc(double a, int type, const Eigen::Matrix3d& strain = Eigen::Matrix3d::Zero()) {
    Configuration c;
    c.periodic = true;
    const Eigen::Matrix3d F = Eigen::Matrix3d::Identity() + strain;
    c.lattice = a * F.transpose();  // rows F a_k with a_k = a e_k
    c.types = {type, type};
    c.ids = {1, 2};
    c.positions = {Eigen::Vector3d::Zero(), F * Eigen::Vector3d(a / 2, a / 2, a / 2)};
    return c;
}

double energy(const mtpc::MtpModel& model, double a) { return model.compute_efs(bcc(a, kTungsten)).energy; }

/// The minimum of E(a) by a scan (steps of 0.01 Å) refined by golden-section search to 1e-9 Å.
double scanned_minimum(const mtpc::MtpModel& model) {
    double best = 2.9;
    for (double a = 2.9; a <= 3.5; a += 0.01)
        if (energy(model, a) < energy(model, best)) best = a;
    double lo = best - 0.01, hi = best + 0.01;
    const double g = (std::sqrt(5.0) - 1) / 2;
    while (hi - lo > 1e-9) {
        const double x1 = hi - g * (hi - lo), x2 = lo + g * (hi - lo);
        if (energy(model, x1) < energy(model, x2))
            hi = x2;
        else
            lo = x1;
    }
    return (lo + hi) / 2;
}

/// Largest |f_i| and max |σ_ab + P δ_ab| (GPa) of `c` evaluated afresh (not what relax reported).
std::pair<double, double> residuals(const mtpc::MtpModel& model, const Configuration& c, double pressure_gpa) {
    const mtpc::EfsResult r = model.compute_efs(c);
    double f = 0;
    for (const auto& v : r.forces) f = std::max(f, v.norm());
    const double V = c.volume();
    double s = 0;
    for (int k = 0; k < 6; ++k) {
        const double sigma = -r.virial[k] / V * mtpc::kEvPerA3ToGPa + (k < 3 ? pressure_gpa : 0.0);
        s = std::max(s, std::abs(sigma));
    }
    return {f, s};
}

std::string feature(const Configuration& c, const std::string& name) {
    for (const auto& [k, v] : c.features)
        if (k == name) return v;
    return "(none)";
}

TEST(Relaxation, BccTungstenLatticeConstantIsTheMinimumOfTheEnergyScan) {
    if (const auto missing = mtpc::test::missing_reference_data({potential_path()})) GTEST_SKIP() << *missing;
    const mtpc::MtpModel model(mtpc::read_mtp(potential_path().string()));
    const double a_scan = scanned_minimum(model);
    // Start away from the minimum, sheared, with one atom off its site.
    Eigen::Matrix3d strain;
    strain << 0.03, 0.02, 0.0, 0.02, -0.01, 0.01, 0.0, 0.01, 0.02;
    Configuration start = bcc(3.30, kTungsten, strain);
    start.positions[1] += Eigen::Vector3d(0.05, -0.03, 0.02);
    mtpc::RelaxOptions o;
    o.relax_cell = true;
    o.force_tolerance = 1e-5;
    o.stress_tolerance = 1e-4;
    const mtpc::RelaxResult r = mtpc::relax(model, start, o);
    ASSERT_TRUE(r.converged) << r.message;
    const double a_relaxed = std::cbrt(r.configuration.volume());  // the cubic cell: a³
    EXPECT_NEAR(a_relaxed, a_scan, 1e-4) << "scan minimum " << a_scan;
    RecordProperty("a_relaxed_minus_a_scan", std::to_string(a_relaxed - a_scan));
    // The relaxed cell is cubic again: equal edge lengths, right angles.
    const Eigen::Matrix3d G = r.configuration.lattice * r.configuration.lattice.transpose();
    EXPECT_NEAR(G(0, 1) / G(0, 0), 0, 1e-5);
    EXPECT_NEAR(G(1, 1) / G(0, 0), 1, 1e-5);
    const auto [f, s] = residuals(model, r.configuration, 0);
    EXPECT_LE(f, o.force_tolerance);
    EXPECT_LE(s, o.stress_tolerance);
}

TEST(Relaxation, PressureEndsWhereMinusDEnergyDVolumeIsTheTarget) {
    if (const auto missing = mtpc::test::missing_reference_data({potential_path()})) GTEST_SKIP() << *missing;
    const mtpc::MtpModel model(mtpc::read_mtp(potential_path().string()));
    mtpc::RelaxOptions o;
    o.relax_cell = true;
    o.pressure_gpa = 25;
    o.force_tolerance = 1e-5;
    o.stress_tolerance = 1e-4;
    const mtpc::RelaxResult r = mtpc::relax(model, bcc(3.2, kTungsten), o);
    ASSERT_TRUE(r.converged) << r.message;
    const double a = std::cbrt(r.configuration.volume());  // the cubic cell: a³
    // The energy's own pressure, by central differences of E(a) (independent of the virial).
    const double h = 1e-4;
    const double dE = energy(model, a + h) - energy(model, a - h);
    const double dV = std::pow(a + h, 3) - std::pow(a - h, 3);  // the cubic cell: V = a³
    EXPECT_NEAR(-dE / dV * mtpc::kEvPerA3ToGPa, 25.0, 0.01);
    // Compressed relative to zero pressure.
    o.pressure_gpa = 0;
    const mtpc::RelaxResult r0 = mtpc::relax(model, bcc(3.2, kTungsten), o);
    EXPECT_LT(r.configuration.volume(), r0.configuration.volume());
}

TEST(Relaxation, AlloyCellsMeetTheirTolerancesAndResultsDoNotDependOnThreads) {
    if (const auto missing = mtpc::test::missing_reference_data({potential_path(), alloy_path()}))
        GTEST_SKIP() << *missing;
    const mtpc::MtpModel model(mtpc::read_mtp(potential_path().string()));
    std::vector<Configuration> cfgs;
    for (const auto& c : mtpc::read_cfg(alloy_path().string()))
        if (c.size() <= 54 && cfgs.size() < 6) cfgs.push_back(c);
    mtpc::RelaxOptions o;
    o.relax_cell = true;
    o.pressure_gpa = 2;
    o.force_tolerance = 2e-3;
    o.stress_tolerance = 5e-3;
    o.threads = 1;
    const auto serial = mtpc::relax_all(model, cfgs, o, "input.cfg");
    o.threads = 2;
    const auto threaded = mtpc::relax_all(model, cfgs, o, "input.cfg");
    for (size_t k = 0; k < cfgs.size(); ++k) {
        SCOPED_TRACE("configuration " + std::to_string(k + 1));
        ASSERT_TRUE(serial[k].converged) << serial[k].message;
        EXPECT_EQ(feature(serial[k].configuration, mtpc::kRelaxConvergedFeature), "true");
        const auto [f, s] = residuals(model, serial[k].configuration, o.pressure_gpa);
        EXPECT_LE(f, o.force_tolerance);
        EXPECT_LE(s, o.stress_tolerance);
        // The enthalpy went down.
        const double P = o.pressure_gpa / mtpc::kEvPerA3ToGPa;
        EXPECT_LT(*serial[k].configuration.energy + P * serial[k].configuration.volume(),
                  model.compute_efs(cfgs[k]).energy + P * cfgs[k].volume());
        EXPECT_EQ(mtpc::test::bits(*serial[k].configuration.energy), mtpc::test::bits(*threaded[k].configuration.energy));
        for (int i = 0; i < cfgs[k].size(); ++i)
            for (int a = 0; a < 3; ++a)
                EXPECT_EQ(mtpc::test::bits(serial[k].configuration.positions[i][a]),
                          mtpc::test::bits(threaded[k].configuration.positions[i][a]));
    }
}

TEST(Relaxation, FixedCellKeepsTheLatticeAndUnconvergedIsFlagged) {
    if (const auto missing = mtpc::test::missing_reference_data({potential_path(), alloy_path()}))
        GTEST_SKIP() << *missing;
    const mtpc::MtpModel model(mtpc::read_mtp(potential_path().string()));
    const Configuration start = mtpc::read_cfg(alloy_path().string()).front();
    mtpc::RelaxOptions o;
    o.force_tolerance = 1e-3;
    const mtpc::RelaxResult r = mtpc::relax(model, start, o);
    ASSERT_TRUE(r.converged) << r.message;
    EXPECT_TRUE(r.configuration.lattice == start.lattice);
    EXPECT_LE(residuals(model, r.configuration, 0).first, o.force_tolerance);

    o.max_iterations = 2;
    o.force_tolerance = 1e-9;
    const mtpc::RelaxResult stopped = mtpc::relax(model, start, o);
    EXPECT_FALSE(stopped.converged);
    EXPECT_EQ(feature(stopped.configuration, mtpc::kRelaxConvergedFeature), "false");
}

TEST(Relaxation, BadOptionsAndTypesAreInputErrors) {
    mtpc::RelaxOptions o;
    o.pressure_gpa = 1;  // without relax_cell
    EXPECT_THROW(o.validate("mtpc relax"), mtpc::InputError);
    o = {};
    o.force_tolerance = -1;
    EXPECT_THROW(o.validate("mtpc relax"), mtpc::InputError);
    if (const auto missing = mtpc::test::missing_reference_data({potential_path()})) GTEST_SKIP() << *missing;
    const mtpc::MtpModel model(mtpc::read_mtp(potential_path().string()));
    try {
        (void)mtpc::relax(model, bcc(3.2, 7), {}, "x.cfg: configuration 1");
        FAIL() << "type 7 accepted";
    } catch (const mtpc::InputError& e) {
        EXPECT_NE(std::string(e.what()).find("x.cfg: configuration 1: atom 1 has type 7"), std::string::npos) << e.what();
    }
}

TEST(RelaxCommand, WritesRelaxedConfigurationsAndReportsBadInput) {
    if (const auto missing = mtpc::test::missing_reference_data({potential_path()})) GTEST_SKIP() << *missing;
    mtpc::test::TempDir dir;
    const auto in = dir.path() / "in.cfg", out = dir.path() / "out.cfg";
    mtpc::write_cfg(in.string(), {bcc(3.3, kTungsten), bcc(3.1, 0)});
    const std::string exe = MTPC_EXE, pot = potential_path().string();
    const auto ok = mtpc::test::run_command(exe + " relax " + pot + " " + in.string() + " " + out.string() +
                                            " --relax-cell --pressure 5 --stress-tolerance 1e-3 --threads 2");
    ASSERT_EQ(ok.status, 0) << ok.out;
    EXPECT_NE(ok.out.find("relaxed 2 configurations: 2 converged"), std::string::npos) << ok.out;
    const mtpc::MtpModel model(mtpc::read_mtp(pot));
    const auto relaxed = mtpc::read_cfg(out.string());
    ASSERT_EQ(relaxed.size(), 2u);
    for (const auto& c : relaxed) {
        EXPECT_LE(residuals(model, c, 5).second, 1e-3);
        EXPECT_EQ(feature(c, mtpc::kRelaxConvergedFeature), "true");
    }

    const auto no_cell = mtpc::test::run_command(exe + " relax " + pot + " " + in.string() + " " +
                                                 (dir.path() / "x.cfg").string() + " --pressure 5");
    EXPECT_NE(no_cell.status, 0);
    EXPECT_NE(no_cell.out.find("--relax-cell"), std::string::npos) << no_cell.out;
    mtpc::write_cfg(in.string(), {bcc(3.3, 4)});  // type 4: the potential has 4 species
    const auto bad_type = mtpc::test::run_command(exe + " relax " + pot + " " + in.string() + " " +
                                                  (dir.path() / "y.cfg").string());
    EXPECT_NE(bad_type.status, 0);
    EXPECT_NE(bad_type.out.find(in.string()), std::string::npos) << bad_type.out;
    EXPECT_FALSE(std::filesystem::exists(dir.path() / "y.cfg"));
}

}  // namespace
