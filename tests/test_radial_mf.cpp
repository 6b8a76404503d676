// radial-mf (Ĉ = U Vᵀ): conformance, the paper's parameter counts, layout, SVD initialisation.
#include <gtest/gtest.h>

#include <Eigen/SVD>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "MatrixFactorizationRadial.hpp"
#include "mtpc/core/error.hpp"
#include "mtpc/plugin/plugin_host.hpp"
#include "radial_conformance.hpp"

namespace {

using mtpc::radial_mf::MatrixFactorizationRadial;
using mtpc::test::radial_conformance::Case;
using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

std::shared_ptr<mtpc::sdk::RadialParameterization> make_mf(const std::string& options) {
    return std::make_shared<MatrixFactorizationRadial>(options);
}

std::string paper_options(int rank) {
    return R"({"n_species": 4, "n_funcs": 4, "n_basis": 8, "rank": )" + std::to_string(rank) + "}";
}

/// A random m×n matrix of rank exactly k (generic product of two random thin factors).
RowMajorMatrix random_rank_k(int m, int n, int k, std::uint64_t seed) {
    const auto a = mtpc::test::radial_conformance::uniform_vector(std::int64_t(m) * k, seed);
    const auto b = mtpc::test::radial_conformance::uniform_vector(std::int64_t(n) * k, seed + 1);
    const Eigen::Map<const RowMajorMatrix> A(a.data(), m, k), B(b.data(), n, k);
    return A * B.transpose();
}

Eigen::VectorXd singular_values(const RowMajorMatrix& A) {
    return Eigen::BDCSVD<Eigen::MatrixXd>(Eigen::MatrixXd(A)).singularValues();
}

/// Ĉ from θ = [U row-major, V row-major] after initialize_from(C).
RowMajorMatrix compress(const MatrixFactorizationRadial& p, const RowMajorMatrix& C) {
    std::vector<double> theta(p.num_parameters()), out(p.shape().size());
    p.initialize_from(C.data(), theta.data());
    p.materialize(theta.data(), out.data());
    return Eigen::Map<const RowMajorMatrix>(out.data(), C.rows(), C.cols());
}

void expect_rejected(const std::string& options, const std::string& must_contain) {
    try {
        MatrixFactorizationRadial p(options);
        ADD_FAILURE() << "accepted " << options;
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find(must_contain), std::string::npos)
            << "message '" << e.what() << "' does not contain " << must_contain;
        EXPECT_NE(std::string(e.what()).find("radial-mf"), std::string::npos) << e.what();
    }
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(
    MF, RadialConformance,
    ::testing::Values(Case{"paper_rank2", make_mf, paper_options(2), 96},
                      Case{"paper_rank10", make_mf, paper_options(10), 480},
                      Case{"paper_full_rank16", make_mf, paper_options(16), 16 * 48},
                      Case{"single_species_rank1", make_mf, R"({"n_species": 1, "n_funcs": 2, "n_basis": 3, "rank": 1})", 7},
                      Case{"ternary_rank3", make_mf, R"({"n_species": 3, "n_funcs": 2, "n_basis": 5, "rank": 3})", 57}),
    mtpc::test::radial_conformance::case_name);

// /work/shared/reference/MTP_FORMAT.md, "Radial parameter counts from the low-rank paper":
// MF rank r = 2, 4, 6, 8, 10 → 96, 192, 288, 384, 480 (N_T = 4, N_f = 4, N_b = 8).
TEST(RadialMf, ParameterCountsOfThePaper) {
    const std::pair<int, int> table[] = {{2, 96}, {4, 192}, {6, 288}, {8, 384}, {10, 480}};
    for (const auto& [rank, count] : table) EXPECT_EQ(MatrixFactorizationRadial(paper_options(rank)).num_parameters(), count) << rank;
}

// θ layout is [U row-major, V row-major] and C[i,j,μ,β] = Ĉ[i·N_T + j, μ·N_b + β] = Σ_k U V.
TEST(RadialMf, MaterializeFollowsTheDocumentedLayout) {
    const MatrixFactorizationRadial p(R"({"n_species": 3, "n_funcs": 2, "n_basis": 5, "rank": 2})");
    const auto s = p.shape();
    const int m = s.rows(), r = 2;
    const auto theta = mtpc::test::radial_conformance::uniform_vector(p.num_parameters(), 7);
    const auto C = mtpc::test::radial_conformance::materialized(p, theta);
    for (int i = 0; i < s.n_species; ++i)
        for (int j = 0; j < s.n_species; ++j)
            for (int mu = 0; mu < s.n_funcs; ++mu)
                for (int beta = 0; beta < s.n_basis; ++beta) {
                    const int row = i * s.n_species + j, col = mu * s.n_basis + beta;
                    double expected = 0;
                    for (int k = 0; k < r; ++k) expected += theta[row * r + k] * theta[m * r + col * r + k];
                    EXPECT_NEAR(C[s.index(i, j, mu, beta)], expected, 1e-14);
                }
}

TEST(RadialMf, InitializeFromIsExactForRankAtMostR) {
    const MatrixFactorizationRadial p(paper_options(6));
    for (int k : {1, 3, 6}) {
        const RowMajorMatrix C = random_rank_k(16, 32, k, 100 + k);
        EXPECT_LE((compress(p, C) - C).norm(), 1e-12 * C.norm()) << "rank " << k;
    }
}

// Eckart–Young: ‖C − C_r‖_F² = Σ_{k>r} σ_k², with σ from an independent SVD (BDCSVD).
TEST(RadialMf, TruncationErrorIsTheTailOfTheSingularValues) {
    const RowMajorMatrix C = random_rank_k(16, 32, 16, 42);
    const Eigen::VectorXd sigma = singular_values(C);
    for (int r = 1; r <= 16; ++r) {
        const MatrixFactorizationRadial p(paper_options(r));
        const double tail = std::sqrt(sigma.tail(16 - r).squaredNorm());
        EXPECT_NEAR((compress(p, C) - C).norm(), tail, 1e-10 * sigma(0)) << "rank " << r;
    }
}

// U = U_r Σ^{1/2}, V = V_r Σ^{1/2}: columns orthogonal, ‖U_k‖² = ‖V_k‖² = σ_k, and the
// largest-magnitude entry of each U column positive -- checked against a C built from known
// singular vectors, half of them with the "wrong" sign on input.
TEST(RadialMf, InitializeFromGivesBalancedFactorsWithFixedSigns) {
    const int m = 16, n = 32, r = 4;
    const auto qa = mtpc::test::radial_conformance::uniform_vector(m * r, 1);
    const auto qb = mtpc::test::radial_conformance::uniform_vector(n * r, 2);
    Eigen::HouseholderQR<Eigen::MatrixXd> qr_a(Eigen::Map<const RowMajorMatrix>(qa.data(), m, r));
    Eigen::HouseholderQR<Eigen::MatrixXd> qr_b(Eigen::Map<const RowMajorMatrix>(qb.data(), n, r));
    Eigen::MatrixXd P = qr_a.householderQ() * Eigen::MatrixXd::Identity(m, r);
    Eigen::MatrixXd Q = qr_b.householderQ() * Eigen::MatrixXd::Identity(n, r);
    Eigen::MatrixXd P_canonical = P, Q_canonical = Q;
    for (int k = 0; k < r; ++k) {
        Eigen::Index at;
        P.col(k).cwiseAbs().maxCoeff(&at);
        if (P(at, k) < 0) {
            P_canonical.col(k) *= -1;
            Q_canonical.col(k) *= -1;
        }
    }
    const Eigen::Vector4d sigma(9.0, 4.0, 1.0, 0.25);
    const RowMajorMatrix C = P * sigma.asDiagonal() * Q.transpose();

    const MatrixFactorizationRadial p(paper_options(r));
    std::vector<double> theta(p.num_parameters());
    p.initialize_from(C.data(), theta.data());
    const Eigen::Map<const RowMajorMatrix> U(theta.data(), m, r), V(theta.data() + m * r, n, r);
    const Eigen::Vector4d root = sigma.cwiseSqrt();
    EXPECT_LE((U - P_canonical * root.asDiagonal()).norm(), 1e-12);
    EXPECT_LE((V - Q_canonical * root.asDiagonal()).norm(), 1e-12);
}

TEST(RadialMf, BadOptionsAreRejectedNamingTheOption) {
    expect_rejected(R"({"n_species": 4, "n_funcs": 4, "n_basis": 8})", "'rank' is required");
    expect_rejected(paper_options(0), "'rank'");
    expect_rejected(paper_options(-3), "'rank'");
    expect_rejected(paper_options(17), "'rank' = 17 exceeds");
    expect_rejected(R"({"n_species": 4, "n_funcs": 4, "n_basis": 8, "rank": 2.5})", "'rank' must be an integer");
    expect_rejected(R"({"n_species": 4, "n_funcs": 4, "n_basis": 8, "rank": "2"})", "'rank' must be an integer");
    expect_rejected(R"({"n_species": 4, "n_funcs": 4, "n_basis": 8, "rank": 2, "rnak": 2})", "unknown option 'rnak'");
    expect_rejected(R"({"n_funcs": 4, "n_basis": 8, "rank": 2})", "'n_species'");
    expect_rejected(R"({"n_species": 4, "n_funcs": 4, "n_basis": 8, "rank": 2)", "not valid JSON");
    // The largest admissible rank is min(N_T², N_f·N_b), whichever side is smaller.
    EXPECT_NO_THROW(MatrixFactorizationRadial(R"({"n_species": 2, "n_funcs": 1, "n_basis": 3, "rank": 3})"));
    expect_rejected(R"({"n_species": 2, "n_funcs": 1, "n_basis": 3, "rank": 4})", "'rank' = 4 exceeds");
}

// The same plugin loaded from its own shared library through the host (dlopen, ABI and fingerprint
// checks, create/destroy across the boundary) must pass the same conformance checks and compute
// bit-identically to the directly linked class; bad options come back as an InputError.
TEST(RadialPluginLibrary, radial_mf_PassesConformanceThroughThePluginHost) {
    const std::string library = std::string(MTPC_PLUGIN_DIR) + "/libmtpc_radial_mf.so";
    if (!std::filesystem::exists(library)) GTEST_SKIP() << "plugin library not built: " << library;
    mtpc::test::radial_conformance::check_through_plugin_host(
        {library, "radial-mf", make_mf, paper_options(4), 192, paper_options(17), "'rank' = 17"});
}
