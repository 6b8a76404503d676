// The linear step: the design rows (E, forces, virial linear in the species coefficients and ξ),
// the normal equations (the training loss exactly, thread-count independent), the regularised
// solve (equal to a dense least-squares solve; finite for a redundant basis), cross-validation of
// γ, and the manifest step {"optimizer": "linear"}.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <random>
#include <vector>

#include "mtpc/core/error.hpp"
#include "mtpc/io/cfg_io.hpp"
#include "mtpc/io/mtp_io.hpp"
#include "mtpc/train/ceres_line_search_optimizer.hpp"
#include "mtpc/train/linear_fit.hpp"
#include "mtpc/train/manifest.hpp"
#include "mtpc/train/normal_equations.hpp"
#include "mtpc/train/trainer.hpp"
#include "mtpc/train/training_objective.hpp"
#include "teacher_manifest.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// A teacher potential, its model, and a small training set it labels (plus noise on the
/// references, so the least-squares residual is not zero).
struct TeacherProblem {
    mtpc::MtpPotential pot;
    std::unique_ptr<mtpc::MtpModel> model;
    std::unique_ptr<mtpc::TrainingSet> train;

    explicit TeacherProblem(int n_configs, mtpc::LossWeights w = {1.0, 0.01, 0.001, "vibrations"}) {
        std::mt19937_64 rng(7);
        pot = mtpc::test::make_teacher_mtp(rng);
        model = std::make_unique<mtpc::MtpModel>(pot);
        auto cfgs = mtpc::test::make_teacher_configurations(*model, n_configs, rng);
        std::normal_distribution<double> noise(0.0, 1.0);
        for (auto& c : cfgs) {
            *c.energy += 0.01 * noise(rng);
            for (auto& f : c.forces) f += 0.05 * Eigen::Vector3d(noise(rng), noise(rng), noise(rng));
            for (auto& s : *c.plus_stress) s += 0.05 * noise(rng);
        }
        train = std::make_unique<mtpc::TrainingSet>(std::move(cfgs), pot.species_count, model->cutoff(), w, "teacher");
    }
    [[nodiscard]] int n() const { return model->species_count() + model->scalar_count(); }
};

/// Normal equations of an explicit row system (one row = one "configuration"), fold = row mod folds.
std::vector<mtpc::NormalEquations> equations_of_rows(const Eigen::MatrixXd& X, const Eigen::VectorXd& y, int folds) {
    std::vector<mtpc::NormalEquations> out(folds, mtpc::NormalEquations(int(X.cols())));
    for (int r = 0; r < X.rows(); ++r) {
        auto& f = out[r % folds];
        f.A += X.row(r).transpose() * X.row(r);
        f.b += X.row(r).transpose() * y[r];
        f.c += y[r] * y[r];
        f.configurations += 1;
    }
    return out;
}

}  // namespace

TEST(LinearDesign, RowsTimesCoefficientsAreEnergyForcesAndVirial) {
    const TeacherProblem p(3);
    Eigen::VectorXd theta(p.n());
    for (int a = 0; a < p.pot.species_count; ++a) theta[a] = p.pot.species_coeffs[a];
    for (int s = 0; s < p.model->scalar_count(); ++s) theta[p.pot.species_count + s] = p.pot.moment_coeffs[s];
    for (int k = 0; k < p.train->size(); ++k) {
        const auto& cfg = p.train->configurations()[k];
        const Eigen::MatrixXd X = p.model->linear_design(p.train->neighbors(k), cfg.types.data(), p.pot.radial_coeffs.data());
        const Eigen::VectorXd pred = X * theta;
        const auto efs = p.model->compute_efs(p.train->neighbors(k), cfg.types.data(), p.model->parameters());
        EXPECT_NEAR(pred[0], efs.energy, 1e-11 * std::abs(efs.energy));
        double fmax = 0;
        for (const auto& f : efs.forces) fmax = std::max(fmax, f.cwiseAbs().maxCoeff());
        for (int i = 0; i < cfg.size(); ++i)
            for (int a = 0; a < 3; ++a) EXPECT_NEAR(pred[1 + 3 * i + a], efs.forces[i][a], 1e-11 * fmax);
        for (int v = 0; v < 6; ++v) EXPECT_NEAR(pred[1 + 3 * cfg.size() + v], efs.virial[v], 1e-11 * fmax * 10);
    }
}

