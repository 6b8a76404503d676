// The generated MTP basis: MLIP-2's counts, a valid moment program, rotation invariance, the same
// function space as MLIP-2's own potentials, and the `mtpc init-mtp` command.
#include <gtest/gtest.h>

#include <Eigen/Dense>
#include <Eigen/Geometry>
#include <Eigen/SVD>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "mtpc/core/error.hpp"
#include "mtpc/io/mtp_io.hpp"
#include "mtpc/mtp/basis_generator.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

/// MLIP-2's untrained templates (untrained_mtps/NN.mtp), see reference/MTP_FORMAT.md.
struct Mlip2Counts {
    int level, n_funcs, alpha_moments, basic, times, scalar;
};
constexpr Mlip2Counts kMlip2Table[] = {
    {2, 1, 1, 1, 0, 1},           {4, 1, 2, 1, 1, 2},           {6, 2, 8, 5, 5, 5},
    {8, 2, 18, 11, 14, 9},        {10, 3, 41, 25, 42, 16},      {12, 3, 84, 46, 117, 29},
    {14, 4, 174, 81, 348, 52},    {16, 4, 350, 130, 969, 92},   {18, 5, 718, 201, 2634, 163},
    {20, 5, 1352, 295, 6349, 288}, {22, 6, 2621, 421, 15431, 500}, {24, 6, 4991, 581, 36170, 864},
    {26, 6, 9396, 706, 82520, 1464}, {28, 6, 17366, 866, 180069, 2445},
};

std::vector<mtpc::BasisNeighbour> random_neighbourhood(std::mt19937_64& rng, int count, int n_funcs) {
    std::normal_distribution<double> normal(0.0, 1.0);
    std::uniform_real_distribution<double> radial(-1.0, 1.0);
    std::vector<mtpc::BasisNeighbour> nbh(count);
    for (auto& nb : nbh) {
        nb.r = Eigen::Vector3d(normal(rng), normal(rng), normal(rng));
        nb.radial.resize(n_funcs);
        for (double& f : nb.radial) f = radial(rng);
    }
    return nbh;
}

Eigen::Matrix3d random_rotation(std::mt19937_64& rng) {
    std::normal_distribution<double> normal(0.0, 1.0);
    Eigen::Quaterniond q(normal(rng), normal(rng), normal(rng), normal(rng));
    q.normalize();
    return q.toRotationMatrix();
}

/// Numerical rank: singular values above rel_tol · the largest, after scaling columns to unit norm
/// (basis functions differ wildly in magnitude; their span does not depend on the scaling).
int numerical_rank(Eigen::MatrixXd m, double rel_tol) {
    for (Eigen::Index c = 0; c < m.cols(); ++c) m.col(c).normalize();
    const Eigen::VectorXd sv = Eigen::BDCSVD<Eigen::MatrixXd>(m).singularValues();
    int rank = 0;
    for (Eigen::Index i = 0; i < sv.size(); ++i)
        if (sv[i] > rel_tol * sv[0]) ++rank;
    return rank;
}

/// An upper bound of Σ|terms| of every basis function on `nbh` (the scale of its rounding error):
/// the program evaluated with every basic moment replaced by Σ_j |f_μ(r_j)| >= |any component|.
std::vector<double> magnitude_bound(const mtpc::MtpBasis& b, const std::vector<mtpc::BasisNeighbour>& nbh) {
    std::vector<double> m(b.alpha_moments_count, 0.0);
    for (std::size_t i = 0; i < b.alpha_index_basic.size(); ++i)
        for (const auto& nb : nbh) m[i] += std::abs(nb.radial[b.alpha_index_basic[i][0]]);
    for (const auto& [i, j, k, t] : b.alpha_index_times) m[t] += std::abs(k) * m[i] * m[j];
    std::vector<double> out;
    for (int s : b.alpha_moment_mapping) out.push_back(m[s]);
    return out;
}

double thread_cpu_seconds() {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

}  // namespace

