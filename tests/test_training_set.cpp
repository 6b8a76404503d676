// TrainingSet: the per-configuration loss weights of each "loss.weighting".
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "mtpc/train/training_set.hpp"

namespace {

/// A periodic 4-atom configuration with energy, forces and virial.
mtpc::Configuration four_atoms() {
    mtpc::Configuration c;
    c.periodic = true;
    c.lattice = 6.0 * Eigen::Matrix3d::Identity();
    for (int i = 0; i < 4; ++i) {
        c.types.push_back(i % 2);
        c.ids.push_back(i + 1);
        c.positions.emplace_back(1.5 * i, 0.7 * i, 0.3 * i);
        c.forces.emplace_back(0.1 * i, 0.0, -0.1 * i);
    }
    c.energy = -30.0;
    c.plus_stress = std::array<double, 6>{1, 2, 3, 0.4, 0.5, 0.6};
    return c;
}

mtpc::sdk::LossTarget target_for(const std::string& weighting) {
    const mtpc::LossWeights weights{2.0, 0.5, 0.25, weighting};
    const mtpc::TrainingSet set({four_atoms()}, 2, 4.0, weights, "four_atoms");
    return set.items().at(0).target;
}

TEST(TrainingSet, VibrationsWeightingDividesEnergyAndStressByN) {
    const auto t = target_for("vibrations");
    EXPECT_EQ(t.w_energy, 2.0 / 4);
    EXPECT_EQ(t.w_forces, 0.5);
    EXPECT_EQ(t.w_stress, 0.25 / 4);
    EXPECT_FALSE(t.stress_voigt);
}

TEST(TrainingSet, Eq8WeightingIsThePapersLossExactly) {
    // Eq. (8): w_e (E − E_DFT)² + w_f Σ|Δf|² + w_s Σ_{i=1..6} (Δσ_i)², no per-configuration 1/N and
    // each of the 6 stress components once.
    const auto t = target_for("eq8");
    EXPECT_EQ(t.w_energy, 2.0);
    EXPECT_EQ(t.w_forces, 0.5);
    EXPECT_EQ(t.w_stress, 0.25);
    EXPECT_TRUE(t.stress_voigt);
    // "molecules" has the same weights but MLIP-2's 3×3 virial.
    const auto molecules = target_for("molecules");
    EXPECT_EQ(molecules.w_energy, 2.0);
    EXPECT_EQ(molecules.w_stress, 0.25);
    EXPECT_FALSE(molecules.stress_voigt);
}

}  // namespace