TEST(NormalEquations, LossEqualsTheTrainingObjectiveAndIsThreadIndependent) {
    const TeacherProblem p(20);
    const double* C = p.pot.radial_coeffs.data();
    const auto one = mtpc::build_normal_equations(*p.model, *p.train, C, 3, 1);
    const auto two = mtpc::build_normal_equations(*p.model, *p.train, C, 3, 2);
    for (int f = 0; f < 3; ++f) {
        ASSERT_EQ(one[f].A.size(), two[f].A.size());
        for (long e = 0; e < one[f].A.size(); ++e) ASSERT_EQ(mtpc::test::bits(one[f].A.data()[e]), mtpc::test::bits(two[f].A.data()[e]));
        for (long e = 0; e < one[f].b.size(); ++e) ASSERT_EQ(mtpc::test::bits(one[f].b[e]), mtpc::test::bits(two[f].b[e]));
    }
    const mtpc::NormalEquations total = mtpc::sum_of(one);
    EXPECT_EQ(total.configurations, 20);
    // At the teacher's coefficients (off the noisy references) the quadratic form is the loss.
    std::vector<double> x(p.n(), 1.0);
    for (int a = 0; a < p.pot.species_count; ++a) x[a] = p.pot.species_coeffs[a];
    for (int s = 0; s < p.model->scalar_count(); ++s) x[p.pot.species_count + s] = 1.3 * p.pot.moment_coeffs[s];
    mtpc::TrainingObjective objective(*p.model, *p.train, std::vector<double>(p.n(), 1.0), 1, nullptr);
    const double loss = objective.evaluate(x.data(), C, nullptr, nullptr);
    EXPECT_NEAR(total.loss(Eigen::Map<Eigen::VectorXd>(x.data(), p.n())), loss, 1e-9 * loss);
}

TEST(LinearFit, EqualsDenseLeastSquaresSolve) {
    const TeacherProblem p(15);
    const double* C = p.pot.radial_coeffs.data();
    // The dense weighted system: rows scaled by √w, solved by a rank-revealing QR.
    std::vector<Eigen::VectorXd> rows;
    std::vector<double> rhs;
    for (int k = 0; k < p.train->size(); ++k) {
        const auto& cfg = p.train->configurations()[k];
        const auto& t = p.train->items()[k].target;
        const Eigen::MatrixXd X = p.model->linear_design(p.train->neighbors(k), cfg.types.data(), C);
        rows.push_back(std::sqrt(t.w_energy) * X.row(0).transpose());
        rhs.push_back(std::sqrt(t.w_energy) * t.energy);
        for (int r = 0; r < 3 * cfg.size(); ++r) {
            rows.push_back(std::sqrt(t.w_forces) * X.row(1 + r).transpose());
            rhs.push_back(std::sqrt(t.w_forces) * t.forces[r]);
        }
        for (int v = 0; v < 6; ++v) {
            const double w = v < 3 ? t.w_stress : 2 * t.w_stress;
            rows.push_back(std::sqrt(w) * X.row(1 + 3 * cfg.size() + v).transpose());
            rhs.push_back(std::sqrt(w) * t.virial[v]);
        }
    }
    Eigen::MatrixXd D(rows.size(), p.n());
    Eigen::VectorXd g(rows.size());
    for (size_t r = 0; r < rows.size(); ++r) {
        D.row(long(r)) = rows[r].transpose();
        g[long(r)] = rhs[r];
    }
    const Eigen::VectorXd dense = D.colPivHouseholderQr().solve(g);
    const auto ne = mtpc::sum_of(mtpc::build_normal_equations(*p.model, *p.train, C, 1, 2));
    const Eigen::VectorXd theta = mtpc::solve_linear_fit(ne, 0.0, {p.pot.species_count, {}});
    EXPECT_LT((theta - dense).norm(), 1e-10 * dense.norm()) << "dense " << dense.transpose() << "\nne " << theta.transpose();
    EXPECT_LT((D * (theta - dense)).norm(), 1e-10 * (D * dense).norm());
}

