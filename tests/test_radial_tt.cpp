// radial-tt (tensor train over (z_i, z_j, μ, β)): conformance, the paper's parameter counts,
// layout, TT-SVD exactness and error, rank validation.
#include <gtest/gtest.h>

#include <Eigen/SVD>

#include <array>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "TensorTrainRadial.hpp"
#include "mtpc/core/error.hpp"
#include "mtpc/plugin/plugin_host.hpp"
#include "radial_conformance.hpp"

namespace {

using mtpc::radial_tt::TensorTrainRadial;
using mtpc::test::radial_conformance::Case;
using mtpc::test::radial_conformance::materialized;
using mtpc::test::radial_conformance::uniform_vector;
using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

std::shared_ptr<mtpc::sdk::RadialParameterization> make_tt(const std::string& options) {
    return std::make_shared<TensorTrainRadial>(options);
}

std::string options(int n_species, int n_funcs, int n_basis, const std::array<int, 3>& r) {
    return R"({"n_species": )" + std::to_string(n_species) + R"(, "n_funcs": )" + std::to_string(n_funcs) +
           R"(, "n_basis": )" + std::to_string(n_basis) + R"(, "ranks": [)" + std::to_string(r[0]) + ", " +
           std::to_string(r[1]) + ", " + std::to_string(r[2]) + "]}";
}
std::string paper_options(const std::array<int, 3>& r) { return options(4, 4, 8, r); }

/// initialize_from(C) then materialize.
std::vector<double> compress(const TensorTrainRadial& p, const std::vector<double>& C) {
    std::vector<double> theta(p.num_parameters());
    p.initialize_from(C.data(), theta.data());
    return materialized(p, theta);
}

double distance(const std::vector<double>& a, const std::vector<double>& b) {
    double s = 0;
    for (std::size_t k = 0; k < a.size(); ++k) s += (a[k] - b[k]) * (a[k] - b[k]);
    return std::sqrt(s);
}
double norm(const std::vector<double>& a) { return distance(a, std::vector<double>(a.size(), 0.0)); }

/// Singular values of C viewed as a row-major rows × (size/rows) matrix (an unfolding).
Eigen::VectorXd unfolding_singular_values(const std::vector<double>& C, int rows) {
    const Eigen::Map<const RowMajorMatrix> A(C.data(), rows, Eigen::Index(C.size()) / rows);
    return Eigen::BDCSVD<Eigen::MatrixXd>(Eigen::MatrixXd(A)).singularValues();
}
double tail(const Eigen::VectorXd& sigma, int keep) { return std::sqrt(sigma.tail(sigma.size() - keep).squaredNorm()); }

void expect_rejected(const std::string& opts, const std::string& must_contain) {
    try {
        TensorTrainRadial p(opts);
        ADD_FAILURE() << "accepted " << opts;
    } catch (const std::invalid_argument& e) {
        EXPECT_NE(std::string(e.what()).find(must_contain), std::string::npos)
            << "message '" << e.what() << "' does not contain " << must_contain;
        EXPECT_NE(std::string(e.what()).find("radial-tt"), std::string::npos) << e.what();
    }
}

}  // namespace

INSTANTIATE_TEST_SUITE_P(
    TT, RadialConformance,
    ::testing::Values(Case{"paper_4_2_4", make_tt, paper_options({4, 2, 4}), 112},
                      Case{"paper_3_10_6", make_tt, paper_options({3, 10, 6}), 420},
                      Case{"paper_full_4_16_8", make_tt, paper_options({4, 16, 8}), 16 + 256 + 512 + 64},
                      Case{"all_ones", make_tt, options(2, 3, 4, {1, 1, 1}), 2 + 2 + 3 + 4},
                      Case{"ternary_2_4_3", make_tt, options(3, 2, 5, {2, 4, 3}), 6 + 24 + 24 + 15}),
    mtpc::test::radial_conformance::case_name);

// /work/shared/reference/MTP_FORMAT.md, "Radial parameter counts from the low-rank paper":
// TF ranks (r1, r2, r3) for N_T = 4, N_f = 4, N_b = 8.
TEST(RadialTt, ParameterCountsOfThePaper) {
    const std::pair<std::array<int, 3>, int> table[] = {{{4, 2, 4}, 112}, {{4, 4, 4}, 176}, {{4, 5, 5}, 236},
                                                        {{4, 8, 4}, 304}, {{4, 9, 5}, 380}, {{3, 10, 6}, 420}};
    for (const auto& [ranks, count] : table)
        EXPECT_EQ(TensorTrainRadial(paper_options(ranks)).num_parameters(), count)
            << ranks[0] << "," << ranks[1] << "," << ranks[2];
}

