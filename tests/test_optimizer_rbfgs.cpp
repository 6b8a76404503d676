// optimizer-rbfgs (RiemannianBfgs) on synthetic low-rank objectives with known minima.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "FullRadial.hpp"
#include "MatrixFactorizationRadial.hpp"
#include "RiemannianBfgs.hpp"
#include "lowrank_test_objective.hpp"

namespace {

using namespace mtpc::test;
using Eigen::VectorXd;

// N_T = 4, N_f = 4, N_b = 8: Ĉ is 16 × 32, the paper's level-14 shape.
const mtpc::sdk::RadialShape kShape = kLowRankShape;
/// Seven linear parameters (the Euclidean block x); the sensing residual as A·Ĉ − A·Ĉ*.
const LowRankProblem kProblem{7, SensingResidual::kMinusObserved};
/// Singular values below this fraction of σ_max count as zero in numerical_rank.
constexpr double kRankThreshold = 1e-10;

// Gradient tolerance 1e-9 and function tolerance 0 make the stopping point explicit: near the
// minimum L − L* ≈ |grad|²/(4·curvature) with curvature ~1 here (the Frobenius term has Hessian 2I
// in the tangent directions), so L − L* ≲ 1e-18 at the stop.  We assert 1e-14 relative to the
// start loss (~10³), leaving ample room for rounding in Ĉ (|Ĉ| ~ 30, entries summed in 512 terms).
const char* kTight = R"({"gradient_tolerance": 1e-9, "function_tolerance": 0, "max_iterations": 500})";

TEST(RiemannianBfgs, RecoversAnExactlyLowRankTargetMonotonically) {
    LowRankObjective objective(kProblem, 3, 0, 11);
    const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(3));
    auto state = random_start(objective, param, 5);
    mtpc::rbfgs::RiemannianBfgs(kTight).minimize(objective, param, state);
    EXPECT_TRUE(state.converged) << state.message;
    expect_monotone(objective);
    const double start_loss = objective.reports.front().loss;
    EXPECT_LT(objective.reports.back().loss, 1e-14 * start_loss);
    const VectorXd target = Eigen::Map<const VectorXd>(objective.target().data(), kShape.size());
    EXPECT_LT((state.radial - target).norm(), 1e-7 * target.norm());
    EXPECT_EQ(numerical_rank(state.radial, kRankThreshold), 3);
    // θ is radial-mf's representation of the result.
    VectorXd C(kShape.size());
    param.materialize(state.theta.data(), C.data());
    EXPECT_LT((C - state.radial).norm(), 1e-12 * target.norm());
    EXPECT_EQ(state.iterations_done, static_cast<int>(objective.reports.size()));
    EXPECT_GT(state.evaluations, state.iterations_done);
}

/// Algorithm 2 as the paper writes it: its Armijo doubling/halving search, H̃ = T H T⁻¹ without
/// symmetrisation, and H₀ = I.
const char* kPaperForm = R"({"line_search": "armijo_doubling", "hessian_transport": "plain", "radial_metric": "euclidean",
                             "sufficient_decrease": 1e-4, "gradient_tolerance": 1e-9, "function_tolerance": 0,
                             "max_iterations": 500})";

TEST(RiemannianBfgs, Algorithm2AsWrittenRecoversAnExactlyLowRankTarget) {
    LowRankObjective objective(kProblem, 3, 0, 11);
    const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(3));
    auto state = random_start(objective, param, 5);
    mtpc::rbfgs::RiemannianBfgs(kPaperForm).minimize(objective, param, state);
    EXPECT_TRUE(state.converged) << state.message;
    expect_monotone(objective);
    EXPECT_LT(objective.reports.back().loss, 1e-14 * objective.reports.front().loss);
    const VectorXd target = Eigen::Map<const VectorXd>(objective.target().data(), kShape.size());
    EXPECT_LT((state.radial - target).norm(), 1e-7 * target.norm());
    // Every accepted step is a power of two (Algorithm 2's α starts at 1 and only doubles/halves).
    for (const auto& r : objective.reports) {
        int exponent = 0;
        EXPECT_EQ(std::frexp(r.step, &exponent), 0.5) << "step " << r.step << " at iteration " << r.iteration;
    }
}

TEST(RiemannianBfgs, Algorithm2AsWrittenSolvesLowRankMatrixSensing) {
    LowRankObjective objective(kProblem, 2, 300, 13);
    const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(2));
    auto state = random_start(objective, param, 7);
    mtpc::rbfgs::RiemannianBfgs(kPaperForm).minimize(objective, param, state);
    EXPECT_TRUE(state.converged) << state.message;
    expect_monotone(objective);
    EXPECT_LT(objective.reports.back().loss, 1e-14 * objective.reports.front().loss);
}

