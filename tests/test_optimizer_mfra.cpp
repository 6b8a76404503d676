// optimizer-mfra (RankAugmentingBfgs) on synthetic low-rank objectives with known minima.
#include <gtest/gtest.h>

#include <Eigen/SVD>

#include <nlohmann/json.hpp>

#include <cstring>
#include <stdexcept>
#include <vector>

#include "FullRadial.hpp"
#include "MatrixFactorizationRadial.hpp"
#include "RankAugmentingBfgs.hpp"
#include "mtpc_plugin_common/seeded_random.hpp"

namespace {

using mtpc::sdk::RadialShape;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

const RadialShape kShape{4, 4, 8};  // Ĉ is 16 × 32
constexpr int kLinear = 5;

/// L(x, C) = |x − x*|² + D(Ĉ), D = |Ĉ − Ĉ*|²_F or Gaussian matrix sensing Σ_k (⟨A_k, Ĉ − Ĉ*⟩)²,
/// with Ĉ* of rank r*; both have minimum 0 exactly at Ĉ = Ĉ* (sensing: for enough measurements).
class LowRankObjective final : public mtpc::sdk::Objective {
public:
    LowRankObjective(int target_rank, int measurements, std::uint64_t seed) : measurements_(measurements) {
        mtpc::plugin_common::SeededRandom rng(seed);
        MatrixXd A(kShape.rows(), target_rank), B(kShape.cols(), target_rank);
        for (int i = 0; i < A.size(); ++i) A.data()[i] = rng.normal();
        for (int i = 0; i < B.size(); ++i) B.data()[i] = rng.normal();
        target_ = A * B.transpose();
        x_target_.resize(kLinear);
        for (int i = 0; i < kLinear; ++i) x_target_[i] = rng.normal();
        if (measurements_ > 0) {
            sensing_.resize(measurements_, kShape.size());
            for (int i = 0; i < sensing_.size(); ++i) sensing_.data()[i] = rng.normal() / std::sqrt(double(measurements_));
        }
    }
    int euclidean_size() const override { return kLinear; }
    RadialShape radial_shape() const override { return kShape; }
    double evaluate(const double* x, const double* C, double* dL_dx, double* dL_dC) override {
        const VectorXd dx = Eigen::Map<const VectorXd>(x, kLinear) - x_target_;
        const VectorXd e = Eigen::Map<const VectorXd>(C, kShape.size()) -
                           Eigen::Map<const VectorXd>(target_.data(), target_.size());
        if (dL_dx != nullptr) Eigen::Map<VectorXd>(dL_dx, kLinear) = 2 * dx;
        if (measurements_ == 0) {
            if (dL_dC != nullptr) Eigen::Map<VectorXd>(dL_dC, kShape.size()) = 2 * e;
            return dx.squaredNorm() + e.squaredNorm();
        }
        const VectorXd residual = sensing_ * e;
        if (dL_dC != nullptr) Eigen::Map<VectorXd>(dL_dC, kShape.size()) = 2 * (sensing_.transpose() * residual);
        return dx.squaredNorm() + residual.squaredNorm();
    }
    bool report(const mtpc::sdk::ProgressReport& progress) override {
        reports.push_back(progress);
        return stop_after <= 0 || static_cast<int>(reports.size()) < stop_after;
    }
    const RowMajor& target() const { return target_; }

    std::vector<mtpc::sdk::ProgressReport> reports;
    int stop_after = 0;

private:
    int measurements_;
    RowMajor target_;
    VectorXd x_target_;
    MatrixXd sensing_;
};

std::string mf_options(int rank) {
    return R"({"n_species": 4, "n_funcs": 4, "n_basis": 8, "rank": )" + std::to_string(rank) + "}";
}

mtpc::sdk::OptimizerState random_start(const mtpc::sdk::RadialParameterization& param, std::uint64_t seed) {
    mtpc::sdk::OptimizerState state;
    state.x = VectorXd::Zero(kLinear);
    state.theta.resize(param.num_parameters());
    param.initialize_random(seed, 1.0, state.theta.data());
    return state;
}

void expect_monotone(const LowRankObjective& objective) {
    ASSERT_FALSE(objective.reports.empty());
    for (std::size_t k = 1; k < objective.reports.size(); ++k)
        EXPECT_LE(objective.reports[k].loss, objective.reports[k - 1].loss) << "report " << k;
}

int numerical_rank(const VectorXd& radial) {
    const MatrixXd A = Eigen::Map<const RowMajor>(radial.data(), kShape.rows(), kShape.cols());
    const VectorXd s = Eigen::JacobiSVD<MatrixXd>(A).singularValues();
    int r = 0;
    while (r < s.size() && s[r] > 1e-8 * s[0]) ++r;
    return r;
}

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
    LowRankObjective objective(4, 0, 31);
    const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(1));
    auto state = random_start(param, 3);
    mtpc::mfra::RankAugmentingBfgs(
        R"({"rank_max": 4, "augment_every": 30, "gradient_tolerance": 1e-9, "function_tolerance": 0, "max_iterations": 2000})")
        .minimize(objective, param, state);
    EXPECT_TRUE(state.converged) << state.message;
    expect_monotone(objective);
    EXPECT_EQ(rank_history(objective), (std::vector<int>{1, 2, 3, 4}));
    EXPECT_LT(objective.reports.back().loss, 1e-14 * objective.reports.front().loss);
    EXPECT_EQ(numerical_rank(state.radial), 4);
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
    LowRankObjective objective(3, 400, 32);
    const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(1));
    auto state = random_start(param, 4);
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
    LowRankObjective objective(2, 0, 33);
    const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(2));
    auto state = random_start(param, 5);
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
        LowRankObjective objective(3, 400, 34);
        const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(1));
        auto state = random_start(param, 6);
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
    LowRankObjective objective(3, 0, 35);
    objective.stop_after = 4;
    const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(1));
    auto state = random_start(param, 7);
    state.iterations_done = 100;
    mtpc::mfra::RankAugmentingBfgs(R"({"rank_max": 3})").minimize(objective, param, state);
    EXPECT_TRUE(state.interrupted);
    EXPECT_EQ(objective.reports.size(), 4u);
    EXPECT_EQ(objective.reports.front().iteration, 101);
    EXPECT_EQ(state.iterations_done, 104);

    LowRankObjective limited(3, 0, 35);
    auto again = random_start(param, 7);
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
    LowRankObjective objective(2, 0, 36);
    const mtpc::radial_full::FullRadial full(R"({"n_species": 4, "n_funcs": 4, "n_basis": 8})");
    auto state = random_start(full, 8);
    EXPECT_THROW(mtpc::mfra::RankAugmentingBfgs(R"({"rank_max": 17})").minimize(objective, full, state),
                 std::invalid_argument);
}

}  // namespace
