// Algorithm 2's line search (lowrank::armijo_doubling_search) on one-dimensional functions whose
// accepted step can be worked out by hand from the algorithm's two loops.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "mtpc_lowrank/armijo_doubling_search.hpp"
#include "mtpc_lowrank/line_search.hpp"

namespace {

using mtpc::lowrank::LineSample;

/// φ(α) = L(x₀ + α η) for L(x) = x², recording every trial step and which one was kept.
class Parabola final : public mtpc::lowrank::LineFunction {
public:
    Parabola(double x0, double eta) : x0_(x0), eta_(eta) {}
    LineSample evaluate(double alpha) override {
        trials.push_back(alpha);
        const double x = x0_ + alpha * eta_;
        return {x * x, 2 * x * eta_};
    }
    void keep_last() override { kept = trials.back(); }
    [[nodiscard]] LineSample at_zero() const { return {x0_ * x0_, 2 * x0_ * eta_}; }

    std::vector<double> trials;
    double kept = -1;

private:
    double x0_, eta_;
};

TEST(ArmijoDoublingSearch, DoublesWhileArmijoHoldsAtTwiceTheStep) {
    // x₀ = 10, η = −1, μ = 1e-3: c = φ'(0) = −20 and φ(α) − φ(0) = α² − 20α, so Armijo at α
    // (α² − 20α < −0.02α) holds exactly for α < 19.98.  The doubling loop tests 2, 4, 8, 16
    // (all pass) and 32 (fails): α = 16, which the halving loop accepts without evaluating.
    Parabola phi(10, -1);
    const auto result = mtpc::lowrank::armijo_doubling_search(phi, phi.at_zero(), 1e-3);
    EXPECT_TRUE(result.decreased);
    EXPECT_EQ(result.step, 16.0);
    EXPECT_EQ(phi.trials, (std::vector<double>{2, 4, 8, 16, 32}));
    EXPECT_EQ(phi.kept, 16.0);  // the point returned is the one evaluated at the accepted step
    EXPECT_EQ(result.sample.value, 36.0);  // (10 − 16)²
    EXPECT_EQ(result.evaluations, 5);
}

TEST(ArmijoDoublingSearch, HalvesFromOneWhenTwiceTheUnitStepFails) {
    // x₀ = 10, η = −100, μ = 1e-3: c = −2·10⁴, φ(α) − φ(0) = 10⁴α² − 2000α, Armijo ⇔ α < 0.1998.
    // Doubling fails at once (α = 2); halving tests 1, 0.5, 0.25 (fail) and 0.125 (passes).
    Parabola phi(10, -100);
    const auto result = mtpc::lowrank::armijo_doubling_search(phi, phi.at_zero(), 1e-3);
    EXPECT_TRUE(result.decreased);
    EXPECT_EQ(result.step, 0.125);
    EXPECT_EQ(phi.trials, (std::vector<double>{2, 1, 0.5, 0.25, 0.125}));
    EXPECT_EQ(phi.kept, 0.125);
}

TEST(ArmijoDoublingSearch, AcceptsTheUnitStepWhenOnlyItPasses) {
    // η = −12: Armijo ⇔ 144α² − 240α < −0.24α ⇔ α < 1.665: 2 fails, 1 passes at once.
    Parabola phi(10, -12);
    const auto result = mtpc::lowrank::armijo_doubling_search(phi, phi.at_zero(), 1e-3);
    EXPECT_EQ(result.step, 1.0);
    EXPECT_EQ(phi.trials, (std::vector<double>{2, 1}));
}

TEST(ArmijoDoublingSearch, TheSufficientDecreaseCoefficientMovesTheBoundary) {
    // η = −1 with μ = 0.45: Armijo ⇔ α² − 20α < −9α ⇔ α < 11: doubling stops at 16, α = 8.
    Parabola phi(10, -1);
    const auto result = mtpc::lowrank::armijo_doubling_search(phi, phi.at_zero(), 0.45);
    EXPECT_EQ(result.step, 8.0);
    EXPECT_EQ(phi.trials, (std::vector<double>{2, 4, 8, 16}));
}

/// A function that is NaN beyond a threshold and a descending line before it.
class NanBeyond final : public mtpc::lowrank::LineFunction {
public:
    explicit NanBeyond(double limit) : limit_(limit) {}
    LineSample evaluate(double alpha) override {
        trials.push_back(alpha);
        if (alpha > limit_) return {std::numeric_limits<double>::quiet_NaN(), 0};
        return {-alpha, -1};
    }
    void keep_last() override { kept = trials.back(); }
    std::vector<double> trials;
    double kept = -1;

private:
    double limit_;
};

TEST(ArmijoDoublingSearch, ANonFiniteValueFailsBothTests) {
    // φ(α) = −α up to 0.3, NaN beyond: the literal "φ(α) − φ(0) ≥ μαc" is false for NaN, which
    // would accept it; the search must halve past it to 0.25.
    NanBeyond phi(0.3);
    const auto result = mtpc::lowrank::armijo_doubling_search(phi, {0, -1}, 1e-3);
    EXPECT_TRUE(result.decreased);
    EXPECT_EQ(result.step, 0.25);
    EXPECT_EQ(phi.trials, (std::vector<double>{2, 1, 0.5, 0.25}));
}

TEST(ArmijoDoublingSearch, ReportsNoDecreaseAlongAnAscentDirection) {
    Parabola phi(10, 1);  // φ'(0) = 20 > 0: not a descent direction, nothing is evaluated
    const auto result = mtpc::lowrank::armijo_doubling_search(phi, phi.at_zero(), 1e-3);
    EXPECT_FALSE(result.decreased);
    EXPECT_TRUE(phi.trials.empty());
}

TEST(ArmijoDoublingSearch, IsWhatSearchLineRunsForTheArmijoDoublingKind) {
    // The dispatcher ignores the weak-Wolfe first trial (0.3 here) for Algorithm 2's search.
    Parabola phi(10, -1);
    mtpc::lowrank::LineSearchSettings settings;
    settings.kind = mtpc::lowrank::LineSearchKind::kArmijoDoubling;
    const auto result = mtpc::lowrank::search_line(phi, phi.at_zero(), 0.3, settings);
    EXPECT_EQ(result.step, 16.0);
    EXPECT_EQ(phi.trials.front(), 2.0);
}

}  // namespace