TEST(RiemannianBfgs, ReachesTheEckartYoungMinimumBelowTheTargetRank) {
    LowRankObjective objective(kProblem, 5, 0, 12);
    const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(2));
    auto state = random_start(objective, param, 6);
    mtpc::rbfgs::RiemannianBfgs(kTight).minimize(objective, param, state);
    EXPECT_TRUE(state.converged) << state.message;
    expect_monotone(objective);
    const double minimum = objective.frobenius_minimum(2);  // x contributes 0 at x = x*
    EXPECT_NEAR(objective.reports.back().loss, minimum, 1e-10 * minimum);
    EXPECT_EQ(numerical_rank(state.radial, kRankThreshold), 2);
}

TEST(RiemannianBfgs, SolvesLowRankMatrixSensing) {
    // r* = 3: the manifold has 3·(16+32−3) = 135 dimensions; 400 Gaussian measurements of the
    // 512 entries make the rank-3 solution unique (far above the 2·135 needed generically).
    LowRankObjective objective(kProblem, 3, 400, 13);
    const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(3));
    auto state = random_start(objective, param, 7);
    mtpc::rbfgs::RiemannianBfgs(kTight).minimize(objective, param, state);
    EXPECT_TRUE(state.converged) << state.message;
    expect_monotone(objective);
    EXPECT_LT(objective.reports.back().loss, 1e-14 * objective.reports.front().loss);
    const VectorXd target = Eigen::Map<const VectorXd>(objective.target().data(), kShape.size());
    EXPECT_LT((state.radial - target).norm(), 1e-6 * target.norm());
}

TEST(RiemannianBfgs, IsBitForBitDeterministic) {
    std::vector<double> losses[2];
    VectorXd radial[2], x[2];
    for (int run = 0; run < 2; ++run) {
        LowRankObjective objective(kProblem, 3, 400, 21);
        const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(3));
        auto state = random_start(objective, param, 8);
        mtpc::rbfgs::RiemannianBfgs(R"({"max_iterations": 40})").minimize(objective, param, state);
        for (const auto& r : objective.reports) losses[run].push_back(r.loss);
        radial[run] = state.radial;
        x[run] = state.x;
    }
    ASSERT_EQ(losses[0].size(), losses[1].size());
    EXPECT_EQ(0, std::memcmp(losses[0].data(), losses[1].data(), sizeof(double) * losses[0].size()));
    EXPECT_EQ(0, std::memcmp(radial[0].data(), radial[1].data(), sizeof(double) * radial[0].size()));
    EXPECT_EQ(0, std::memcmp(x[0].data(), x[1].data(), sizeof(double) * x[0].size()));
}

/// Resumes the run `full` made with `options` from its restart point `index` (after iteration `at`)
/// on `resumed`, a fresh copy of its objective, and expects the rest of the run bit for bit: every
/// report's iteration and loss, the final Ĉ and x (`finished`: the uninterrupted run's result).
void expect_resume_reproduces(const char* options, const mtpc::radial_mf::MatrixFactorizationRadial& param,
                              LowRankObjective& resumed, const LowRankObjective& full,
                              const mtpc::sdk::OptimizerState& finished, std::size_t index, int at) {
    mtpc::sdk::OptimizerState again;
    again.x = full.restart_x.at(index);
    again.theta = full.restart_theta.at(index);
    again.iterations_done = at;
    mtpc::rbfgs::RiemannianBfgs(options).minimize(resumed, param, again);
    const std::size_t rest = full.reports.size() - static_cast<std::size_t>(at);
    ASSERT_EQ(resumed.reports.size(), rest);
    for (std::size_t k = 0; k < rest; ++k) {
        EXPECT_EQ(resumed.reports[k].iteration, full.reports[k + at].iteration);
        EXPECT_EQ(resumed.reports[k].loss, full.reports[k + at].loss) << "iteration " << k + at + 1;
    }
    EXPECT_EQ(0, std::memcmp(again.radial.data(), finished.radial.data(), sizeof(double) * finished.radial.size()));
    EXPECT_EQ(again.x, finished.x);
}