// C[i,j,μ,β] = Σ_{a,b,c} G1[i,a] G2[a,j,b] G3[b,μ,c] G4[c,β] with the cores concatenated in θ,
// each row-major over (left rank, mode index, right rank).
TEST(RadialTt, MaterializeFollowsTheDocumentedLayout) {
    const std::array<int, 3> r{2, 3, 2};
    const TensorTrainRadial p(options(3, 2, 4, r));
    const auto s = p.shape();
    const int NT = s.n_species, Nf = s.n_funcs, Nb = s.n_basis;
    const auto theta = uniform_vector(p.num_parameters(), 9);
    const double* G1 = theta.data();
    const double* G2 = G1 + NT * r[0];
    const double* G3 = G2 + r[0] * NT * r[1];
    const double* G4 = G3 + r[1] * Nf * r[2];
    ASSERT_EQ(G4 + r[2] * Nb, theta.data() + theta.size());
    const auto C = materialized(p, theta);
    for (int i = 0; i < NT; ++i)
        for (int j = 0; j < NT; ++j)
            for (int mu = 0; mu < Nf; ++mu)
                for (int beta = 0; beta < Nb; ++beta) {
                    double expected = 0;
                    for (int a = 0; a < r[0]; ++a)
                        for (int b = 0; b < r[1]; ++b)
                            for (int c = 0; c < r[2]; ++c)
                                expected += G1[i * r[0] + a] * G2[(a * NT + j) * r[1] + b] *
                                            G3[(b * Nf + mu) * r[2] + c] * G4[c * Nb + beta];
                    EXPECT_NEAR(C[s.index(i, j, mu, beta)], expected, 1e-14);
                }
}

// A tensor of TT-ranks (2, 3, 2) is recovered exactly with those ranks and with any larger ones.
TEST(RadialTt, TtSvdIsExactForTtRankCompatibleTensors) {
    const TensorTrainRadial source(paper_options({2, 3, 2}));
    for (std::uint64_t seed : {1u, 2u}) {
        const auto C = materialized(source, uniform_vector(source.num_parameters(), seed));
        for (const std::array<int, 3>& r : {std::array<int, 3>{2, 3, 2}, {3, 3, 2}, {4, 5, 4}, {4, 16, 8}}) {
            const TensorTrainRadial p(paper_options(r));
            EXPECT_LE(distance(compress(p, C), C), 1e-12 * norm(C)) << r[0] << "," << r[1] << "," << r[2];
        }
    }
}

// Truncating a single step of TT-SVD (the other ranks full) loses exactly the tail of that
// unfolding's singular values; truncating several obeys ‖C − C_TT‖² ≤ Σ_k tail_k².
TEST(RadialTt, TtSvdTruncationErrorMatchesTheUnfoldingTails) {
    const auto C = uniform_vector(512, 77);  // a generic (full TT-rank) 4×4×4×8 tensor
    const Eigen::VectorXd s1 = unfolding_singular_values(C, 4), s2 = unfolding_singular_values(C, 16);
    const Eigen::VectorXd s3 = unfolding_singular_values(C, 64);
    const double scale = s1(0);

    for (int r1 : {1, 2, 3})  // (r1, 4·r1, 8): steps 2 and 3 then keep everything
        EXPECT_NEAR(distance(compress(TensorTrainRadial(paper_options({r1, 4 * r1, 8})), C), C), tail(s1, r1),
                    1e-10 * scale) << "r1 = " << r1;
    for (int r2 : {2, 5, 9, 15})  // (4, r2, 8): the middle step is the MF truncation of Ĉ
        EXPECT_NEAR(distance(compress(TensorTrainRadial(paper_options({4, r2, 8})), C), C), tail(s2, r2),
                    1e-10 * scale) << "r2 = " << r2;
    for (int r3 : {4, 5, 7})  // (4, 16, r3): the last step (r2 = 16 needs r3 ≥ 16 / N_f = 4)
        EXPECT_NEAR(distance(compress(TensorTrainRadial(paper_options({4, 16, r3})), C), C), tail(s3, r3),
                    1e-10 * scale) << "r3 = " << r3;

    for (const std::array<int, 3>& r : {std::array<int, 3>{4, 4, 4}, {3, 10, 6}, {2, 3, 3}}) {
        const double bound = std::sqrt(tail(s1, r[0]) * tail(s1, r[0]) + tail(s2, r[1]) * tail(s2, r[1]) +
                                       tail(s3, r[2]) * tail(s3, r[2]));
        const double err = distance(compress(TensorTrainRadial(paper_options(r)), C), C);
        EXPECT_LE(err, bound * (1 + 1e-12)) << r[0] << "," << r[1] << "," << r[2];
        EXPECT_GT(err, 0.0);
    }
}

