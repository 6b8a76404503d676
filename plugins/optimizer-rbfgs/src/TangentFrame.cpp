#include "TangentFrame.hpp"

#include <Eigen/QR>

namespace mtpc::rbfgs {

namespace {
using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// [Q, Q⊥]: Q's orthonormal columns completed to an orthogonal matrix.  The complement comes from
/// the Householder QR of Q, a deterministic function of Q's bits.
sdk::Matrix complete_basis(const sdk::Matrix& Q) {
    const Eigen::Index n = Q.rows(), r = Q.cols();
    sdk::Matrix full(n, n);
    full.leftCols(r) = Q;
    if (r < n) {
        const Eigen::HouseholderQR<sdk::Matrix> qr(Q);
        const sdk::Matrix H = qr.householderQ();  // n × n; its last n − r columns are ⟂ range(Q)
        full.rightCols(n - r) = H.rightCols(n - r);
    }
    return full;
}
}  // namespace

TangentFrame::TangentFrame(const sdk::Matrix& U, const sdk::Matrix& V)
    : U_full_(complete_basis(U)), V_full_(complete_basis(V)), rank_(static_cast<int>(U.cols())) {
    const int m = rows(), n = cols();
    pairs_.reserve(static_cast<std::size_t>(rank_) * (m + n - rank_));
    for (int i = 0; i < m; ++i)
        for (int j = 0; j < n; ++j)
            if (i < rank_ || j < rank_) pairs_.emplace_back(i, j);
}

sdk::Vector TangentFrame::coordinates(const double* ambient) const {
    const Eigen::Map<const RowMajorMatrix> Z(ambient, rows(), cols());
    const sdk::Matrix W = U_full_.transpose() * Z * V_full_;
    sdk::Vector c(dimension());
    for (int k = 0; k < dimension(); ++k) c[k] = W(pairs_[k].first, pairs_[k].second);
    return c;
}

void TangentFrame::to_ambient(const sdk::Vector& c, double* ambient) const {
    sdk::Matrix W = sdk::Matrix::Zero(rows(), cols());
    for (int k = 0; k < dimension(); ++k) W(pairs_[k].first, pairs_[k].second) = c[k];
    Eigen::Map<RowMajorMatrix>(ambient, rows(), cols()) = U_full_ * W * V_full_.transpose();
}

sdk::Vector TangentFrame::factor_metric_weights(const sdk::Vector& sigma) const {
    sdk::Vector w(dimension());
    for (int k = 0; k < dimension(); ++k) {
        const auto [i, j] = pairs_[k];
        w[k] = (i < rank_ ? sigma[i] : 0.0) + (j < rank_ ? sigma[j] : 0.0);
    }
    return w;
}

sdk::Matrix TangentFrame::transport_matrix(const TangentFrame& from, const TangentFrame& to) {
    const sdk::Matrix A = to.U_full_.transpose() * from.U_full_;
    const sdk::Matrix B = to.V_full_.transpose() * from.V_full_;
    const int d_to = to.dimension(), d_from = from.dimension();
    sdk::Matrix K(d_to, d_from);
    for (int b = 0; b < d_from; ++b) {
        const auto [k, l] = from.pairs_[b];
        for (int a = 0; a < d_to; ++a) K(a, b) = A(to.pairs_[a].first, k) * B(to.pairs_[a].second, l);
    }
    return K;
}

}  // namespace mtpc::rbfgs