TEST(RiemannianBfgs, ResumingFromARestartPointReproducesTheRun) {
    const char* options = R"({"max_iterations": 30, "restart_every": 10, "function_tolerance": 0, "gradient_tolerance": 0})";
    const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(3));
    LowRankObjective full(kProblem, 3, 400, 22);
    full.theta_size = param.num_parameters();
    auto state = random_start(full, param, 9);
    mtpc::rbfgs::RiemannianBfgs(options).minimize(full, param, state);
    ASSERT_EQ(full.reports.size(), 30u);
    ASSERT_EQ(full.restart_x.size(), 3u);  // iterations 10, 20, 30
    EXPECT_TRUE(full.reports[9].restart_point);
    EXPECT_FALSE(full.reports[8].restart_point);

    LowRankObjective resumed(kProblem, 3, 400, 22);
    expect_resume_reproduces(options, param, resumed, full, state, 0, 10);
}

TEST(RiemannianBfgs, ReSolvesTheLinearBlockAtRestartPointsAndResumesThroughThem) {
    // linear_first 5, linear_every 20: re-solves after iterations 5, 15 and 35, each as a restart
    // (a restart point whose x is the host's solution x*), and at the end (40).
    const char* options = R"({"max_iterations": 40, "linear_first": 5, "linear_every": 20, )"
                          R"("function_tolerance": 0, "gradient_tolerance": 0})";
    const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(3));
    LowRankObjective full(kProblem, 3, 400, 23);
    full.offers_linear_solve = true;
    full.theta_size = param.num_parameters();
    auto state = random_start(full, param, 13);
    mtpc::rbfgs::RiemannianBfgs(options).minimize(full, param, state);
    ASSERT_EQ(full.reports.size(), 40u) << state.message;
    EXPECT_EQ(full.linear_solves_after_reports, (std::vector<int>{4, 14, 34, 40}));
    ASSERT_EQ(full.restart_x.size(), 3u);
    EXPECT_TRUE(full.reports[4].restart_point);
    EXPECT_EQ(full.restart_x[0], full.x_target());
    expect_monotone(full);
    EXPECT_EQ(state.x, full.x_target());

    LowRankObjective resumed(kProblem, 3, 400, 23);  // from the re-solve after iteration 15
    resumed.offers_linear_solve = true;
    expect_resume_reproduces(options, param, resumed, full, state, 1, 15);
}

TEST(RiemannianBfgs, StopsPromptlyWhenTheHostAsks) {
    LowRankObjective objective(kProblem, 3, 0, 14);
    objective.stop_after = 3;
    const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(3));
    auto state = random_start(objective, param, 10);
    mtpc::rbfgs::RiemannianBfgs(kTight).minimize(objective, param, state);
    EXPECT_TRUE(state.interrupted);
    EXPECT_FALSE(state.converged);
    EXPECT_EQ(objective.reports.size(), 3u);
    EXPECT_EQ(state.iterations_done, 3);
    EXPECT_EQ(state.radial.size(), kShape.size());
}

TEST(RiemannianBfgs, RankComesFromTheOptionOrTheParameterization) {
    LowRankObjective objective(kProblem, 4, 0, 15);
    const mtpc::radial_full::FullRadial full(R"({"n_species": 4, "n_funcs": 4, "n_basis": 8})");
    auto state = random_start(objective, full, 11);
    EXPECT_THROW(mtpc::rbfgs::RiemannianBfgs("{}").minimize(objective, full, state), std::invalid_argument);
    mtpc::rbfgs::RiemannianBfgs(R"({"rank": 2, "max_iterations": 50})").minimize(objective, full, state);
    EXPECT_EQ(numerical_rank(state.radial, kRankThreshold), 2);
    EXPECT_EQ(state.theta.size(), kShape.size());  // radial-full: θ = C
    EXPECT_THROW(mtpc::rbfgs::RiemannianBfgs(R"({"rank": 0})"), std::invalid_argument);
    EXPECT_THROW(mtpc::rbfgs::RiemannianBfgs(R"({"sufficient_decrease": 0.7})"), std::invalid_argument);
    EXPECT_THROW(mtpc::rbfgs::RiemannianBfgs(R"({"rnak": 2})"), std::invalid_argument);
    EXPECT_THROW(mtpc::rbfgs::RiemannianBfgs(R"({"hessian_transport": "exact"})"), std::invalid_argument);
    EXPECT_THROW(mtpc::rbfgs::RiemannianBfgs(R"({"line_search": "armijo"})"), std::invalid_argument);
    EXPECT_THROW(mtpc::rbfgs::RiemannianBfgs(R"({"linear_every": -5})"), std::invalid_argument);
}

}  // namespace
