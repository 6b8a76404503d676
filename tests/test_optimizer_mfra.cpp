// optimizer-mfra (RankAugmentingBfgs) on synthetic low-rank objectives with known minima.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstring>
#include <stdexcept>
#include <vector>

#include "FullRadial.hpp"
#include "MatrixFactorizationRadial.hpp"
#include "RankAugmentingBfgs.hpp"
#include "lowrank_test_objective.hpp"

namespace {

using namespace mtpc::test;
using Eigen::VectorXd;

const mtpc::sdk::RadialShape kShape = kLowRankShape;  // Ĉ is 16 × 32
/// Five linear parameters; the sensing residual as A(Ĉ − Ĉ*).  See LowRankObjective.
const LowRankProblem kProblem{5, SensingResidual::kOfDifference};
/// Singular values below this fraction of σ_max count as zero in numerical_rank.
constexpr double kRankThreshold = 1e-8;

/// Ranks seen in the reports, in order of first appearance.
std::vector<int> rank_history(const LowRankObjective& objective) {
    std::vector<int> ranks;
    for (const auto& r : objective.reports)
        if (ranks.empty() || ranks.back() != r.rank) ranks.push_back(r.rank);
    return ranks;
}

TEST(RankAugmentingBfgs, GrowsTheRankToTheTargetsAndFitsIt) {
    // Start at rank 1 below r* = 4 with rank_max = r*: the rank-1 optimum leaves the residual
    // Ĉ* − Ĉ of rank 3, so each augmentation must find descent and the run must end at rank 4
    // with loss 0.  Gradient tolerance 1e-9 (function tolerance 0): |G| = 2|Ĉ − Ĉ*| ≤ ~1e-9 bounds
    // L ≲ 1e-18 at the stop (up to the Hessian's conditioning in the factors); we assert 1e-14
    // relative to the start loss.
    LowRankObjective objective(kProblem, 4, 0, 31);
    const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(1));
    auto state = random_start(objective, param, 3);
    mtpc::mfra::RankAugmentingBfgs(
        R"({"rank_max": 4, "augment_every": 30, "gradient_tolerance": 1e-9, "function_tolerance": 0, "max_iterations": 2000})")
        .minimize(objective, param, state);
    EXPECT_TRUE(state.converged) << state.message;
    expect_monotone(objective);
    EXPECT_EQ(rank_history(objective), (std::vector<int>{1, 2, 3, 4}));
    EXPECT_LT(objective.reports.back().loss, 1e-14 * objective.reports.front().loss);
    EXPECT_EQ(numerical_rank(state.radial, kRankThreshold), 4);
    const VectorXd target = Eigen::Map<const VectorXd>(objective.target().data(), kShape.size());
    EXPECT_LT((state.radial - target).norm(), 1e-7 * target.norm());
    // The parameterization changed: radial-mf's options with the final rank, θ left to the host.
    const auto options = nlohmann::json::parse(state.new_parameterization_options);
    EXPECT_EQ(options.at("rank").get<int>(), 4);
    EXPECT_EQ(options.at("n_species").get<int>(), 4);
    EXPECT_EQ(state.theta.size(), 0);
}

TEST(RankAugmentingBfgs, GrowsTheRankOnMatrixSensing) {
    // r* = 3 from r_min = 1 with 400 Gaussian measurements of the 512 entries; augmentation every
    // 40 BFGS steps.  Same tolerance argument as above; recovery of Ĉ* itself needs uniqueness,
    // which 400 ≫ 2·dim M_3 = 270 measurements give.
    LowRankObjective objective(kProblem, 3, 400, 32);
    const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(1));
    auto state = random_start(objective, param, 4);
    mtpc::mfra::RankAugmentingBfgs(
        R"({"rank_max": 3, "augment_every": 40, "gradient_tolerance": 1e-9, "function_tolerance": 0, "max_iterations": 3000})")
        .minimize(objective, param, state);
    EXPECT_TRUE(state.converged) << state.message;
    expect_monotone(objective);
    EXPECT_EQ(rank_history(objective), (std::vector<int>{1, 2, 3}));
    EXPECT_LT(objective.reports.back().loss, 1e-14 * objective.reports.front().loss);
    const VectorXd target = Eigen::Map<const VectorXd>(objective.target().data(), kShape.size());
    EXPECT_LT((state.radial - target).norm(), 1e-6 * target.norm());
}

