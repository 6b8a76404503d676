#include "FixedRankManifold.hpp"

#include <Eigen/LU>

#include <algorithm>
#include <stdexcept>

#include "mtpc_lowrank/truncated_svd.hpp"
#include "mtpc_plugin_common/options.hpp"

namespace mtpc::rbfgs {

namespace {
using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstAmbient = Eigen::Map<const RowMajorMatrix>;
using Ambient = Eigen::Map<RowMajorMatrix>;
}  // namespace

FixedRankManifold::FixedRankManifold(int rows, int cols, int rank) : m_(rows), n_(cols), r_(rank) { check_shape(); }

FixedRankManifold::FixedRankManifold(const std::string& options_json) {
    plugin_common::Options opt("manifold-fixed-rank", options_json);
    opt.allow_only({"rows", "cols", "rank", "n_species", "n_funcs", "n_basis"});
    if (opt.has("rows") || opt.has("cols")) {
        if (opt.has("n_species") || opt.has("n_funcs") || opt.has("n_basis"))
            throw std::invalid_argument("manifold-fixed-rank: give either rows/cols or the radial shape, not both");
        m_ = opt.get_int("rows", 1);
        n_ = opt.get_int("cols", 1);
    } else {
        const sdk::RadialShape s = opt.radial_shape();
        m_ = s.rows();
        n_ = s.cols();
    }
    r_ = opt.get_int("rank", 1);
    check_shape();
}

void FixedRankManifold::check_shape() const {
    if (m_ < 1 || n_ < 1 || r_ < 1 || r_ > std::min(m_, n_))
        throw std::invalid_argument("manifold-fixed-rank: rank " + std::to_string(r_) + " must be in [1, min(" +
                                    std::to_string(m_) + ", " + std::to_string(n_) + ")]");
}

void FixedRankManifold::from_ambient(const double* ambient, double* x) const {
    const lowrank::TruncatedSvd svd = lowrank::truncated_svd(ConstAmbient(ambient, m_, n_), r_);
    Eigen::Map<sdk::Matrix>(x, m_, r_) = svd.U;
    Eigen::Map<sdk::Vector>(x + m_ * r_, r_) = svd.sigma;
    Eigen::Map<sdk::Matrix>(x + m_ * r_ + r_, n_, r_) = svd.V;
}

void FixedRankManifold::to_ambient(const double* x, double* ambient) const {
    Ambient(ambient, m_, n_) = U(x) * sigma(x).asDiagonal() * V(x).transpose();
}

void FixedRankManifold::project(const double* x, const double* v, double* out) const {
    const auto Ux = U(x);
    const auto Vx = V(x);
    const ConstAmbient Z(v, m_, n_);
    // UUᵀZ + (I − UUᵀ) Z VVᵀ: two thin products per term, never an m×m or n×n projector.
    const sdk::Matrix UtZ = Ux.transpose() * Z;  // r × n
    const sdk::Matrix ZV = Z * Vx;               // m × r
    const sdk::Matrix residual_ZV = ZV - Ux * (UtZ * Vx);
    Ambient(out, m_, n_) = Ux * UtZ + residual_ZV * Vx.transpose();
}

void FixedRankManifold::retract(const double* x, const double* xi, double* x_new) const {
    RowMajorMatrix sum(m_, n_);
    to_ambient(x, sum.data());
    sum += ConstAmbient(xi, m_, n_);
    from_ambient(sum.data(), x_new);
}

void FixedRankManifold::transport(const double*, const double* y, const double* xi, double* out) const {
    project(y, xi, out);
}

double FixedRankManifold::inner(const double*, const double* a, const double* b) const {
    const int size = m_ * n_;
    double sum = 0;  // plain sequential sum: the same bits whatever the vectorisation
    for (int k = 0; k < size; ++k) sum += a[k] * b[k];
    return sum;
}

void FixedRankManifold::inverse_transport(const double* x, const double* y, const double* eta, double* out) const {
    const TangentFrame fx = frame(x), fy = frame(y);
    const sdk::Matrix K = TangentFrame::transport_matrix(fx, fy);
    const Eigen::PartialPivLU<sdk::Matrix> lu(K);
    if (!(lu.rcond() > 1e-12))
        throw std::domain_error("manifold-fixed-rank: inverse transport undefined (tangent spaces nearly orthogonal)");
    const sdk::Vector a = lu.solve(fy.coordinates(eta));
    fx.to_ambient(a, out);
}

TangentFrame FixedRankManifold::frame(const double* x) const { return TangentFrame(U(x), V(x)); }

}  // namespace mtpc::rbfgs
