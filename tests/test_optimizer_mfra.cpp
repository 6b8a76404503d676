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

/// The rank at each reported iteration.
std::vector<int> ranks_by_report(const LowRankObjective& objective) {
    std::vector<int> ranks;
    for (const auto& r : objective.reports) ranks.push_back(r.rank);
    return ranks;
}

TEST(RankAugmentingBfgs, Algorithm1RaisesTheRankExactlyAfterBfgsSteps_s_2s_3s) {
    // "iteration_count": "bfgs_steps", s = 5, r_min = Δr = 2, r_max = 6 (the paper's r_min = Δr):
    // BFGS step k runs at rank 2 + 2⌊(k − 1)/5⌋ (capped at 6), i.e. augmentations follow steps
    // 5 and 10 and no others; only BFGS steps are iterations, so the 30 reports are steps 1..30.
    // Tolerances 0 so that no stall can trigger an early augmentation.
    LowRankObjective objective(kProblem, 6, 0, 37);
    const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(2));
    auto state = random_start(objective, param, 9);
    mtpc::mfra::RankAugmentingBfgs(
        R"({"rank_max": 6, "rank_step": 2, "augment_every": 5, "iteration_count": "bfgs_steps",
            "augmentation_split": "paper", "line_search": "armijo_doubling",
            "gradient_tolerance": 0, "function_tolerance": 0, "max_iterations": 30})")
        .minimize(objective, param, state);
    ASSERT_EQ(objective.reports.size(), 30u);
    std::vector<int> expected;
    for (int k = 1; k <= 30; ++k) {
        expected.push_back(std::min(6, 2 + 2 * ((k - 1) / 5)));
        EXPECT_EQ(objective.reports[k - 1].iteration, k);
    }
    EXPECT_EQ(ranks_by_report(objective), expected);
    EXPECT_EQ(state.iterations_done, 30);
    expect_monotone(objective);
    const auto options = nlohmann::json::parse(state.new_parameterization_options);
    EXPECT_EQ(options.at("rank").get<int>(), 6);
}

TEST(RankAugmentingBfgs, AllStepsCountingAugmentsAfter_s_StepsAtEachRankAndCountsIt) {
    // The default schedule: s BFGS steps at a rank, then an augmentation that is itself an
    // iteration (reported, at the new rank).  s = 5, rank 1 → 3: iterations 1–5 at rank 1, 6 the
    // augmentation to 2, 7–11 BFGS at 2, 12 the augmentation to 3, then rank 3.
    LowRankObjective objective(kProblem, 3, 0, 38);
    const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(1));
    auto state = random_start(objective, param, 10);
    mtpc::mfra::RankAugmentingBfgs(
        R"({"rank_max": 3, "augment_every": 5, "gradient_tolerance": 0, "function_tolerance": 0, "max_iterations": 15})")
        .minimize(objective, param, state);
    EXPECT_EQ(ranks_by_report(objective), (std::vector<int>{1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3}));
}

TEST(RankAugmentingBfgs, TheAugmentationSplitChangesTheGaugeNotTheAugmentedMatrix) {
    // Algorithm 1's split and the balanced one put the same Ĉ − h U_Δ Σ_Δ V_Δᵀ behind the
    // augmentation (same line search, same h, so the reported loss agrees to rounding), but
    // different factors, so the BFGS steps after it differ.
    std::vector<double> losses[2];
    const char* splits[2] = {"balanced", "paper"};
    for (int run = 0; run < 2; ++run) {
        LowRankObjective objective(kProblem, 3, 0, 39);
        const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(1));
        auto state = random_start(objective, param, 11);
        mtpc::mfra::RankAugmentingBfgs(std::string(R"({"rank_max": 2, "augment_every": 5, "max_iterations": 8, )") +
                                       R"("augmentation_split": ")" + splits[run] + R"("})")
            .minimize(objective, param, state);
        for (const auto& r : objective.reports) losses[run].push_back(r.loss);
    }
    ASSERT_EQ(losses[0].size(), 8u);
    ASSERT_EQ(losses[1].size(), 8u);
    for (int k = 0; k < 5; ++k) EXPECT_EQ(losses[0][k], losses[1][k]);  // identical before it
    EXPECT_NEAR(losses[0][5], losses[1][5], 1e-12 * losses[0][5]);      // the augmentation
    EXPECT_NE(losses[0][7], losses[1][7]);                              // BFGS in another gauge
}