TEST(RankAugmentingBfgs, KeepsTheRankWhenTheStartRankSuffices) {
    // r* = 2 = rank_min < rank_max = 5: at the rank-2 optimum G = 0, so no augmentation may
    // happen, and with an unchanged rank θ is returned in radial-mf's layout.  The Shanno–Phua
    // initial scaling makes BFGS converge on this well-conditioned problem (~50 steps) before the
    // first scheduled augmentation (80), so the test exercises the "stalled at the optimum" path.
    LowRankObjective objective(kProblem, 2, 0, 33);
    const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(2));
    auto state = random_start(objective, param, 5);
    mtpc::mfra::RankAugmentingBfgs(
        R"({"rank_max": 5, "gradient_tolerance": 1e-9, "function_tolerance": 0, "initial_hessian": "scaled"})")
        .minimize(objective, param, state);
    EXPECT_TRUE(state.converged) << state.message;
    EXPECT_EQ(rank_history(objective), (std::vector<int>{2}));
    EXPECT_TRUE(state.new_parameterization_options.empty());
    ASSERT_EQ(state.theta.size(), param.num_parameters());
    VectorXd C(kShape.size());
    param.materialize(state.theta.data(), C.data());
    EXPECT_LT((C - state.radial).norm(), 1e-12 * state.radial.norm());
}

TEST(RankAugmentingBfgs, IsBitForBitDeterministic) {
    std::vector<double> losses[2];
    VectorXd radial[2];
    for (int run = 0; run < 2; ++run) {
        LowRankObjective objective(kProblem, 3, 400, 34);
        const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(1));
        auto state = random_start(objective, param, 6);
        mtpc::mfra::RankAugmentingBfgs(R"({"rank_max": 3, "augment_every": 10, "max_iterations": 60})")
            .minimize(objective, param, state);
        for (const auto& r : objective.reports) losses[run].push_back(r.loss);
        radial[run] = state.radial;
    }
    ASSERT_EQ(losses[0].size(), losses[1].size());
    EXPECT_EQ(0, std::memcmp(losses[0].data(), losses[1].data(), sizeof(double) * losses[0].size()));
    EXPECT_EQ(0, std::memcmp(radial[0].data(), radial[1].data(), sizeof(double) * radial[0].size()));
}

TEST(RankAugmentingBfgs, StopsPromptlyAndHonoursIterationsDone) {
    LowRankObjective objective(kProblem, 3, 0, 35);
    objective.stop_after = 4;
    const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(1));
    auto state = random_start(objective, param, 7);
    state.iterations_done = 100;
    mtpc::mfra::RankAugmentingBfgs(R"({"rank_max": 3})").minimize(objective, param, state);
    EXPECT_TRUE(state.interrupted);
    EXPECT_EQ(objective.reports.size(), 4u);
    EXPECT_EQ(objective.reports.front().iteration, 101);
    EXPECT_EQ(state.iterations_done, 104);

    LowRankObjective limited(kProblem, 3, 0, 35);
    auto again = random_start(limited, param, 7);
    again.iterations_done = 995;  // default max_iterations 1000: five more at most
    mtpc::mfra::RankAugmentingBfgs(R"({"rank_max": 3})").minimize(limited, param, again);
    EXPECT_EQ(limited.reports.size(), 5u);
    EXPECT_EQ(again.iterations_done, 1000);
    EXPECT_FALSE(again.converged);
}

TEST(RankAugmentingBfgs, RejectsBadOptions) {
    EXPECT_THROW(mtpc::mfra::RankAugmentingBfgs(R"({"rank_min": 4, "rank_max": 2})"), std::invalid_argument);
    EXPECT_THROW(mtpc::mfra::RankAugmentingBfgs(R"({"augment_every": 0})"), std::invalid_argument);
    EXPECT_THROW(mtpc::mfra::RankAugmentingBfgs(R"({"rank_step": 2.5})"), std::invalid_argument);
    LowRankObjective objective(kProblem, 2, 0, 36);
    const mtpc::radial_full::FullRadial full(R"({"n_species": 4, "n_funcs": 4, "n_basis": 8})");
    auto state = random_start(objective, full, 8);
    EXPECT_THROW(mtpc::mfra::RankAugmentingBfgs(R"({"rank_max": 17})").minimize(objective, full, state),
                 std::invalid_argument);
}

}  // namespace
