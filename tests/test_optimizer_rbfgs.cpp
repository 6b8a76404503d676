// optimizer-rbfgs (RiemannianBfgs) on synthetic low-rank objectives with known minima.
#include <gtest/gtest.h>

#include <Eigen/SVD>

#include <cstring>
#include <stdexcept>
#include <vector>

#include "FullRadial.hpp"
#include "MatrixFactorizationRadial.hpp"
#include "RiemannianBfgs.hpp"
#include "mtpc_plugin_common/seeded_random.hpp"

namespace {

using mtpc::sdk::RadialShape;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// N_T = 4, N_f = 4, N_b = 8: Ĉ is 16 × 32, the paper's level-14 shape.
const RadialShape kShape{4, 4, 8};
constexpr int kLinear = 7;  // size of the Euclidean block x

/// L(x, C) = |x − x*|² + D(Ĉ) with Ĉ* of known rank r*, and either
///   D = |Ĉ − Ĉ*|²_F                        (its rank-r minimum is Σ_{k>r} σ_k(Ĉ*)², Eckart–Young), or
///   D = Σ_k (⟨A_k, Ĉ⟩ − ⟨A_k, Ĉ*⟩)²          (low-rank matrix sensing; minimum 0 at Ĉ = Ĉ*).
/// Records every progress report and can ask the optimiser to stop after a number of them.
class LowRankObjective final : public mtpc::sdk::Objective {
public:
    LowRankObjective(int target_rank, int measurements, std::uint64_t seed) : measurements_(measurements) {
        mtpc::plugin_common::SeededRandom rng(seed);
        const int m = kShape.rows(), n = kShape.cols();
        MatrixXd A(m, target_rank), B(n, target_rank);
        for (int i = 0; i < A.size(); ++i) A.data()[i] = rng.normal();
        for (int i = 0; i < B.size(); ++i) B.data()[i] = rng.normal();
        target_ = A * B.transpose();
        x_target_.resize(kLinear);
        for (int i = 0; i < kLinear; ++i) x_target_[i] = rng.normal();
        if (measurements_ > 0) {
            sensing_.resize(measurements_, m * n);
            for (int i = 0; i < sensing_.size(); ++i) sensing_.data()[i] = rng.normal() / std::sqrt(double(measurements_));
            observed_ = sensing_ * Eigen::Map<const VectorXd>(target_.data(), target_.size());
        }
    }

    int euclidean_size() const override { return kLinear; }
    RadialShape radial_shape() const override { return kShape; }
    double evaluate(const double* x, const double* C, double* dL_dx, double* dL_dC) override {
        const Eigen::Map<const VectorXd> xv(x, kLinear), c(C, kShape.size());
        const VectorXd dx = xv - x_target_;
        double loss = dx.squaredNorm();
        if (dL_dx != nullptr) Eigen::Map<VectorXd>(dL_dx, kLinear) = 2 * dx;
        VectorXd grad;
        if (measurements_ == 0) {
            const VectorXd e = c - Eigen::Map<const VectorXd>(target_.data(), target_.size());
            loss += e.squaredNorm();
            grad = 2 * e;
        } else {
            const VectorXd residual = sensing_ * c - observed_;
            loss += residual.squaredNorm();
            grad = 2 * (sensing_.transpose() * residual);
        }
        if (dL_dC != nullptr) Eigen::Map<VectorXd>(dL_dC, kShape.size()) = grad;
        return loss;
    }
    bool report(const mtpc::sdk::ProgressReport& progress) override {
        reports.push_back(progress);
        if (progress.restart_point) {
            restart_x.emplace_back(Eigen::Map<const VectorXd>(progress.x, kLinear));
            restart_theta.emplace_back(Eigen::Map<const VectorXd>(progress.theta, theta_size));
        }
        return stop_after <= 0 || static_cast<int>(reports.size()) < stop_after;
    }

    /// min over rank-r Ĉ of |Ĉ − Ĉ*|² (Frobenius variant).
    double frobenius_minimum(int rank) const {
        const VectorXd s = Eigen::JacobiSVD<MatrixXd>(MatrixXd(target_)).singularValues();
        return s.tail(s.size() - rank).squaredNorm();
    }
    const RowMajor& target() const { return target_; }

    std::vector<mtpc::sdk::ProgressReport> reports;
    std::vector<VectorXd> restart_x, restart_theta;
    int theta_size = 0;
    int stop_after = 0;

private:
    int measurements_;
    RowMajor target_;
    VectorXd x_target_;
    MatrixXd sensing_;
    VectorXd observed_;
};

std::string mf_options(int rank) {
    return R"({"n_species": 4, "n_funcs": 4, "n_basis": 8, "rank": )" + std::to_string(rank) + "}";
}

/// A random start: x = 0, θ random for `param`.
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
    while (r < s.size() && s[r] > 1e-10 * s[0]) ++r;
    return r;
}

// Gradient tolerance 1e-9 and function tolerance 0 make the stopping point explicit: near the
// minimum L − L* ≈ |grad|²/(4·curvature) with curvature ~1 here (the Frobenius term has Hessian 2I
// in the tangent directions), so L − L* ≲ 1e-18 at the stop.  We assert 1e-14 relative to the
// start loss (~10³), leaving ample room for rounding in Ĉ (|Ĉ| ~ 30, entries summed in 512 terms).
const char* kTight = R"({"gradient_tolerance": 1e-9, "function_tolerance": 0, "max_iterations": 500})";

