// TrainingSet: the per-configuration loss weights of each "loss.weighting", and the closest pair
// of each species pair (what training logs as where the data stop describing that pair).
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
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

TEST(TrainingSet, RecordsTheClosestPairOfEachSpeciesPair) {
    // four_atoms: types 0 1 0 1 along steps (1.5, 0.7, 0.3) in a 6 Å cube.  Unlike neighbours are one
    // step apart, like ones two (3 Å along x is also the minimum image); species 2 is absent.
    const mtpc::TrainingSet set({four_atoms()}, 3, 4.0, {}, "four_atoms");
    const auto& closest = set.closest_by_species();
    ASSERT_EQ(closest.size(), 9u);
    const double step = std::sqrt(1.5 * 1.5 + 0.7 * 0.7 + 0.3 * 0.3);
    EXPECT_NEAR(closest[0 * 3 + 1], step, 1e-12);
    EXPECT_NEAR(closest[1 * 3 + 0], step, 1e-12);
    EXPECT_NEAR(closest[0 * 3 + 0], 2 * step, 1e-12);
    EXPECT_NEAR(closest[1 * 3 + 1], 2 * step, 1e-12);
    for (int z = 0; z < 3; ++z) {
        EXPECT_EQ(closest[2 * 3 + z], std::numeric_limits<double>::infinity());
        EXPECT_EQ(closest[z * 3 + 2], std::numeric_limits<double>::infinity());
    }
}

}  // namespace
