// Error metrics follow MLIP-2's `mlp calc-errors` definitions, so numbers compare one to one.
#include <gtest/gtest.h>

#include "mtpc/io/cfg_io.hpp"
#include "mtpc/io/mtp_io.hpp"
#include "mtpc/train/error_metrics.hpp"
#include "test_support.hpp"

TEST(ErrorMetrics, DefinitionsOnAHandMadeCase) {
    mtpc::Configuration ref;
    ref.types = {0, 0};
    ref.positions = {Eigen::Vector3d::Zero(), Eigen::Vector3d(1, 0, 0)};
    ref.periodic = true;
    ref.lattice = Eigen::Matrix3d::Identity() * 2.0;  // volume 8 Å^3
    ref.energy = -2.0;
    ref.forces = {Eigen::Vector3d(0, 0, 0), Eigen::Vector3d(1, 0, 0)};
    ref.plus_stress = std::array<double, 6>{0, 0, 0, 0, 0, 0};
    mtpc::EfsResult pred;
    pred.energy = -1.0;                                                     // 0.5 eV/atom off
    pred.forces = {Eigen::Vector3d(3, 4, 0), Eigen::Vector3d(1, 0, 0)};     // |Δf| = 5 and 0
    pred.virial = {8, 0, 0, 8, 0, 0};  // σ = virial/V = (1, yz = 1) eV/Å³: ‖Δσ‖_F² = 1 + 2·1 = 3
    mtpc::ErrorAccumulator acc;
    acc.add(ref, pred);
    const auto r = acc.report();
    EXPECT_DOUBLE_EQ(r.energy_per_atom.rmse, 0.5);
    EXPECT_DOUBLE_EQ(r.forces.rmse, std::sqrt(25.0 / 6.0));  // Σ|Δf|² / (3 N)
    EXPECT_DOUBLE_EQ(r.forces.mae, 5.0 / 6.0);               // Σ|Δf| / (3 N)
    EXPECT_DOUBLE_EQ(r.forces.max, 5.0);
    EXPECT_NEAR(r.stress.rmse, mtpc::kEvPerA3ToGPa * std::sqrt(3.0 / 9.0), 1e-9);
    EXPECT_NEAR(r.stress.mae, mtpc::kEvPerA3ToGPa * std::sqrt(3.0) / 9.0, 1e-9);
}

TEST(ErrorMetrics, ReproducesWhatMlip2PrintedForThePublishedNbMoTaWModel) {
    const std::string pot = mtpc::test::shared_path("reference/mlip2/nbmotaw_l14/pot.mtp").string();
    const std::string test = mtpc::test::shared_path("data/nbmotaw/test.cfg").string();
    if (const auto missing = mtpc::test::missing_reference_data({pot, test})) GTEST_SKIP() << *missing;
    const mtpc::MtpModel model(mtpc::read_mtp(pot));
    const auto cfgs = mtpc::read_cfg(test);
    const auto r = mtpc::compute_errors(model, model.parameters(), cfgs, nullptr, 2, test);
    // ../shared/reference/MLIP2_FIGURES.md: MLIP-2 on test.cfg, RMSE / MAE, printed to 3 digits.
    EXPECT_NEAR(r.energy_per_atom.rmse * 1e3, 7.00, 0.005);
    EXPECT_NEAR(r.energy_per_atom.mae * 1e3, 5.15, 0.005);
    EXPECT_NEAR(r.forces.rmse, 0.155, 0.0005);
    EXPECT_NEAR(r.forces.mae, 0.068, 0.0005);
}