TEST(LinearFit, ZeroGradientOfTheRegularisedObjective) {
    // With the objective's own ridge λ K Σ (ξ_s / scale_s)², the linear fit (γ = 0) is where the
    // objective's gradient in x vanishes: the step minimises what BFGS minimises.
    const TeacherProblem p(15);
    const double* C = p.pot.radial_coeffs.data();
    const double lambda = 1e-3;
    std::vector<double> scale(p.n(), 1.0);
    for (int a = p.pot.species_count; a < p.n(); ++a) scale[a] = 0.5 + 0.1 * a;
    mtpc::LinearRegularization reg{p.pot.species_count, Eigen::VectorXd::Zero(p.n())};
    for (int a = p.pot.species_count; a < p.n(); ++a) reg.ridge_per_configuration[a] = lambda / (scale[a] * scale[a]);
    const auto ne = mtpc::sum_of(mtpc::build_normal_equations(*p.model, *p.train, C, 1, 1));
    const Eigen::VectorXd theta = mtpc::solve_linear_fit(ne, 0.0, reg);
    mtpc::TrainingObjective objective(*p.model, *p.train, scale, 1, nullptr, mtpc::Regularization{lambda, 0, 0});
    std::vector<double> x(p.n()), grad(p.n()), zero(p.n(), 0.0), grad0(p.n());
    for (int a = 0; a < p.n(); ++a) x[a] = theta[a] / scale[a];
    objective.evaluate(x.data(), C, grad.data(), nullptr);
    objective.evaluate(zero.data(), C, grad0.data(), nullptr);
    const double g = Eigen::Map<Eigen::VectorXd>(grad.data(), p.n()).norm();
    const double g0 = Eigen::Map<Eigen::VectorXd>(grad0.data(), p.n()).norm();
    EXPECT_LT(g, 1e-8 * g0) << "gradient at the fit " << g << ", at 0 " << g0;
}

TEST(LinearFit, DuplicatedBasisFunctionGetsAFiniteRegularisedSolution) {
    std::mt19937_64 rng(3);
    std::normal_distribution<double> u;
    Eigen::MatrixXd X(60, 5);
    for (long e = 0; e < X.size(); ++e) X.data()[e] = u(rng);
    X.col(4) = X.col(2);  // redundant: the same function twice
    Eigen::VectorXd y = X.col(0) - 2 * X.col(2) + 0.1 * Eigen::VectorXd::NullaryExpr(60, [&] { return u(rng); });
    const auto ne = mtpc::sum_of(equations_of_rows(X, y, 1));
    const mtpc::LinearRegularization none{0, {}};
    for (double gamma : {0.0, 1e-6, 1e-2}) {
        const Eigen::VectorXd theta = mtpc::solve_linear_fit(ne, gamma, none);
        ASSERT_TRUE(theta.allFinite()) << "gamma " << gamma;
        // The two copies share the weight equally (minimum norm, or the symmetric ridge).
        EXPECT_NEAR(theta[2], theta[4], 1e-8) << "gamma " << gamma;
        EXPECT_NEAR(theta[2] + theta[4], -2.0, 0.1) << "gamma " << gamma;
    }
    // At γ = 0 it is still a least-squares solution: the fit equals the one without the copy.
    const Eigen::VectorXd reduced = X.leftCols(4).colPivHouseholderQr().solve(y);
    EXPECT_LT((X * mtpc::solve_linear_fit(ne, 0.0, none) - X.leftCols(4) * reduced).norm(), 1e-10 * y.norm());
}

