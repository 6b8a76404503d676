// Training regularisation: the radial penalties (values, gradients against finite differences for
// the base and the compressed parameterizations, as part of the objective every optimiser sees),
// the normalised random start, and the convergence rule.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include <Eigen/Eigenvalues>

#include "MatrixFactorizationRadial.hpp"
#include "TensorTrainRadial.hpp"
#include "mtpc/mtp/basis_generator.hpp"
#include "mtpc/mtp/mtp_model.hpp"
#include "mtpc/mtp/radial_basis.hpp"
#include "mtpc/train/convergence_rule.hpp"
#include "mtpc/train/radial_penalty.hpp"
#include "mtpc/train/radial_start.hpp"
#include "mtpc/train/training_objective.hpp"
#include "test_support.hpp"

namespace {

using mtpc::sdk::RadialShape;

std::vector<double> uniform(std::size_t n, std::uint64_t seed, double scale) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(-scale, scale);
    std::vector<double> v(n);
    for (auto& x : v) x = u(rng);
    return v;
}

/// P(C) straight from its definition (MLIP-2's loops): Σ_μ (‖c_μ‖² − 1)² + Σ_{μ<ν} (c_μ·c_ν)².
double penalty_by_definition(const RadialShape& s, const std::vector<double>& C) {
    auto dot = [&](int mu, int nu) {
        double d = 0;
        for (int zi = 0; zi < s.n_species; ++zi)
            for (int zj = 0; zj < s.n_species; ++zj)
                for (int b = 0; b < s.n_basis; ++b) d += C[s.index(zi, zj, mu, b)] * C[s.index(zi, zj, nu, b)];
        return d;
    };
    double p = 0;
    for (int mu = 0; mu < s.n_funcs; ++mu) {
        p += (dot(mu, mu) - 1) * (dot(mu, mu) - 1);
        for (int nu = mu + 1; nu < s.n_funcs; ++nu) p += dot(mu, nu) * dot(mu, nu);
    }
    return p;
}

/// Σ_{z_i} Σ_{z_j<z_k} ‖c_{z_i z_j} − c_{z_i z_k}‖² straight from its definition.
double spread_by_definition(const RadialShape& s, const std::vector<double>& C) {
    double p = 0;
    for (int zi = 0; zi < s.n_species; ++zi)
        for (int zj = 0; zj < s.n_species; ++zj)
            for (int zk = zj + 1; zk < s.n_species; ++zk)
                for (int mu = 0; mu < s.n_funcs; ++mu)
                    for (int b = 0; b < s.n_basis; ++b) {
                        const double d = C[s.index(zi, zj, mu, b)] - C[s.index(zi, zk, mu, b)];
                        p += d * d;
                    }
    return p;
}

/// A penalty on C as the objective adds it: weight·value, gradient added to `grad` if non-null.
using Penalty = std::function<double(const double* C, double* grad)>;

/// Largest |analytic − central difference| relative to the largest |analytic| entry, of
/// f(θ) = P(C(θ)) with gradient pull_back(θ, ∂P/∂C).
double pulled_back_gradient_error(const mtpc::sdk::RadialParameterization& param, const Penalty& penalty,
                                  std::uint64_t seed) {
    const RadialShape s = param.shape();
    std::vector<double> theta(param.num_parameters()), C(s.size()), gC(s.size()), g(theta.size());
    mtpc::random_radial_start(param, seed, 0.0, theta.data());
    auto f = [&](const std::vector<double>& th) {
        std::vector<double> c(s.size());
        param.materialize(th.data(), c.data());
        return penalty(c.data(), nullptr);
    };
    param.materialize(theta.data(), C.data());
    penalty(C.data(), gC.data());
    param.pull_back(theta.data(), gC.data(), g.data());
    double worst = 0, largest = 0;
    for (std::size_t k = 0; k < theta.size(); ++k) {
        const double h = 1e-6;
        auto tp = theta, tm = theta;
        tp[k] += h;
        tm[k] -= h;
        worst = std::max(worst, std::abs(g[k] - (f(tp) - f(tm)) / (2 * h)));
        largest = std::max(largest, std::abs(g[k]));
    }
    return worst / largest;
}