TEST(RiemannianBfgs, RecoversAnExactlyLowRankTargetMonotonically) {
    LowRankObjective objective(3, 0, 11);
    const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(3));
    auto state = random_start(param, 5);
    mtpc::rbfgs::RiemannianBfgs(kTight).minimize(objective, param, state);
    EXPECT_TRUE(state.converged) << state.message;
    expect_monotone(objective);
    const double start_loss = objective.reports.front().loss;
    EXPECT_LT(objective.reports.back().loss, 1e-14 * start_loss);
    const VectorXd target = Eigen::Map<const VectorXd>(objective.target().data(), kShape.size());
    EXPECT_LT((state.radial - target).norm(), 1e-7 * target.norm());
    EXPECT_EQ(numerical_rank(state.radial), 3);
    // θ is radial-mf's representation of the result.
    VectorXd C(kShape.size());
    param.materialize(state.theta.data(), C.data());
    EXPECT_LT((C - state.radial).norm(), 1e-12 * target.norm());
    EXPECT_EQ(state.iterations_done, static_cast<int>(objective.reports.size()));
    EXPECT_GT(state.evaluations, state.iterations_done);
}

TEST(RiemannianBfgs, ReachesTheEckartYoungMinimumBelowTheTargetRank) {
    LowRankObjective objective(5, 0, 12);
    const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(2));
    auto state = random_start(param, 6);
    mtpc::rbfgs::RiemannianBfgs(kTight).minimize(objective, param, state);
    EXPECT_TRUE(state.converged) << state.message;
    expect_monotone(objective);
    const double minimum = objective.frobenius_minimum(2);  // x contributes 0 at x = x*
    EXPECT_NEAR(objective.reports.back().loss, minimum, 1e-10 * minimum);
    EXPECT_EQ(numerical_rank(state.radial), 2);
}

TEST(RiemannianBfgs, SolvesLowRankMatrixSensing) {
    // r* = 3: the manifold has 3·(16+32−3) = 135 dimensions; 400 Gaussian measurements of the
    // 512 entries make the rank-3 solution unique (far above the 2·135 needed generically).
    LowRankObjective objective(3, 400, 13);
    const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(3));
    auto state = random_start(param, 7);
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
        LowRankObjective objective(3, 400, 21);
        const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(3));
        auto state = random_start(param, 8);
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

TEST(RiemannianBfgs, ResumingFromARestartPointReproducesTheRun) {
    const char* options = R"({"max_iterations": 30, "restart_every": 10, "function_tolerance": 0, "gradient_tolerance": 0})";
    const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(3));
    LowRankObjective full(3, 400, 22);
    full.theta_size = param.num_parameters();
    auto state = random_start(param, 9);
    mtpc::rbfgs::RiemannianBfgs(options).minimize(full, param, state);
    ASSERT_EQ(full.reports.size(), 30u);
    ASSERT_EQ(full.restart_x.size(), 3u);  // iterations 10, 20, 30
    EXPECT_TRUE(full.reports[9].restart_point);
    EXPECT_FALSE(full.reports[8].restart_point);

    LowRankObjective resumed(3, 400, 22);
    mtpc::sdk::OptimizerState again;
    again.x = full.restart_x[0];
    again.theta = full.restart_theta[0];
    again.iterations_done = 10;
    mtpc::rbfgs::RiemannianBfgs(options).minimize(resumed, param, again);
    ASSERT_EQ(resumed.reports.size(), 20u);
    for (int k = 0; k < 20; ++k) {
        EXPECT_EQ(resumed.reports[k].iteration, full.reports[k + 10].iteration);
        EXPECT_EQ(resumed.reports[k].loss, full.reports[k + 10].loss) << "iteration " << k + 11;
    }
    EXPECT_EQ(0, std::memcmp(again.radial.data(), state.radial.data(), sizeof(double) * state.radial.size()));
}

TEST(RiemannianBfgs, StopsPromptlyWhenTheHostAsks) {
    LowRankObjective objective(3, 0, 14);
    objective.stop_after = 3;
    const mtpc::radial_mf::MatrixFactorizationRadial param(mf_options(3));
    auto state = random_start(param, 10);
    mtpc::rbfgs::RiemannianBfgs(kTight).minimize(objective, param, state);
    EXPECT_TRUE(state.interrupted);
    EXPECT_FALSE(state.converged);
    EXPECT_EQ(objective.reports.size(), 3u);
    EXPECT_EQ(state.iterations_done, 3);
    EXPECT_EQ(state.radial.size(), kShape.size());
}

TEST(RiemannianBfgs, RankComesFromTheOptionOrTheParameterization) {
    LowRankObjective objective(4, 0, 15);
    const mtpc::radial_full::FullRadial full(R"({"n_species": 4, "n_funcs": 4, "n_basis": 8})");
    auto state = random_start(full, 11);
    EXPECT_THROW(mtpc::rbfgs::RiemannianBfgs("{}").minimize(objective, full, state), std::invalid_argument);
    mtpc::rbfgs::RiemannianBfgs(R"({"rank": 2, "max_iterations": 50})").minimize(objective, full, state);
    EXPECT_EQ(numerical_rank(state.radial), 2);
    EXPECT_EQ(state.theta.size(), kShape.size());  // radial-full: θ = C
    EXPECT_THROW(mtpc::rbfgs::RiemannianBfgs(R"({"rank": 0})"), std::invalid_argument);
    EXPECT_THROW(mtpc::rbfgs::RiemannianBfgs(R"({"sufficient_decrease": 0.7})"), std::invalid_argument);
    EXPECT_THROW(mtpc::rbfgs::RiemannianBfgs(R"({"rnak": 2})"), std::invalid_argument);
}

}  // namespace
