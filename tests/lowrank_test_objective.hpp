// A synthetic objective with a known low-rank minimum, and the helpers the optimiser tests
// (test_optimizer_rbfgs, test_optimizer_mfra) use around it.  Header-only: each test is its own
// executable, so the definitions are `inline` and live in mtpc::test.
#pragma once

#include <Eigen/Core>
#include <Eigen/SVD>

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "mtpc/sdk/optimizer.hpp"
#include "mtpc/sdk/radial_parameterization.hpp"
#include "mtpc_plugin_common/seeded_random.hpp"

namespace mtpc::test {

/// Ĉ is 16 × 32 (N_T = 4, N_f = 4, N_b = 8), the paper's level-14 shape.
inline const sdk::RadialShape kLowRankShape{4, 4, 8};

/// How the matrix-sensing residual is evaluated.  Both are A(Ĉ − Ĉ*) mathematically but round
/// differently; each test keeps the form its optimiser trajectories (and thus its rank histories and
/// iteration counts) were written against, so sharing this objective changes no run bit-for-bit.
enum class SensingResidual {
    kOfDifference,     ///< A·(Ĉ − Ĉ*)
    kMinusObserved,    ///< A·Ĉ − y with y = A·Ĉ* computed once at construction
};

/// What differs between the tests' objectives: the size of the Euclidean block x (it also decides
/// how many random numbers x* draws, so it is part of the seeded problem) and the residual form.
struct LowRankProblem {
    int linear_size = 0;
    SensingResidual sensing_residual = SensingResidual::kOfDifference;
};

/// L(x, C) = |x − x*|² + D(Ĉ) with Ĉ* = A·Bᵀ of known rank r* (A, B standard normal), and either
///   D = |Ĉ − Ĉ*|²_F                        (its rank-r minimum is Σ_{k>r} σ_k(Ĉ*)², Eckart–Young), or
///   D = Σ_k (⟨A_k, Ĉ⟩ − ⟨A_k, Ĉ*⟩)²          (Gaussian low-rank matrix sensing; minimum 0 at Ĉ = Ĉ*
///                                             when the measurements make the rank-r* solution unique).
/// Records every progress report (and the x, θ of restart points when `theta_size` is set) and can
/// ask the optimiser to stop after `stop_after` reports.
class LowRankObjective final : public sdk::Objective {
public:
    using VectorXd = Eigen::VectorXd;
    using MatrixXd = Eigen::MatrixXd;
    using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

    /// measurements = 0 selects the Frobenius term; otherwise that many Gaussian measurements.
    /// Random draws, in order: A, B, x*, then the sensing matrix (scaled by 1/√measurements).
    LowRankObjective(const LowRankProblem& problem, int target_rank, int measurements, std::uint64_t seed)
        : problem_(problem), measurements_(measurements) {
        plugin_common::SeededRandom rng(seed);
        MatrixXd A(kLowRankShape.rows(), target_rank), B(kLowRankShape.cols(), target_rank);
        for (int i = 0; i < A.size(); ++i) A.data()[i] = rng.normal();
        for (int i = 0; i < B.size(); ++i) B.data()[i] = rng.normal();
        target_ = A * B.transpose();
        x_target_.resize(problem_.linear_size);
        for (int i = 0; i < problem_.linear_size; ++i) x_target_[i] = rng.normal();
        if (measurements_ > 0) {
            sensing_.resize(measurements_, kLowRankShape.size());
            for (int i = 0; i < sensing_.size(); ++i) sensing_.data()[i] = rng.normal() / std::sqrt(double(measurements_));
            observed_ = sensing_ * target_vector();
        }
    }