/// The radial penalties of the training objective, for shape s.
std::vector<std::pair<std::string, Penalty>> penalties(const RadialShape& s) {
    const auto orth = std::make_shared<mtpc::RadialOrthonormalityPenalty>(s);
    const auto spread = std::make_shared<mtpc::NeighborSpeciesSpreadPenalty>(s);
    const auto curvature = std::make_shared<mtpc::RadialCurvaturePenalty>(s);
    return {{"orthonormality", [orth](const double* C, double* g) { return orth->add(1.0, C, g); }},
            {"species spread", [spread](const double* C, double* g) { return spread->add(1.0, C, g); }},
            {"curvature", [curvature](const double* C, double* g) { return curvature->add(1.0, C, g); }}};
}

/// ∫ (f''(r))² dr over [min_dist, max_dist] for f = Σ_β c_β Q_β of the model's own basis:
/// f'' by central differences of the basis' analytic first derivatives, Simpson's rule.
double curvature_by_quadrature(const mtpc::ChebyshevRadialBasis& basis, const std::vector<double>& c) {
    const int n = 4000, nb = basis.size();
    const double a = basis.min_dist(), b = basis.max_dist(), h = (b - a) / n, d = 1e-5;
    std::vector<double> vp(nb), dp(nb), vm(nb), dm(nb);
    double sum = 0;
    for (int k = 0; k <= n; ++k) {
        const double r = std::min(a + k * h, b - d);
        basis.evaluate(r + d, vp.data(), dp.data());
        basis.evaluate(r - d, vm.data(), dm.data());
        double f2 = 0;
        for (int beta = 0; beta < nb; ++beta) f2 += c[beta] * (dp[beta] - dm[beta]) / (2 * d);
        sum += (k == 0 || k == n ? 1 : (k % 2 ? 4 : 2)) * f2 * f2;
    }
    return sum * h / 3;
}

std::string shape_options(const RadialShape& s, const std::string& extra) {
    return "{\"n_species\": " + std::to_string(s.n_species) + ", \"n_funcs\": " + std::to_string(s.n_funcs) +
           ", \"n_basis\": " + std::to_string(s.n_basis) + extra + "}";
}

}  // namespace

TEST(RadialOrthonormalityPenalty, ValueIsMlip2Definition) {
    const RadialShape s{3, 4, 6};
    const auto C = uniform(s.size(), 7, 0.3);
    const mtpc::RadialOrthonormalityPenalty penalty(s);
    EXPECT_NEAR(penalty.add(1.0, C.data(), nullptr), penalty_by_definition(s, C), 1e-12);
    EXPECT_DOUBLE_EQ(penalty.add(2.5, C.data(), nullptr), 2.5 * penalty.add(1.0, C.data(), nullptr));
}

TEST(RadialOrthonormalityPenalty, IsZeroExactlyOnOrthonormalRadialFunctions) {
    // c_μ = unit vectors along distinct coordinates: orthonormal, so P = 0 and ∂P/∂C = 0.
    const RadialShape s{2, 3, 5};
    std::vector<double> C(s.size(), 0.0), g(s.size(), 0.0);
    for (int mu = 0; mu < s.n_funcs; ++mu) C[s.index(mu % 2, 1, mu, mu)] = 1.0;
    const mtpc::RadialOrthonormalityPenalty penalty(s);
    EXPECT_EQ(penalty.add(1.0, C.data(), g.data()), 0.0);
    for (double v : g) EXPECT_EQ(v, 0.0);
}

TEST(NeighborSpeciesSpreadPenalty, ValueIsItsDefinitionAndZeroForOneSpecies) {
    const RadialShape s{3, 4, 6};
    const auto C = uniform(s.size(), 9, 0.3);
    EXPECT_NEAR(mtpc::NeighborSpeciesSpreadPenalty(s).add(1.0, C.data(), nullptr), spread_by_definition(s, C), 1e-12);
    const RadialShape one{1, 4, 6};
    const auto C1 = uniform(one.size(), 9, 0.3);
    EXPECT_EQ(mtpc::NeighborSpeciesSpreadPenalty(one).add(1.0, C1.data(), nullptr), 0.0);
}