/// A fixed-rank (rank 2 of a rank-4 target) MFRA run of `iterations` on a host that does or does
/// not offer the exact linear solve.
struct FixedRankRun {
    LowRankObjective objective{kProblem, 4, 0, 37};
    mtpc::sdk::OptimizerState state;
    FixedRankRun(const std::string& schedule, int iterations, bool host_solves) {
        objective.offers_linear_solve = host_solves;
        const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(2));
        state = random_start(objective, param, 12);
        mtpc::mfra::RankAugmentingBfgs(R"({"rank_min": 2, "rank_max": 2, "gradient_tolerance": 0, )"
                                       R"("function_tolerance": 0, "max_iterations": )" +
                                       std::to_string(iterations) + (schedule.empty() ? "" : ", " + schedule) + "}")
            .minimize(objective, param, state);
    }
};

TEST(RankAugmentingBfgs, ReSolvesTheLinearBlockOnTheScheduleAndAtTheEnd) {
    // linear_first 5, linear_every 20: after iterations 5, 15 (5 + 10) and 35 (15 + 20), and at
    // the end (40).  The host's solve sets x = x*, so the result's x is x* exactly.
    FixedRankRun run(R"("linear_first": 5, "linear_every": 20)", 40, true);
    ASSERT_EQ(run.objective.reports.size(), 40u) << run.state.message;
    EXPECT_EQ(run.objective.linear_solves_after_reports, (std::vector<int>{5, 15, 35, 40}));
    expect_monotone(run.objective);  // each re-solve lowers the loss
    EXPECT_EQ(run.state.x, run.objective.x_target());

    FixedRankRun defaults("", 60, true);  // the defaults: first after 50, then at the end
    EXPECT_EQ(defaults.objective.linear_solves_after_reports, (std::vector<int>{50, 60}));
}

TEST(RankAugmentingBfgs, WithoutAHostSolveOrWithPeriodZeroTheRunIsUnchanged) {
    // A host without the solve (mtpc check-plugin's objective) and linear_every 0 give the same
    // run, bit for bit: the schedule costs nothing where it cannot act.
    FixedRankRun no_host(R"("linear_first": 5, "linear_every": 20)", 40, false);
    FixedRankRun off(R"("linear_every": 0)", 40, true);
    EXPECT_TRUE(off.objective.linear_solves_after_reports.empty());
    ASSERT_EQ(no_host.objective.reports.size(), off.objective.reports.size());
    for (std::size_t k = 0; k < off.objective.reports.size(); ++k)
        EXPECT_EQ(no_host.objective.reports[k].loss, off.objective.reports[k].loss) << "report " << k;
    EXPECT_GT((off.state.x - off.objective.x_target()).norm(), 0.0);
}

TEST(RankAugmentingBfgs, RejectsBadOptions) {
    EXPECT_THROW(mtpc::mfra::RankAugmentingBfgs(R"({"rank_min": 4, "rank_max": 2})"), std::invalid_argument);
    EXPECT_THROW(mtpc::mfra::RankAugmentingBfgs(R"({"augment_every": 0})"), std::invalid_argument);
    EXPECT_THROW(mtpc::mfra::RankAugmentingBfgs(R"({"rank_step": 2.5})"), std::invalid_argument);
    EXPECT_THROW(mtpc::mfra::RankAugmentingBfgs(R"({"iteration_count": "bfgs"})"), std::invalid_argument);
    EXPECT_THROW(mtpc::mfra::RankAugmentingBfgs(R"({"augmentation_split": "even"})"), std::invalid_argument);
    EXPECT_THROW(mtpc::mfra::RankAugmentingBfgs(R"({"line_search": "armijo"})"), std::invalid_argument);
    EXPECT_THROW(mtpc::mfra::RankAugmentingBfgs(R"({"linear_every": -1})"), std::invalid_argument);
    EXPECT_THROW(mtpc::mfra::RankAugmentingBfgs(R"({"linear_first": 2.5})"), std::invalid_argument);
    LowRankObjective objective(kProblem, 2, 0, 36);
    const mtpc::radial_full::FullRadial full(R"({"n_species": 4, "n_funcs": 4, "n_basis": 8})");
    auto state = random_start(objective, full, 8);
    EXPECT_THROW(mtpc::mfra::RankAugmentingBfgs(R"({"rank_max": 17})").minimize(objective, full, state),
                 std::invalid_argument);
}

}  // namespace