TEST(LinearFit, CrossValidationPicksTheGammaOfSmallestHeldOutError) {
    // Nearly as many noisy features as samples: least squares overfits, a ridge helps.
    std::mt19937_64 rng(11);
    std::normal_distribution<double> u;
    const int rows = 48, cols = 30, folds = 8;
    Eigen::MatrixXd X(rows, cols);
    for (long e = 0; e < X.size(); ++e) X.data()[e] = u(rng);
    Eigen::VectorXd truth = Eigen::VectorXd::NullaryExpr(cols, [&] { return u(rng); });
    const Eigen::VectorXd y = X * truth + Eigen::VectorXd::NullaryExpr(rows, [&] { return u(rng); });
    mtpc::LinearFitOptions o;
    o.folds = folds;
    const auto fit = mtpc::fit_linear(equations_of_rows(X, y, folds), o, {0, {}});
    ASSERT_EQ(fit.cross_validation.size(), o.l2_grid.size());
    // Recompute every held-out error by brute force from the rows.
    size_t best = 0;
    for (size_t g = 0; g < o.l2_grid.size(); ++g) {
        const double gamma = o.l2_grid[g];
        double held_out = 0;
        for (int f = 0; f < folds; ++f) {
            std::vector<int> in, out;
            for (int r = 0; r < rows; ++r) (r % folds == f ? out : in).push_back(r);
            const Eigen::MatrixXd Xi = X(in, Eigen::all);
            Eigen::MatrixXd M = Xi.transpose() * Xi;
            M.diagonal() *= 1 + gamma;
            const Eigen::VectorXd theta = M.ldlt().solve(Xi.transpose() * y(in));
            held_out += (X(out, Eigen::all) * theta - y(out)).squaredNorm();
        }
        EXPECT_NEAR(fit.cross_validation[g].loss, held_out / rows, 1e-8 * held_out / rows) << "gamma " << gamma;
        if (fit.cross_validation[g].loss < fit.cross_validation[best].loss) best = g;
    }
    EXPECT_EQ(fit.l2, o.l2_grid[best]);
    // The constructed problem has an interior optimum: neither no ridge nor the largest.
    EXPECT_GT(fit.l2, 0.0);
    EXPECT_LT(fit.l2, o.l2_grid.back());
}

TEST(LinearFit, OptionsAreValidatedNamingTheKey) {
    EXPECT_FALSE(mtpc::linear_fit_options_from_json(json{{"l2", "cv"}}, "m").l2.has_value());
    EXPECT_EQ(*mtpc::linear_fit_options_from_json(json{{"l2", 0}}, "m").l2, 0.0);
    auto message = [](const json& j) {
        try {
            (void)mtpc::linear_fit_options_from_json(j, "fit.json: steps[0].options");
        } catch (const mtpc::InputError& e) {
            return std::string(e.what());
        }
        return std::string();
    };
    EXPECT_EQ(message(json{{"l2", -1}}), "fit.json: steps[0].options.l2: must be \"cv\" or a number >= 0");
    EXPECT_EQ(message(json{{"folds", 1}}), "fit.json: steps[0].options.folds: must be an integer in [2, 1000]");
    EXPECT_NE(message(json{{"rank", 1}}).find("steps[0].options.rank: unknown option"), std::string::npos);
}

TEST(LinearStep, ManifestStepFitsAfterBfgsAndWritesTheCrossValidation) {
    const mtpc::test::TempDir tmp("mtpc_linear_step_");  // removed however the test ends
    const fs::path& dir = tmp.path();
    mtpc::test::write_teacher_data_set(dir, 42, 12, 6);
    json m = mtpc::test::teacher_manifest(dir, dir / "out", /*max_iterations=*/20);
    m["steps"][0]["options"]["linear_every"] = 0;  // the bfgs step alone ends without the exact solve
    m["steps"].push_back({{"optimizer", "linear"}, {"options", {{"l2", 0}}}});
    m["threads"] = 2;
    mtpc::TrainOptions opt;
    opt.quiet = true;
    const auto linear = mtpc::Trainer(mtpc::parse_manifest(m, (dir / "m.json").string()), opt).run();
    m["steps"] = json::array({m["steps"][0]});
    m["output"]["directory"] = (dir / "out_bfgs").string();
    const auto bfgs = mtpc::Trainer(mtpc::parse_manifest(m, (dir / "m2.json").string()), opt).run();
    ASSERT_EQ(linear.size(), 1u);
    EXPECT_LT(linear[0].final_loss, bfgs[0].final_loss);  // the exact minimiser beats 20 BFGS steps
    // γ by cross-validation, from the random start (before any nonlinear step).
    m["steps"] = json::array({json{{"optimizer", "linear"}, {"options", {{"l2", "cv"}, {"folds", 4}}}}});
    m["output"]["directory"] = (dir / "out_cv").string();
    const auto cv = mtpc::Trainer(mtpc::parse_manifest(m, (dir / "m3.json").string()), opt).run();
    EXPECT_TRUE(fs::exists(dir / "out_cv/base/seed-1/linear_step0_cv.csv"));
    ASSERT_EQ(cv[0].stop_reasons.size(), 1u);
    EXPECT_NE(cv[0].stop_reasons[0].find("cross-validated"), std::string::npos);
    // A bad option is refused up front, naming the step.
    m["steps"] = json::array({json{{"optimizer", "linear"}, {"options", {{"l2", "auto"}}}}});
    std::string error;
    try {
        mtpc::Trainer(mtpc::parse_manifest(m, (dir / "bad.json").string()), opt).validate();
    } catch (const mtpc::InputError& e) {
        error = e.what();
    }
    EXPECT_NE(error.find("steps[0].options.l2"), std::string::npos) << error;
}