TEST(BasisGenerator, CountsMatchMlip2ForEveryLevel) {
    std::cout << "level  N_f  scalar  basic  alpha_moments (MLIP-2)  times (MLIP-2)  generation\n";
    for (const Mlip2Counts& ref : kMlip2Table) {
        // CPU time of this thread, not wall time: the guard is against a generator that blows up
        // with the level (0.14 s at level 28), and a loaded machine must not fail it.
        const double start = thread_cpu_seconds();
        const mtpc::MtpBasis b = mtpc::generate_mtp_basis(ref.level);
        const double seconds = thread_cpu_seconds() - start;
        EXPECT_EQ(b.level, ref.level);
        EXPECT_EQ(b.radial_funcs_count, ref.n_funcs) << "level " << ref.level;
        EXPECT_EQ(static_cast<int>(b.alpha_index_basic.size()), ref.basic) << "level " << ref.level;
        EXPECT_EQ(static_cast<int>(b.alpha_moment_mapping.size()), ref.scalar) << "level " << ref.level;
        EXPECT_LT(seconds, 5.0) << "level " << ref.level << " generation is slow (CPU time)";
        // Exact intermediates shared between functions, with symmetric components stored once:
        // never more work per site than MLIP-2's own templates.
        EXPECT_LE(b.alpha_moments_count, ref.alpha_moments) << "level " << ref.level;
        EXPECT_LE(static_cast<int>(b.alpha_index_times.size()), ref.times) << "level " << ref.level;
        std::printf("%5d %4d %7zu %6zu %8d (%5d) %9zu (%6d)  %.3f s\n", ref.level, b.radial_funcs_count,
                    b.alpha_moment_mapping.size(), b.alpha_index_basic.size(), b.alpha_moments_count, ref.alpha_moments,
                    b.alpha_index_times.size(), ref.times, seconds);
    }
}

TEST(BasisGenerator, MomentProgramIsWellFormed) {
    for (int level = mtpc::kMtpMinLevel; level <= mtpc::kMtpMaxLevel; level += 2) {
        SCOPED_TRACE("level " + std::to_string(level));
        const mtpc::MtpBasis b = mtpc::generate_mtp_basis(level);
        const int basic = static_cast<int>(b.alpha_index_basic.size());
        ASSERT_GE(b.alpha_moments_count, basic);
        std::set<std::array<int, 4>> distinct_basic(b.alpha_index_basic.begin(), b.alpha_index_basic.end());
        EXPECT_EQ(static_cast<int>(distinct_basic.size()), basic);
        for (const auto& [mu, a, bb, c] : b.alpha_index_basic) {
            EXPECT_TRUE(mu >= 0 && mu < b.radial_funcs_count && a >= 0 && bb >= 0 && c >= 0 && a + bb + c <= 10);
        }
        // Every intermediate moment is finished (no later accumulation into it) before it is read,
        // and every one of them is computed.
        std::vector<int> last_write(b.alpha_moments_count, -1), first_read(b.alpha_moments_count, INT32_MAX);
        for (int e = 0; e < static_cast<int>(b.alpha_index_times.size()); ++e) {
            const auto& [i, j, k, t] = b.alpha_index_times[e];
            ASSERT_TRUE(i >= 0 && j >= 0 && i < b.alpha_moments_count && j < b.alpha_moments_count);
            ASSERT_TRUE(t >= basic && t < b.alpha_moments_count);
            EXPECT_GT(k, 0);
            last_write[t] = e;
            first_read[i] = std::min(first_read[i], e);
            first_read[j] = std::min(first_read[j], e);
        }
        for (int m = basic; m < b.alpha_moments_count; ++m) {
            EXPECT_GE(last_write[m], 0) << "moment " << m << " is never computed";
            EXPECT_LT(last_write[m], first_read[m]) << "moment " << m << " is read before it is complete";
        }
        std::set<int> distinct_scalars(b.alpha_moment_mapping.begin(), b.alpha_moment_mapping.end());
        EXPECT_EQ(distinct_scalars.size(), b.alpha_moment_mapping.size());
        for (int m : b.alpha_moment_mapping) EXPECT_TRUE(m >= 0 && m < b.alpha_moments_count);
    }
}

TEST(BasisGenerator, IsDeterministic) {
    const mtpc::MtpBasis a = mtpc::generate_mtp_basis(20), b = mtpc::generate_mtp_basis(20);
    EXPECT_EQ(a.alpha_moments_count, b.alpha_moments_count);
    EXPECT_EQ(a.alpha_index_basic, b.alpha_index_basic);
    EXPECT_EQ(a.alpha_index_times, b.alpha_index_times);
    EXPECT_EQ(a.alpha_moment_mapping, b.alpha_moment_mapping);
}

TEST(BasisGenerator, RejectsInvalidLevels) {
    for (int level : {-2, 0, 1, 3, 15, 30, 100}) EXPECT_THROW(mtpc::generate_mtp_basis(level), mtpc::InputError) << level;
}

