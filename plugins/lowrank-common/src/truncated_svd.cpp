#include "mtpc_lowrank/truncated_svd.hpp"

#include <Eigen/SVD>

#include <cmath>
#include <stdexcept>
#include <string>

namespace mtpc::lowrank {

TruncatedSvd truncated_svd(const Eigen::Ref<const Eigen::MatrixXd>& A, int rank) {
    const Eigen::Index k_max = std::min(A.rows(), A.cols());
    if (rank < 1 || rank > k_max)
        throw std::invalid_argument("truncated_svd: rank " + std::to_string(rank) + " not in [1, " +
                                    std::to_string(k_max) + "]");
    const Eigen::JacobiSVD<Eigen::MatrixXd> svd(A, Eigen::ComputeThinU | Eigen::ComputeThinV);
    TruncatedSvd out;
    out.U = svd.matrixU().leftCols(rank);
    out.sigma = svd.singularValues().head(rank);
    out.V = svd.matrixV().leftCols(rank);
    for (int k = 0; k < rank; ++k) {
        Eigen::Index pivot = 0;
        for (Eigen::Index i = 1; i < out.U.rows(); ++i)  // strict '>' keeps the first on ties
            if (std::abs(out.U(i, k)) > std::abs(out.U(pivot, k))) pivot = i;
        if (out.U(pivot, k) < 0) {
            out.U.col(k) *= -1.0;
            out.V.col(k) *= -1.0;
        }
    }
    return out;
}

}  // namespace mtpc::lowrank