namespace {

// Trains the teacher set for 30 iterations (convergence rule off, so that every run takes them
// all) once with `options` on the bfgs step and once as the explicit list of bfgs blocks of the
// given lengths, each followed by the exact linear step, and expects the two to agree bit for bit.
// Returns the loss of the run with the option.
double expect_option_equals_explicit_list(const json& options, const std::vector<int>& blocks, const fs::path& dir) {
    mtpc::test::write_teacher_data_set(dir, 42, 12, 6);
    json m = mtpc::test::teacher_manifest(dir, dir / "option", /*max_iterations=*/30);
    m["convergence"] = false;
    // The fit starts from random radial functions, far from smooth: with the curvature
    // penalty on, straightening them dominates a 30-iteration fit, and the test below compares
    // what the re-solve does for the data term.
    m["loss"]["radial_curvature"] = 0.0;
    m["steps"][0]["options"].update(options);
    mtpc::TrainOptions opt;
    opt.quiet = true;
    const auto option = mtpc::Trainer(mtpc::parse_manifest(m, (dir / "option.json").string()), opt).run();
    json steps = json::array();
    for (const int block : blocks) {
        steps.push_back({{"optimizer", "bfgs"}, {"options", {{"max_iterations", block}, {"linear_every", 0}}}});
        steps.push_back({{"optimizer", "linear"}, {"options", {{"l2", 0}}}});
    }
    m["steps"] = steps;
    m["output"]["directory"] = (dir / "list").string();
    const auto list = mtpc::Trainer(mtpc::parse_manifest(m, (dir / "list.json").string()), opt).run();
    EXPECT_EQ(option.size(), 1u);
    EXPECT_EQ(list.size(), 1u);
    if (option.size() != 1 || list.size() != 1) return 0;
    EXPECT_EQ(option[0].iterations, 30);
    EXPECT_EQ(option[0].final_loss, list[0].final_loss);  // bit for bit
    EXPECT_EQ(mtpc::test::read_file(dir / "option/base/seed-1/potential.mtp"),
              mtpc::test::read_file(dir / "list/base/seed-1/potential.mtp"));
    return option[0].final_loss;
}

}  // namespace

// MLIP-2's periodic re-solve as a bfgs option equals the explicit list of steps it replaces.
TEST(LinearStep, LinearEveryEqualsTheExplicitListOfSteps) {
    const mtpc::test::TempDir tmp("mtpc_linear_every_");
    const fs::path& dir = tmp.path();
    const double every = expect_option_equals_explicit_list({{"linear_every", 10}}, {10, 10, 10}, dir);
    // Without the re-solves the same 30 iterations end higher: the option does something.
    json m = mtpc::test::teacher_manifest(dir, dir / "plain", /*max_iterations=*/30);
    m["convergence"] = false;
    m["loss"]["radial_curvature"] = 0.0;
    m["steps"][0]["options"]["linear_every"] = 0;
    mtpc::TrainOptions opt;
    opt.quiet = true;
    const auto plain = mtpc::Trainer(mtpc::parse_manifest(m, (dir / "plain.json").string()), opt).run();
    ASSERT_EQ(plain.size(), 1u);
    EXPECT_LT(every, plain[0].final_loss);
}

// The doubling schedule (linear_first) is the explicit list with growing blocks: first 5, period
// 10 re-solves after 5, 15 and 25 of 30 iterations and at the end.
TEST(LinearStep, LinearFirstEqualsTheExplicitListWithDoublingBlocks) {
    const mtpc::test::TempDir tmp("mtpc_linear_first_");
    expect_option_equals_explicit_list({{"linear_every", 10}, {"linear_first", 5}}, {5, 10, 10, 5}, tmp.path());
}

