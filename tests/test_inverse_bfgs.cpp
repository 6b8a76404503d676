// lowrank::InverseBfgs: the secant equation after an update, with a symmetric and with a
// non-symmetric (plainly transported, Algorithm 2) inverse-Hessian approximation.
#include <gtest/gtest.h>

#include <Eigen/Dense>

#include "mtpc_lowrank/inverse_bfgs.hpp"

namespace {

using mtpc::lowrank::InverseBfgs;
using Eigen::MatrixXd;
using Eigen::VectorXd;

/// A fixed invertible, non-orthogonal "transport" and its inverse.
MatrixXd transport_matrix() {
    MatrixXd T(3, 3);
    T << 1.0, 0.2, 0.0,  //
        0.1, 0.9, 0.3,   //
        0.0, -0.2, 1.1;
    return T;
}

TEST(InverseBfgs, PlainTransportIsExactlyTHTInverse) {
    InverseBfgs H;
    H.reset(3);
    ASSERT_TRUE(H.update(VectorXd::Unit(3, 0), VectorXd(Eigen::Vector3d(2, 0.5, 0))));
    const MatrixXd before = H.matrix();
    const MatrixXd T = transport_matrix();
    H.transport(T, T.inverse(), InverseBfgs::Transport::kPlain);
    EXPECT_LT((H.matrix() - T * before * T.inverse()).norm(), 1e-14);
    EXPECT_GT((H.matrix() - H.matrix().transpose()).norm(), 1e-3);  // really not symmetric
}

TEST(InverseBfgs, SymmetrizedTransportIsTheSymmetricPart) {
    InverseBfgs H;
    H.reset(3);
    ASSERT_TRUE(H.update(VectorXd::Unit(3, 0), VectorXd(Eigen::Vector3d(2, 0.5, 0))));
    const MatrixXd before = H.matrix();
    const MatrixXd T = transport_matrix();
    const MatrixXd moved = T * before * T.inverse();
    H.transport(T, T.inverse());
    EXPECT_LT((H.matrix() - 0.5 * (moved + moved.transpose())).norm(), 1e-14);
}

TEST(InverseBfgs, UpdateSatisfiesTheSecantEquationForANonSymmetricH) {
    // After the update H⁺ y = s must hold whatever H̃ was; the symmetric shortcut (yᵀH = (Hy)ᵀ)
    // would break it for a non-symmetric H̃, which is why update() switches formulas.
    InverseBfgs H;
    H.reset(3);
    ASSERT_TRUE(H.update(VectorXd::Unit(3, 0), VectorXd(Eigen::Vector3d(2, 0.5, 0))));
    const MatrixXd T = transport_matrix();
    H.transport(T, T.inverse(), InverseBfgs::Transport::kPlain);
    const VectorXd s = Eigen::Vector3d(0.3, -0.1, 0.7), y = Eigen::Vector3d(0.5, 0.2, 1.1);
    ASSERT_TRUE(H.update(s, y));
    EXPECT_LT((H.matrix() * y - s).norm(), 1e-14);
}

}  // namespace
