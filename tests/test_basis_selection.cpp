// ℓ0 basis selection (Shapeev 2016 §4.5.3) and the pruned potential: a planted sparse model is
// recovered; a pruned .mtp drops unused moments, round-trips, and evaluates exactly as the full
// potential whose dropped coefficients are 0; `mtpc prune-basis` writes such a file.
#include <gtest/gtest.h>

#include <Eigen/Dense>

#include <algorithm>
#include <filesystem>
#include <random>
#include <sstream>

#include "mtpc/core/error.hpp"
#include "mtpc/io/cfg_io.hpp"
#include "mtpc/io/mtp_io.hpp"
#include "mtpc/mtp/basis_pruning.hpp"
#include "mtpc/train/basis_selection.hpp"
#include "mtpc/train/normal_equations.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

mtpc::NormalEquations equations_of_rows(const Eigen::MatrixXd& X, const Eigen::VectorXd& y) {
    mtpc::NormalEquations ne(int(X.cols()));
    ne.A = X.transpose() * X;
    ne.b = X.transpose() * y;
    ne.c = y.squaredNorm();
    ne.configurations = int(X.rows());
    return ne;
}

/// A level-10 two-species potential with random radial functions and all ξ set.
mtpc::MtpPotential level10_potential(std::mt19937_64& rng) {
    mtpc::MtpPotential pot = mtpc::make_untrained_mtp(10, 2, 1.8, 4.6, 6);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    pot.radial_coeffs.resize(std::size_t(4) * pot.radial_funcs_count * 6);
    for (auto& c : pot.radial_coeffs) c = 0.1 * u(rng);
    pot.species_coeffs = {-3.0, -4.0};
    pot.moment_coeffs.resize(pot.alpha_moment_mapping.size());
    for (auto& c : pot.moment_coeffs) c = 0.05 * u(rng);
    return pot;
}

}  // namespace

TEST(BasisSelection, RecoversAPlantedSparseModel) {
    // Correlated columns (a shared component) make the greedy choice non-trivial.
    std::mt19937_64 rng(5);
    std::normal_distribution<double> u;
    const int rows = 200, cols = 40;
    Eigen::MatrixXd X(rows, cols);
    const Eigen::VectorXd common = Eigen::VectorXd::NullaryExpr(rows, [&] { return u(rng); });
    for (int c = 0; c < cols; ++c)
        X.col(c) = 0.6 * common + Eigen::VectorXd::NullaryExpr(rows, [&] { return u(rng); });
    const std::vector<int> planted = {3, 11, 17, 29, 36};
    Eigen::VectorXd truth = Eigen::VectorXd::Zero(cols);
    for (size_t k = 0; k < planted.size(); ++k) truth[planted[k]] = (k % 2 ? -1.0 : 1.0) * (0.5 + 0.3 * double(k));
    const Eigen::VectorXd y = X * truth + 0.01 * Eigen::VectorXd::NullaryExpr(rows, [&] { return u(rng); });
    const auto ne = equations_of_rows(X, y);

    mtpc::BasisSelectionOptions o;
    o.keep = 5;
    const auto sel = mtpc::select_basis(ne, /*n_species=*/0, o);
    EXPECT_EQ(sel.basis, planted);
    for (int c : planted) EXPECT_NEAR(sel.theta[c], truth[c], 0.01);
    // By accuracy goal: the planted size is the first that reaches the full fit's loss.
    o.keep = 0;
    o.tolerance = 0.5;
    const auto by_goal = mtpc::select_basis(ne, 0, o);
    EXPECT_EQ(by_goal.basis, planted);
    EXPECT_EQ(by_goal.loss_path.size(), planted.size());
    EXPECT_TRUE(std::is_sorted(by_goal.loss_path.rbegin(), by_goal.loss_path.rend()));
}

TEST(BasisSelection, RecoversThePlantedBasisOfAnMtp) {
    // A teacher MTP using 4 of its level-10 basis functions labels the data; selection on the
    // normal equations of the full level-10 basis finds those 4 and their coefficients.
    std::mt19937_64 rng(9);
    mtpc::MtpPotential teacher = level10_potential(rng);
    const int S = teacher.alpha_scalar_moments();
    const std::vector<int> planted = {1, 4, 7, S - 2};
    std::vector<double> full_coeffs(S, 0.0);
    for (int s : planted) full_coeffs[s] = teacher.moment_coeffs[s] * 4;
    teacher.moment_coeffs = full_coeffs;
    const mtpc::MtpModel model(teacher);
    auto cfgs = mtpc::test::make_teacher_configurations(model, 20, rng);
    const mtpc::TrainingSet train(std::move(cfgs), 2, model.cutoff(), {}, "teacher");
    const auto ne = mtpc::sum_of(mtpc::build_normal_equations(model, train, teacher.radial_coeffs.data(), 1, 2));
    mtpc::BasisSelectionOptions o;
    o.keep = int(planted.size());
    const auto sel = mtpc::select_basis(ne, 2, o);
    EXPECT_EQ(sel.basis, planted);
    for (int s : planted) EXPECT_NEAR(sel.theta[2 + s], full_coeffs[s], 1e-6 * std::abs(full_coeffs[s]));
    EXPECT_LT(sel.loss, 1e-12 * ne.c);
}