// TT-SVD leaves G1, G2, G3 left-orthonormal (their (left rank · mode) × right rank unfoldings
// have orthonormal columns), so G4 carries all of the norm: ‖G4‖_F = ‖C_TT‖_F.
TEST(RadialTt, TtSvdCoresAreLeftOrthonormal) {
    const std::array<int, 3> r{3, 10, 6};
    const TensorTrainRadial p(paper_options(r));
    const auto C = uniform_vector(512, 5);
    std::vector<double> theta(p.num_parameters());
    p.initialize_from(C.data(), theta.data());
    const Eigen::Map<const RowMajorMatrix> G1(theta.data(), 4, r[0]);
    const Eigen::Map<const RowMajorMatrix> G2(G1.data() + G1.size(), r[0] * 4, r[1]);
    const Eigen::Map<const RowMajorMatrix> G3(G2.data() + G2.size(), r[1] * 4, r[2]);
    const Eigen::Map<const RowMajorMatrix> G4(G3.data() + G3.size(), r[2], 8);
    EXPECT_LE((G1.transpose() * G1 - Eigen::MatrixXd::Identity(r[0], r[0])).norm(), 1e-13);
    EXPECT_LE((G2.transpose() * G2 - Eigen::MatrixXd::Identity(r[1], r[1])).norm(), 1e-13);
    EXPECT_LE((G3.transpose() * G3 - Eigen::MatrixXd::Identity(r[2], r[2])).norm(), 1e-13);
    EXPECT_NEAR(G4.norm(), norm(materialized(p, theta)), 1e-12 * G4.norm());
}

TEST(RadialTt, BadOptionsAreRejectedNamingTheOption) {
    expect_rejected(R"({"n_species": 4, "n_funcs": 4, "n_basis": 8})", "'ranks' is required");
    expect_rejected(R"({"n_species": 4, "n_funcs": 4, "n_basis": 8, "ranks": 4})", "'ranks' must be an array");
    expect_rejected(R"({"n_species": 4, "n_funcs": 4, "n_basis": 8, "ranks": [4, 4]})", "'ranks' must be an array");
    expect_rejected(R"({"n_species": 4, "n_funcs": 4, "n_basis": 8, "ranks": [4, 4, 4, 4]})", "'ranks' must be an array");
    expect_rejected(paper_options({4, 0, 4}), "'ranks' entry r2 = 0 is not a positive integer");
    expect_rejected(paper_options({-1, 4, 4}), "'ranks' entry r1 = -1");
    expect_rejected(R"({"n_species": 4, "n_funcs": 4, "n_basis": 8, "ranks": [4, 2.5, 4]})", "'ranks' entry r2 = 2.5");
    expect_rejected(R"({"n_species": 4, "n_funcs": 4, "n_basis": 8, "ranks": [4, 4, "4"]})", "'ranks' entry r3");
    expect_rejected(R"({"n_species": 4, "n_funcs": 4, "n_basis": 8, "ranks": [4, 4, 4], "rank": 4})", "unknown option 'rank'");
    // Ranks no 4×4×4×8 tensor can have; the message names the bound.
    expect_rejected(paper_options({5, 4, 4}), "r1 = 5 exceeds n_species = 4");
    expect_rejected(paper_options({2, 9, 4}), "r2 = 9 exceeds r1*n_species = 8");
    expect_rejected(paper_options({4, 9, 2}), "r2 = 9 exceeds n_funcs*r3 = 8");
    expect_rejected(paper_options({4, 16, 9}), "r3 = 9 exceeds n_basis = 8");
    expect_rejected(paper_options({1, 4, 20}), "r3 = 20 exceeds r2*n_funcs = 16");
    // The bounds are inclusive.
    EXPECT_NO_THROW(TensorTrainRadial(paper_options({4, 16, 8})));
    EXPECT_NO_THROW(TensorTrainRadial(paper_options({2, 8, 2})));
}

// The same plugin loaded from its own shared library through the host (dlopen, ABI and fingerprint
// checks, create/destroy across the boundary) must pass the same conformance checks and compute
// bit-identically to the directly linked class; bad options come back as an InputError.
TEST(RadialPluginLibrary, radial_tt_PassesConformanceThroughThePluginHost) {
    const std::string library = std::string(MTPC_PLUGIN_DIR) + "/libmtpc_radial_tt.so";
    if (!std::filesystem::exists(library)) GTEST_SKIP() << "plugin library not built: " << library;
    mtpc::test::radial_conformance::check_through_plugin_host(
        {library, "radial-tt", make_tt, paper_options({4, 5, 5}), 236, paper_options({4, 5, 9}), "'ranks'"});
}