TEST(BasisGenerator, EveryBasisFunctionIsRotationInvariant) {
    std::mt19937_64 rng(20240601);
    for (int level = mtpc::kMtpMinLevel; level <= mtpc::kMtpMaxLevel; level += 2) {
        SCOPED_TRACE("level " + std::to_string(level));
        const mtpc::MtpBasis b = mtpc::generate_mtp_basis(level);
        for (int trial = 0; trial < 3; ++trial) {
            const auto nbh = random_neighbourhood(rng, 9, b.radial_funcs_count);
            const Eigen::Matrix3d rot = random_rotation(rng);
            auto rotated = nbh;
            for (auto& nb : rotated) nb.r = rot * nb.r;
            const std::vector<double> v = mtpc::evaluate_basis_functions(b, nbh);
            const std::vector<double> w = mtpc::evaluate_basis_functions(b, rotated);
            const std::vector<double> bound = magnitude_bound(b, nbh);
            ASSERT_EQ(v.size(), b.alpha_moment_mapping.size());
            for (std::size_t s = 0; s < v.size(); ++s) {
                // Rounding error <= (operation depth ~ 30) · ε · Σ|terms|; a wrong multiplicity or
                // index would change the value by O(Σ|terms|).
                EXPECT_NEAR(v[s], w[s], 1e-13 * bound[s]) << "basis function " << s << " of " << v.size();
            }
            // The rotation is not trivial: a vector moment component does change.
            const std::vector<double> x = mtpc::evaluate_basis_functions(2, {{0, 1, 0, 0}}, {}, {0}, nbh);
            const std::vector<double> y = mtpc::evaluate_basis_functions(2, {{0, 1, 0, 0}}, {}, {0}, rotated);
            EXPECT_GT(std::abs(x[0] - y[0]), 1e-6);
        }
    }
}

TEST(BasisGenerator, SpansTheSameFunctionSpaceAsMlip2Potentials) {
    const fs::path dir = mtpc::test::shared_path("reference/mlip2");
    if (const auto missing = mtpc::test::missing_reference_data({dir})) GTEST_SKIP() << *missing;
    std::vector<fs::path> pots;
    for (const auto& entry : fs::directory_iterator(dir))
        if (fs::exists(entry.path() / "pot.mtp")) pots.push_back(entry.path() / "pot.mtp");
    std::sort(pots.begin(), pots.end());
    ASSERT_FALSE(pots.empty()) << "no */pot.mtp under " << dir.string();

    std::mt19937_64 rng(7);
    for (const fs::path& path : pots) {
        SCOPED_TRACE(path.string());
        const mtpc::MtpPotential ref = mtpc::read_mtp(path.string());
        // Its level: the smallest even level whose generated basis has as many functions.
        mtpc::MtpBasis ours;
        for (int level = mtpc::kMtpMinLevel; level <= mtpc::kMtpMaxLevel; level += 2) {
            ours = mtpc::generate_mtp_basis(level);
            if (ours.alpha_moment_mapping.size() == ref.alpha_moment_mapping.size()) break;
        }
        ASSERT_EQ(ours.alpha_moment_mapping.size(), ref.alpha_moment_mapping.size()) << "no level matches";
        EXPECT_EQ(ours.radial_funcs_count, ref.radial_funcs_count);
        EXPECT_EQ(ours.alpha_index_basic.size(), ref.alpha_index_basic.size());

        const int n = static_cast<int>(ours.alpha_moment_mapping.size());
        const int samples = 2 * n + 64;  // more than both bases together
        const int n_funcs = std::max(ours.radial_funcs_count, ref.radial_funcs_count);
        Eigen::MatrixXd a(samples, n), b(samples, n);
        for (int k = 0; k < samples; ++k) {
            const auto nbh = random_neighbourhood(rng, 10, n_funcs);
            const auto va = mtpc::evaluate_basis_functions(ref.alpha_moments_count, ref.alpha_index_basic,
                                                           ref.alpha_index_times, ref.alpha_moment_mapping, nbh);
            const auto vb = mtpc::evaluate_basis_functions(ours, nbh);
            for (int s = 0; s < n; ++s) {
                a(k, s) = va[s];
                b(k, s) = vb[s];
            }
        }
        Eigen::MatrixXd ab(samples, 2 * n);
        ab << a, b;
        // Observed: retained singular values >= 1e-5 of the largest, discarded ones <= 1e-14.
        const double tol = 1e-9;
        const int rank_a = numerical_rank(a, tol), rank_b = numerical_rank(b, tol), rank_ab = numerical_rank(ab, tol);
        std::printf("%s: level %d, %d functions, rank MLIP-2 %d, ours %d, joint %d\n", path.string().c_str(),
                    ours.level, n, rank_a, rank_b, rank_ab);
        EXPECT_EQ(rank_a, rank_b);
        EXPECT_EQ(rank_ab, rank_a);
        // MLIP-2's functions themselves are almost all independent (3-D identities remove a few).
        EXPECT_GE(rank_a, n - n / 20);
    }
}