    int euclidean_size() const override { return problem_.linear_size; }
    sdk::RadialShape radial_shape() const override { return kLowRankShape; }
    double evaluate(const double* x, const double* C, double* dL_dx, double* dL_dC) override {
        const Eigen::Map<const VectorXd> c(C, kLowRankShape.size());
        const VectorXd dx = Eigen::Map<const VectorXd>(x, problem_.linear_size) - x_target_;
        if (dL_dx != nullptr) Eigen::Map<VectorXd>(dL_dx, problem_.linear_size) = 2 * dx;
        VectorXd residual, grad;
        if (measurements_ == 0) {
            residual = c - target_vector();
            grad = 2 * residual;
        } else {
            if (problem_.sensing_residual == SensingResidual::kOfDifference) {
                const VectorXd e = c - target_vector();
                residual = sensing_ * e;
            } else {
                residual = sensing_ * c - observed_;
            }
            grad = 2 * (sensing_.transpose() * residual);
        }
        if (dL_dC != nullptr) Eigen::Map<VectorXd>(dL_dC, kLowRankShape.size()) = grad;
        return dx.squaredNorm() + residual.squaredNorm();
    }
    bool report(const sdk::ProgressReport& progress) override {
        reports.push_back(progress);
        if (progress.restart_point && theta_size > 0) {
            restart_x.emplace_back(Eigen::Map<const VectorXd>(progress.x, problem_.linear_size));
            restart_theta.emplace_back(Eigen::Map<const VectorXd>(progress.theta, theta_size));
        }
        return stop_after <= 0 || static_cast<int>(reports.size()) < stop_after;
    }
    /// x's exact minimiser for any C is x* (the two terms are separate): the host's linear solve,
    /// when `offers_linear_solve`; records how many reports preceded each call.
    bool solve_linear(const double* C, double* x) override {
        (void)C;
        if (!offers_linear_solve) return false;
        linear_solves_after_reports.push_back(static_cast<int>(reports.size()));
        Eigen::Map<VectorXd>(x, problem_.linear_size) = x_target_;
        return true;
    }

    /// min over rank-r Ĉ of |Ĉ − Ĉ*|² (Frobenius variant).
    double frobenius_minimum(int rank) const {
        const VectorXd s = Eigen::JacobiSVD<MatrixXd>(MatrixXd(target_)).singularValues();
        return s.tail(s.size() - rank).squaredNorm();
    }
    const RowMajor& target() const { return target_; }
    const VectorXd& x_target() const { return x_target_; }
    /// Ĉ* flattened in the radial layout (row-major Ĉ), as the optimiser's state.radial.
    Eigen::Map<const VectorXd> target_vector() const { return {target_.data(), target_.size()}; }

    std::vector<sdk::ProgressReport> reports;
    /// x and θ of every report flagged restart_point; recorded only when theta_size > 0 (the
    /// objective does not know the parameterization, so the test sets θ's length).
    std::vector<VectorXd> restart_x, restart_theta;
    int theta_size = 0;
    int stop_after = 0;  ///< report() returns false at the stop_after-th report; 0 = never
    bool offers_linear_solve = false;              ///< solve_linear answers (else returns false)
    std::vector<int> linear_solves_after_reports;  ///< reports.size() at each solve_linear

private:
    LowRankProblem problem_;
    int measurements_;
    RowMajor target_;
    VectorXd x_target_;
    MatrixXd sensing_;
    VectorXd observed_;
};

/// radial-mf options for kLowRankShape at `rank`.
inline std::string mf_options(int rank) {
    return R"({"n_species": 4, "n_funcs": 4, "n_basis": 8, "rank": )" + std::to_string(rank) + "}";
}

/// A random start for `objective`: x = 0, θ random (scale 1) for `param`.
inline sdk::OptimizerState random_start(const sdk::Objective& objective, const sdk::RadialParameterization& param,
                                        std::uint64_t seed) {
    sdk::OptimizerState state;
    state.x = Eigen::VectorXd::Zero(objective.euclidean_size());
    state.theta.resize(param.num_parameters());
    param.initialize_random(seed, 1.0, state.theta.data());
    return state;
}

/// The optimisers are descent methods: every reported loss is ≤ the one before.
inline void expect_monotone(const LowRankObjective& objective) {
    ASSERT_FALSE(objective.reports.empty());
    for (std::size_t k = 1; k < objective.reports.size(); ++k)
        EXPECT_LE(objective.reports[k].loss, objective.reports[k - 1].loss) << "report " << k;
}

/// Number of singular values of Ĉ (radial reshaped to kLowRankShape) above
/// relative_threshold · σ_max.
inline int numerical_rank(const Eigen::VectorXd& radial, double relative_threshold) {
    using RowMajor = LowRankObjective::RowMajor;
    const Eigen::MatrixXd A = Eigen::Map<const RowMajor>(radial.data(), kLowRankShape.rows(), kLowRankShape.cols());
    const Eigen::VectorXd s = Eigen::JacobiSVD<Eigen::MatrixXd>(A).singularValues();
    int r = 0;
    while (r < s.size() && s[r] > relative_threshold * s[0]) ++r;
    return r;
}

}  // namespace mtpc::test