TEST(RadialCurvaturePenalty, IsTheIntegratedSquaredSecondDerivativeOfEachRadialFunction) {
    // One radial function (one species, one μ): K(c) = cᵀHc must be ∫(f'')² dr of the model's own
    // basis up to one constant, whatever c, the interval or the scaling.
    const RadialShape s{1, 1, 8};
    const mtpc::RadialCurvaturePenalty penalty(s);
    // d²Q/dr² = s·g''(ξ) and dr = (w/2) dξ: after dividing by s² w/2 the ratio is H's normalisation.
    std::vector<double> ratios;
    for (const auto& [rmin, rmax, scaling] : std::vector<std::tuple<double, double, double>>{{1.9, 5.0, 1.0}, {2.2, 4.5, 0.3}}) {
        const mtpc::ChebyshevRadialBasis basis(rmin, rmax, s.n_basis, scaling);
        for (std::uint64_t seed : {1, 2, 3}) {
            const auto c = uniform(s.size(), seed, 1.0);
            ratios.push_back(curvature_by_quadrature(basis, c) / (scaling * scaling * (rmax - rmin) / 2) /
                             penalty.add(1.0, c.data(), nullptr));
        }
    }
    for (std::size_t k = 1; k < ratios.size(); ++k)
        EXPECT_NEAR(ratios[k], ratios[0], 1e-5 * ratios[0]) << "case " << k << " (3 seeds per interval)";
    // H is symmetric positive definite (no radial function with the (R − r)² envelope is straight),
    // with trace N_b.
    const Eigen::MatrixXd& H = penalty.curvature_gram();
    EXPECT_NEAR(H.trace(), s.n_basis, 1e-12);
    EXPECT_LT((H - H.transpose()).norm(), 1e-12);
    EXPECT_GT(Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(H).eigenvalues().minCoeff(), 0.0);
}

TEST(RadialPenalties, GradientsMatchFiniteDifferencesOnTheFullTensor) {
    const RadialShape s{3, 4, 6};
    for (const auto& [name, penalty] : penalties(s)) {
        auto C = uniform(s.size(), 11, 0.4);
        std::vector<double> g(s.size(), 0.0);
        penalty(C.data(), g.data());
        for (std::size_t k = 0; k < C.size(); ++k) {
            const double h = 1e-6, c0 = C[k];
            C[k] = c0 + h;
            const double fp = penalty(C.data(), nullptr);
            C[k] = c0 - h;
            const double fm = penalty(C.data(), nullptr);
            C[k] = c0;
            EXPECT_NEAR(g[k], (fp - fm) / (2 * h), 1e-7 * (1 + std::abs(g[k]))) << name << ", entry " << k;
        }
    }
}

TEST(RadialPenalties, ReachCompressedParametersThroughThePullBack) {
    const RadialShape s{4, 4, 8};  // the paper's Nb-Mo-Ta-W shape
    const mtpc::radial_mf::MatrixFactorizationRadial mf(shape_options(s, ", \"rank\": 6"));
    const mtpc::radial_tt::TensorTrainRadial tt(shape_options(s, ", \"ranks\": [4, 5, 5]"));
    for (const auto& [name, penalty] : penalties(s)) {
        EXPECT_LT(pulled_back_gradient_error(mf, penalty, 3), 1e-7) << "MF, " << name;
        EXPECT_LT(pulled_back_gradient_error(tt, penalty, 4), 1e-7) << "TT, " << name;
    }
}

TEST(RandomRadialStart, RadialFunctionsStartOnTheUnitSphereForEveryParameterization) {
    const RadialShape s{4, 4, 8};
    const mtpc::radial_mf::MatrixFactorizationRadial mf(shape_options(s, ", \"rank\": 3"));
    const mtpc::radial_tt::TensorTrainRadial tt(shape_options(s, ", \"ranks\": [4, 5, 5]"));
    for (const mtpc::sdk::RadialParameterization* p :
         std::vector<const mtpc::sdk::RadialParameterization*>{&mf, &tt}) {
        std::vector<double> theta(p->num_parameters()), C(s.size());
        mtpc::random_radial_start(*p, 5, 0.0, theta.data());
        p->materialize(theta.data(), C.data());
        EXPECT_NEAR(mtpc::rms_radial_function_norm(s, C.data()), 1.0, 0.2);
        std::vector<double> again(p->num_parameters());
        mtpc::random_radial_start(*p, 5, 0.0, again.data());
        EXPECT_EQ(theta, again) << "not deterministic in the seed";
    }
}