TEST(BasisGenerator, UntrainedPotentialHasTheBasisAndTheRadialSettings) {
    const mtpc::MtpPotential pot = mtpc::make_untrained_mtp(16, 3, 1.5, 5.5, 10);
    const mtpc::MtpBasis basis = mtpc::generate_mtp_basis(16);
    EXPECT_EQ(pot.species_count, 3);
    EXPECT_EQ(pot.min_dist, 1.5);
    EXPECT_EQ(pot.max_dist, 5.5);
    EXPECT_EQ(pot.radial_basis_size, 10);
    EXPECT_EQ(pot.radial_basis_type, "RBChebyshev");
    EXPECT_EQ(pot.radial_funcs_count, basis.radial_funcs_count);
    EXPECT_EQ(pot.alpha_moments_count, basis.alpha_moments_count);
    EXPECT_EQ(pot.alpha_index_basic, basis.alpha_index_basic);
    EXPECT_EQ(pot.alpha_index_times, basis.alpha_index_times);
    EXPECT_EQ(pot.alpha_moment_mapping, basis.alpha_moment_mapping);
    EXPECT_FALSE(pot.trained());
    EXPECT_NO_THROW(mtpc::validate_mtp(pot, "generated"));

    EXPECT_THROW(mtpc::make_untrained_mtp(15, 1, 2, 5), mtpc::InputError);
    EXPECT_THROW(mtpc::make_untrained_mtp(30, 1, 2, 5), mtpc::InputError);
    EXPECT_THROW(mtpc::make_untrained_mtp(8, 0, 2, 5), mtpc::InputError);
    EXPECT_THROW(mtpc::make_untrained_mtp(8, 1, 5, 5), mtpc::InputError);
    EXPECT_THROW(mtpc::make_untrained_mtp(8, 1, 6, 5), mtpc::InputError);
    EXPECT_THROW(mtpc::make_untrained_mtp(8, 1, -1, 5), mtpc::InputError);
    EXPECT_THROW(mtpc::make_untrained_mtp(8, 1, 2, 5, 0), mtpc::InputError);
}

TEST(BasisGenerator, InitMtpCommandWritesAReadablePotential) {
    const mtpc::test::TempDir temp("mtpc_init_mtp_");
    const fs::path& dir = temp.path();
    const fs::path out = dir / "l10.mtp", err = dir / "stderr.txt";
    const std::string exe = MTPC_EXE;
    const std::string ok_cmd = exe + " init-mtp --level 10 --species 2 --min-dist 1.2 --max-dist 5 --radial-basis-size 6 " +
                               out.string() + " > " + (dir / "stdout.txt").string() + " 2> " + err.string();
    ASSERT_EQ(std::system(ok_cmd.c_str()), 0) << mtpc::test::read_file(err);
    const mtpc::MtpPotential written = mtpc::read_mtp(out.string());
    const mtpc::MtpPotential expected = mtpc::make_untrained_mtp(10, 2, 1.2, 5.0, 6);
    EXPECT_EQ(written.species_count, 2);
    EXPECT_EQ(written.min_dist, 1.2);
    EXPECT_EQ(written.max_dist, 5.0);
    EXPECT_EQ(written.radial_basis_size, 6);
    EXPECT_EQ(written.radial_funcs_count, expected.radial_funcs_count);
    EXPECT_EQ(written.alpha_moments_count, expected.alpha_moments_count);
    EXPECT_EQ(written.alpha_index_basic, expected.alpha_index_basic);
    EXPECT_EQ(written.alpha_index_times, expected.alpha_index_times);
    EXPECT_EQ(written.alpha_moment_mapping, expected.alpha_moment_mapping);

    const std::vector<std::string> bad_args = {
        "--level 9 --species 1 --min-dist 2 --max-dist 5",   "--level 30 --species 1 --min-dist 2 --max-dist 5",
        "--level 8 --species 0 --min-dist 2 --max-dist 5",   "--level 8 --species 1 --min-dist 5 --max-dist 5",
        "--level 8 --species 1 --min-dist 6 --max-dist 5",   "--level 8 --species 1 --min-dist 2 --max-dist 5 "
                                                             "--radial-basis-size 0",
    };
    const fs::path bad_out = dir / "bad.mtp";
    for (const std::string& args : bad_args) {
        const std::string cmd = exe + " init-mtp " + args + " " + bad_out.string() + " > /dev/null 2> " + err.string();
        EXPECT_NE(std::system(cmd.c_str()), 0) << args;
        const std::string message = mtpc::test::read_file(err);
        EXPECT_NE(message.find("mtpc: error: init-mtp: "), std::string::npos) << args << ": " << message;
        EXPECT_EQ(std::count(message.begin(), message.end(), '\n'), 1) << "one line expected: " << message;
        EXPECT_FALSE(fs::exists(bad_out)) << args;
    }
}