TEST(LinearStep, LinearEveryIsValidatedAndReported) {
    EXPECT_THROW(mtpc::CeresLineSearchOptimizer("bfgs", json{{"linear_every", -1}}), mtpc::InputError);
    EXPECT_THROW(mtpc::CeresLineSearchOptimizer("bfgs", json{{"linear_every", "50"}}), mtpc::InputError);
    const mtpc::CeresLineSearchOptimizer bfgs("bfgs", json{{"linear_every", 50}});
    EXPECT_EQ(json::parse(bfgs.options_json()).at("linear_every"), 50);
    EXPECT_THROW(mtpc::CeresLineSearchOptimizer("bfgs", json{{"linear_first", -1}}), mtpc::InputError);
    EXPECT_THROW(mtpc::CeresLineSearchOptimizer("bfgs", json{{"linear_first", 2.5}}), mtpc::InputError);
    const mtpc::CeresLineSearchOptimizer scheduled("bfgs", json{{"linear_every", 50}, {"linear_first", 5}});
    EXPECT_EQ(json::parse(scheduled.options_json()).at("linear_first"), 5);
}

namespace {

/// ξ of a trained potential.
Eigen::VectorXd moment_coefficients(const fs::path& mtp) {
    const auto pot = mtpc::read_mtp(mtp.string());
    return Eigen::Map<const Eigen::VectorXd>(pot.moment_coeffs.data(), Eigen::Index(pot.moment_coeffs.size()));
}

/// Trains the teacher set with `step` (radial-mf rank 2), alone and followed by the exact linear
/// step; returns |ξ_step − ξ_step+linear| / |ξ_step+linear|: 0 up to rounding when the step
/// itself ended with the exact re-solve.
double distance_to_the_exact_linear_coefficients(const json& step, const fs::path& dir, const std::string& name) {
    json m = mtpc::test::teacher_manifest(dir, dir / name, /*max_iterations=*/12);
    m["convergence"] = false;
    m["radial"] = {{"plugin", "radial-mf"}, {"options", {{"rank", 2}}}};
    m["steps"] = json::array({step});
    mtpc::TrainOptions opt;
    opt.quiet = true;
    mtpc::Trainer(mtpc::parse_manifest(m, (dir / (name + ".json")).string()), opt).run();
    m["steps"].push_back({{"optimizer", "linear"}, {"options", {{"l2", 0}}}});
    m["output"]["directory"] = (dir / (name + "_then_linear")).string();
    mtpc::Trainer(mtpc::parse_manifest(m, (dir / (name + "_then_linear.json")).string()), opt).run();
    const Eigen::VectorXd alone = moment_coefficients(dir / name / "base/seed-1/potential.mtp");
    const Eigen::VectorXd exact = moment_coefficients(dir / (name + "_then_linear") / "base/seed-1/potential.mtp");
    return (alone - exact).norm() / exact.norm();
}

}  // namespace

// The low-rank optimiser plugins re-solve through the host (Objective::solve_linear) on the same
// schedule as the built-in BFGS and end their step with it, so an exact linear step after them
// changes nothing; with linear_every 0 it does.
TEST(LinearStep, LowRankOptimisersEndOnTheHostsExactLinearCoefficients) {
    const mtpc::test::TempDir tmp("mtpc_lowrank_relinear_");
    mtpc::test::write_teacher_data_set(tmp.path(), 42, 12, 6);
    for (const std::string optimizer : {"optimizer-rbfgs", "optimizer-mfra"}) {
        SCOPED_TRACE(optimizer);
        json options = {{"max_iterations", 12}, {"linear_first", 4}, {"linear_every", 8}};
        if (optimizer == "optimizer-mfra") options["rank_max"] = 3;
        const double with = distance_to_the_exact_linear_coefficients({{"optimizer", optimizer}, {"options", options}},
                                                                       tmp.path(), optimizer + "_with");
        options["linear_every"] = 0;
        const double without = distance_to_the_exact_linear_coefficients(
            {{"optimizer", optimizer}, {"options", options}}, tmp.path(), optimizer + "_without");
        EXPECT_LT(with, 1e-8);
        EXPECT_GT(without, 1e-4);
    }
}