TEST(BasisPruning, PrunedPotentialRoundTripsAndEqualsTheFullOneWithZeroCoefficients) {
    std::mt19937_64 rng(21);
    const mtpc::MtpPotential pot = level10_potential(rng);
    const int S = pot.alpha_scalar_moments();
    const std::vector<int> keep = {S - 1, 0, 5, S / 2};  // any order
    const mtpc::MtpPotential pruned = mtpc::prune_basis(pot, keep);
    EXPECT_EQ(pruned.alpha_scalar_moments(), 4);
    EXPECT_LT(pruned.alpha_moments_count, pot.alpha_moments_count);
    EXPECT_LT(pruned.alpha_index_times.size(), pot.alpha_index_times.size());
    EXPECT_LE(pruned.alpha_index_basic.size(), pot.alpha_index_basic.size());

    // Written and read back: the same potential, field by field.
    std::stringstream text;
    mtpc::write_mtp(text, pruned);
    const mtpc::MtpPotential back = mtpc::read_mtp(text, "pruned.mtp");
    EXPECT_EQ(back.alpha_moments_count, pruned.alpha_moments_count);
    EXPECT_EQ(back.alpha_index_basic, pruned.alpha_index_basic);
    EXPECT_EQ(back.alpha_index_times, pruned.alpha_index_times);
    EXPECT_EQ(back.alpha_moment_mapping, pruned.alpha_moment_mapping);
    EXPECT_EQ(back.moment_coeffs, pruned.moment_coeffs);
    EXPECT_EQ(back.radial_coeffs, pruned.radial_coeffs);

    // The full potential with every other coefficient 0 evaluates the same.
    mtpc::MtpPotential zeroed = pot;
    std::vector<int> sorted = keep;
    std::sort(sorted.begin(), sorted.end());
    for (int s = 0; s < S; ++s)
        if (!std::binary_search(sorted.begin(), sorted.end(), s)) zeroed.moment_coeffs[s] = 0;
    const mtpc::MtpModel full(zeroed), small(back);
    const auto cfgs = mtpc::test::make_teacher_configurations(full, 4, rng);
    for (const auto& c : cfgs) {
        const auto a = full.compute_efs(c), b = small.compute_efs(c);
        EXPECT_NEAR(a.energy, b.energy, 1e-12 * std::abs(a.energy));
        for (int i = 0; i < c.size(); ++i) EXPECT_LT((a.forces[i] - b.forces[i]).norm(), 1e-12 * (1 + a.forces[i].norm()));
        for (int v = 0; v < 6; ++v) EXPECT_NEAR(a.virial[v], b.virial[v], 1e-12 * (1 + std::abs(a.virial[v])));
    }
    EXPECT_THROW((void)mtpc::prune_basis(pot, {0, 0}), mtpc::InputError);
    EXPECT_THROW((void)mtpc::prune_basis(pot, {S}), mtpc::InputError);
}

TEST(BasisPruning, CommandWritesAPrunedPotential) {
    const mtpc::test::TempDir tmp("mtpc_prune_");  // removed however the test ends
    const fs::path& dir = tmp.path();
    std::mt19937_64 rng(4);
    const mtpc::MtpPotential pot = level10_potential(rng);
    mtpc::write_mtp((dir / "full.mtp").string(), pot);
    const mtpc::MtpModel model(pot);
    mtpc::write_cfg((dir / "train.cfg").string(), mtpc::test::make_teacher_configurations(model, 10, rng));
    const std::string base = std::string(MTPC_EXE) + " prune-basis " + (dir / "full.mtp").string() + " " +
                             (dir / "train.cfg").string() + " -o " + (dir / "small.mtp").string();
    const auto ok = mtpc::test::run_command(base + " --keep 6 --threads 2 --path " + (dir / "path.csv").string());
    ASSERT_EQ(ok.status, 0) << ok.out;
    const mtpc::MtpPotential small = mtpc::read_mtp((dir / "small.mtp").string());
    EXPECT_EQ(small.alpha_scalar_moments(), 6);
    EXPECT_EQ(small.moment_coeffs.size(), 6u);
    EXPECT_TRUE(fs::exists(dir / "path.csv"));
    // Bad input: one line, non-zero exit.
    const auto bad = mtpc::test::run_command(base + " --keep 6 --tolerance 0.1");
    EXPECT_NE(bad.status, 0);
    const auto untrained = mtpc::test::run_command(std::string(MTPC_EXE) + " prune-basis " + (dir / "train.cfg").string() +
                                                   " " + (dir / "train.cfg").string() + " -o " + (dir / "x.mtp").string() + " --keep 2");
    EXPECT_NE(untrained.status, 0);
}
