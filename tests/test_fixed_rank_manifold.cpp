// FixedRankManifold (plugins/optimizer-rbfgs): the geometry of M_r = {X ∈ R^{m×n}: rank X = r}.
#include <gtest/gtest.h>

#include <Eigen/SVD>

#include <cstring>
#include <stdexcept>

#include "FixedRankManifold.hpp"
#include "TangentFrame.hpp"
#include "mtpc_plugin_common/seeded_random.hpp"

namespace {

using mtpc::rbfgs::FixedRankManifold;
using mtpc::rbfgs::TangentFrame;
using Eigen::MatrixXd;
using Eigen::VectorXd;
using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// The R-MF shape of the paper's level-14 MTP with N_T = 4: m = N_T² = 16, n = N_f N_b = 4·8 = 32.
constexpr int kRows = 16, kCols = 32;

VectorXd random_vector(mtpc::plugin_common::SeededRandom& rng, int size) {
    VectorXd v(size);
    for (int i = 0; i < size; ++i) v[i] = rng.normal();
    return v;
}

/// A random point of M_r: the SVD of a product of Gaussian factors (rank r almost surely).
VectorXd random_point(const FixedRankManifold& M, mtpc::plugin_common::SeededRandom& rng) {
    const MatrixXd A = Eigen::Map<const MatrixXd>(random_vector(rng, M.rows() * M.rank()).data(), M.rows(), M.rank());
    const MatrixXd B = Eigen::Map<const MatrixXd>(random_vector(rng, M.cols() * M.rank()).data(), M.cols(), M.rank());
    RowMajor X = A * B.transpose();
    VectorXd point(M.point_size());
    M.from_ambient(X.data(), point.data());
    return point;
}

VectorXd project(const FixedRankManifold& M, const VectorXd& x, const VectorXd& Z) {
    VectorXd out(M.ambient_size());
    M.project(x.data(), Z.data(), out.data());
    return out;
}

VectorXd ambient(const FixedRankManifold& M, const VectorXd& x) {
    VectorXd out(M.ambient_size());
    M.to_ambient(x.data(), out.data());
    return out;
}

VectorXd singular_values(const FixedRankManifold& M, const VectorXd& amb) {
    const MatrixXd A = Eigen::Map<const RowMajor>(amb.data(), M.rows(), M.cols());
    return Eigen::JacobiSVD<MatrixXd>(A).singularValues();
}

TEST(FixedRankManifold, DimensionMatchesThePapersRmfParameterCounts) {
    // MTP_FORMAT.md: R-MF rank r = 2, 4, 6, 8 for m = 16, n = 32 → 92, 176, 252, 320.
    const int expected[] = {92, 176, 252, 320};
    for (int k = 0; k < 4; ++k) {
        const int r = 2 * (k + 1);
        const FixedRankManifold M(kRows, kCols, r);
        EXPECT_EQ(M.dimension(), expected[k]) << "rank " << r;
        EXPECT_EQ(M.ambient_size(), kRows * kCols);
        EXPECT_EQ(M.point_size(), r * (kRows + kCols + 1));
        mtpc::plugin_common::SeededRandom rng(10 + r);
        const VectorXd x = random_point(M, rng);
        EXPECT_EQ(M.frame(x.data()).dimension(), expected[k]);
    }
}

TEST(FixedRankManifold, PluginOptionsTakeTheRadialShapeOrRowsAndCols) {
    const FixedRankManifold a(R"({"n_species": 4, "n_funcs": 4, "n_basis": 8, "rank": 2})");
    EXPECT_EQ(a.rows(), 16);
    EXPECT_EQ(a.cols(), 32);
    EXPECT_EQ(a.dimension(), 92);
    const FixedRankManifold b(R"({"rows": 5, "cols": 7, "rank": 3})");
    EXPECT_EQ(b.dimension(), 3 * (5 + 7 - 3));
    EXPECT_THROW(FixedRankManifold(R"({"rows": 5, "cols": 7, "rank": 6})"), std::invalid_argument);
    EXPECT_THROW(FixedRankManifold(R"({"rows": 5, "cols": 7})"), std::invalid_argument);
    EXPECT_THROW(FixedRankManifold(R"({"rows": 5, "cols": 7, "rank": 2, "rnak": 1})"), std::invalid_argument);
}

TEST(FixedRankManifold, RetractionLandsOnTheManifoldWithRankExactlyR) {
    const FixedRankManifold M(kRows, kCols, 4);
    mtpc::plugin_common::SeededRandom rng(1);
    const VectorXd x = random_point(M, rng);
    const VectorXd xi = project(M, x, random_vector(rng, M.ambient_size()));
    VectorXd y(M.point_size());
    M.retract(x.data(), xi.data(), y.data());

    const MatrixXd U = M.U(y.data()), V = M.V(y.data());
    EXPECT_LT((U.transpose() * U - MatrixXd::Identity(4, 4)).norm(), 1e-13);
    EXPECT_LT((V.transpose() * V - MatrixXd::Identity(4, 4)).norm(), 1e-13);
    const VectorXd sigma = M.sigma(y.data());
    for (int k = 0; k < 4; ++k) EXPECT_GT(sigma[k], 0);
    for (int k = 1; k < 4; ++k) EXPECT_GE(sigma[k - 1], sigma[k]);

    // rank exactly r: r clearly non-zero singular values, the rest at rounding level.
    const VectorXd s = singular_values(M, ambient(M, y));
    EXPECT_GT(s[3], 1e-6 * s[0]);
    EXPECT_LT(s[4], 1e-13 * s[0]);
    // and it is SVD_r(X + ξ): the error is the discarded tail (Eckart–Young).
    const VectorXd sum = ambient(M, x) + xi;
    const VectorXd s_sum = singular_values(M, sum);
    EXPECT_NEAR((sum - ambient(M, y)).squaredNorm(), s_sum.tail(s_sum.size() - 4).squaredNorm(),
                1e-12 * sum.squaredNorm());
}

TEST(FixedRankManifold, RetractionIsFirstOrderAndDeterministic) {
    const FixedRankManifold M(kRows, kCols, 3);
    mtpc::plugin_common::SeededRandom rng(2);
    const VectorXd x = random_point(M, rng);
    const VectorXd xi = project(M, x, random_vector(rng, M.ambient_size()));
    // R_X(tξ) = X + tξ + O(t²): the error must shrink ~100× when t shrinks 10×.
    double error[2];
    const double t[2] = {1e-2, 1e-3};
    for (int k = 0; k < 2; ++k) {
        const VectorXd step = t[k] * xi;
        VectorXd y(M.point_size());
        M.retract(x.data(), step.data(), y.data());
        error[k] = (ambient(M, y) - ambient(M, x) - step).norm();
    }
    EXPECT_GT(error[0] / error[1], 50.0);
    EXPECT_LT(error[0] / error[1], 200.0);

    VectorXd y1(M.point_size()), y2(M.point_size());
    M.retract(x.data(), xi.data(), y1.data());
    M.retract(x.data(), xi.data(), y2.data());
    EXPECT_EQ(0, std::memcmp(y1.data(), y2.data(), sizeof(double) * y1.size()));
}

TEST(FixedRankManifold, ProjectionIsIdempotentAndOrthogonal) {
    const FixedRankManifold M(kRows, kCols, 5);
    mtpc::plugin_common::SeededRandom rng(3);
    const VectorXd x = random_point(M, rng);
    const VectorXd Z = random_vector(rng, M.ambient_size());
    const VectorXd PZ = project(M, x, Z);
    EXPECT_LT((project(M, x, PZ) - PZ).norm(), 1e-13 * Z.norm());
    const VectorXd xi = project(M, x, random_vector(rng, M.ambient_size()));
    const VectorXd residual = Z - PZ;
    EXPECT_LT(std::abs(M.inner(x.data(), residual.data(), xi.data())), 1e-13 * Z.norm() * xi.norm());
    // The explicit tangent form U M Vᵀ + U_p Vᵀ + U V_pᵀ (U_pᵀU = 0, V_pᵀV = 0) is left unchanged.
    const MatrixXd U = M.U(x.data()), V = M.V(x.data());
    const MatrixXd Mm = MatrixXd::Random(5, 5);
    MatrixXd Up = MatrixXd::Random(kRows, 5), Vp = MatrixXd::Random(kCols, 5);
    Up -= U * (U.transpose() * Up);
    Vp -= V * (V.transpose() * Vp);
    RowMajor T = U * Mm * V.transpose() + Up * V.transpose() + U * Vp.transpose();
    const VectorXd tangent = Eigen::Map<const VectorXd>(T.data(), T.size());
    EXPECT_LT((project(M, x, tangent) - tangent).norm(), 1e-13 * tangent.norm());
    // ... while the normal directions U⊥ A V⊥ᵀ are projected to zero.
    RowMajor N = (MatrixXd::Random(kRows, 3) - U * (U.transpose() * MatrixXd::Random(kRows, 3))) *
                 (MatrixXd::Random(kCols, 3) - V * (V.transpose() * MatrixXd::Random(kCols, 3))).transpose();
    N = N - Eigen::Map<const RowMajor>(project(M, x, Eigen::Map<const VectorXd>(N.data(), N.size())).data(), kRows, kCols);
    const VectorXd normal = Eigen::Map<const VectorXd>(N.data(), N.size());
    EXPECT_LT(project(M, x, normal).norm(), 1e-13 * normal.norm());
}

TEST(FixedRankManifold, TangentFrameIsAnOrthonormalBasisOfTheTangentSpace) {
    const FixedRankManifold M(kRows, kCols, 3);
    mtpc::plugin_common::SeededRandom rng(4);
    const VectorXd x = random_point(M, rng);
    const TangentFrame F = M.frame(x.data());
    const VectorXd Z = random_vector(rng, M.ambient_size());
    const VectorXd c = F.coordinates(Z.data());
    VectorXd back(M.ambient_size());
    F.to_ambient(c, back.data());
    const VectorXd PZ = project(M, x, Z);
    EXPECT_LT((back - PZ).norm(), 1e-13 * Z.norm());       // Q Qᵀ = P_X
    EXPECT_NEAR(c.norm(), PZ.norm(), 1e-13 * Z.norm());     // isometry on T_X
    const VectorXd e = random_vector(rng, F.dimension());
    VectorXd amb(M.ambient_size());
    F.to_ambient(e, amb.data());
    EXPECT_LT((F.coordinates(amb.data()) - e).norm(), 1e-13 * e.norm());  // Qᵀ Q = I
}

TEST(FixedRankManifold, TransportMapsIntoTheNewTangentSpaceAndInverseTransportUndoesIt) {
    const FixedRankManifold M(kRows, kCols, 4);
    mtpc::plugin_common::SeededRandom rng(5);
    const VectorXd x = random_point(M, rng);
    const VectorXd step = 0.3 * project(M, x, random_vector(rng, M.ambient_size()));
    VectorXd y(M.point_size());
    M.retract(x.data(), step.data(), y.data());

    const VectorXd xi = project(M, x, random_vector(rng, M.ambient_size()));
    VectorXd moved(M.ambient_size()), back(M.ambient_size());
    M.transport(x.data(), y.data(), xi.data(), moved.data());
    EXPECT_LT((project(M, y, moved) - moved).norm(), 1e-13 * xi.norm());  // in T_Y
    EXPECT_GT((moved - xi).norm(), 1e-6 * xi.norm());                    // and not trivially xi

    M.inverse_transport(x.data(), y.data(), moved.data(), back.data());
    EXPECT_LT((back - xi).norm(), 1e-11 * xi.norm());  // T⁻¹ ∘ T = id on T_X
    EXPECT_LT((project(M, x, back) - back).norm(), 1e-12 * xi.norm());

    const VectorXd eta = project(M, y, random_vector(rng, M.ambient_size()));
    M.inverse_transport(x.data(), y.data(), eta.data(), back.data());
    M.transport(x.data(), y.data(), back.data(), moved.data());
    EXPECT_LT((moved - eta).norm(), 1e-11 * eta.norm());  // T ∘ T⁻¹ = id on T_Y

    // In coordinates the same maps are K = Q_Yᵀ Q_X and its inverse.
    const TangentFrame Fx = M.frame(x.data()), Fy = M.frame(y.data());
    const MatrixXd K = TangentFrame::transport_matrix(Fx, Fy);
    M.transport(x.data(), y.data(), xi.data(), moved.data());
    EXPECT_LT((K * Fx.coordinates(xi.data()) - Fy.coordinates(moved.data())).norm(), 1e-12 * xi.norm());
}

}  // namespace