TEST(TrainingObjective, RegularizedGradientMatchesFiniteDifferences) {
    // The penalties are part of L(x, C): every optimiser, Euclidean or Riemannian, sees them.
    std::mt19937_64 rng(21);
    const mtpc::MtpModel teacher(mtpc::test::make_teacher_mtp(rng));
    const mtpc::TrainingSet data(mtpc::test::make_teacher_configurations(teacher, 3, rng), 2, teacher.cutoff(),
                                 mtpc::LossWeights{1.0, 0.01, 0.001, "vibrations"}, "teacher");
    const int nx = teacher.species_count() + teacher.scalar_count();
    const auto scale = uniform(nx, 5, 1.0);
    std::vector<double> linear_scale(nx);
    for (int a = 0; a < nx; ++a) linear_scale[a] = 1.0 + std::abs(scale[a]);
    mtpc::TrainingObjective objective(teacher, data, linear_scale, 1, nullptr, mtpc::Regularization{1e-3, 0.5, 0.3, 0.2});
    auto x = uniform(nx, 6, 0.05);
    auto C = uniform(teacher.radial_shape().size(), 8, 0.2);
    std::vector<double> gx(nx), gC(C.size());
    objective.evaluate(x.data(), C.data(), gx.data(), gC.data());
    EXPECT_GT(objective.last_penalty(), 0.0);
    auto check = [&](std::vector<double>& v, const std::vector<double>& g, const char* what) {
        for (std::size_t k = 0; k < v.size(); k += 3) {
            const double h = 1e-6, v0 = v[k];
            v[k] = v0 + h;
            const double fp = objective.evaluate(x.data(), C.data(), nullptr, nullptr);
            v[k] = v0 - h;
            const double fm = objective.evaluate(x.data(), C.data(), nullptr, nullptr);
            v[k] = v0;
            EXPECT_NEAR(g[k], (fp - fm) / (2 * h), 1e-6 * (1 + std::abs(g[k]))) << what << " " << k;
        }
    };
    check(x, gx, "x");
    check(C, gC, "C");
}

TEST(ConvergenceRule, StopsWhenAWindowGainsLittleAndLessThanTheOneBefore) {
    mtpc::ConvergenceRule rule({10, 1e-2});
    // The loss falls 3% an iteration up to iteration 20, then creeps: 0.5% per window after it.
    double loss = 1.0;
    int stopped = -1;
    for (int it = 0; it <= 200 && stopped < 0; ++it) {
        loss *= it <= 20 ? 0.97 : 0.9995;
        if (rule.converged(it, loss)) stopped = it;
    }
    EXPECT_EQ(stopped, 30) << "window (20,30] gained 0.5% < 1%, less than (10,20]'s 26%";
    EXPECT_NE(rule.reason().find("converged"), std::string::npos);
}

TEST(ConvergenceRule, NeverStopsInTheFirstWindowNorWhileProgressSpeedsUp) {
    mtpc::ConvergenceRule first({10, 0.5});
    EXPECT_FALSE(first.converged(0, 1.0));
    EXPECT_FALSE(first.converged(10, 0.99)) << "the first window has no predecessor";
    mtpc::ConvergenceRule speeding({10, 0.5});
    double loss = 1.0, step = 0.001;
    for (int it = 0; it <= 100; ++it) {
        loss -= step;
        step *= 1.05;  // each window gains more than the last
        EXPECT_FALSE(speeding.converged(it, loss)) << it;
    }
    mtpc::ConvergenceRule off({10, 0.0});
    for (int it = 0; it <= 100; ++it) EXPECT_FALSE(off.converged(it, 1.0));
}

TEST(ConvergenceRule, RestoredStateStopsWhereTheUninterruptedRuleStops) {
    auto loss_at = [](int it) { return 1.0 / (1.0 + 0.3 * it) + 0.1; };
    mtpc::ConvergenceRule whole({25, 1e-2});
    int stop_whole = -1;
    for (int it = 0; it <= 2000 && stop_whole < 0; ++it)
        if (whole.converged(it, loss_at(it))) stop_whole = it;
    ASSERT_GT(stop_whole, 0);
    mtpc::ConvergenceRule before({25, 1e-2});
    for (int it = 0; it <= 60; ++it) before.converged(it, loss_at(it));
    mtpc::ConvergenceRule after({25, 1e-2});
    after.restore(before.state());
    int stop_resumed = -1;
    for (int it = 60; it <= 2000 && stop_resumed < 0; ++it)  // iteration 60 is reported again
        if (after.converged(it, loss_at(it))) stop_resumed = it;
    EXPECT_EQ(stop_resumed, stop_whole);
}
