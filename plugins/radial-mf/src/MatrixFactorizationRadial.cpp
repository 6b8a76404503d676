#include "MatrixFactorizationRadial.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "mtpc_lowrank/truncated_svd.hpp"
#include "mtpc_plugin_common/options.hpp"
#include "mtpc_plugin_common/seeded_random.hpp"

namespace mtpc::radial_mf {
namespace {

using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Factor = Eigen::Map<RowMajorMatrix>;
using ConstFactor = Eigen::Map<const RowMajorMatrix>;

}  // namespace

MatrixFactorizationRadial::MatrixFactorizationRadial(const std::string& options_json) {
    plugin_common::Options opt("radial-mf", options_json);
    opt.allow_only({"n_species", "n_funcs", "n_basis", "rank"});
    shape_ = opt.radial_shape();
    rank_ = opt.get_int("rank", 1);
    const int max_rank = std::min(shape_.rows(), shape_.cols());
    // A rank above min(m, n) would only add redundant parameters (Ĉ already has full rank), so it
    // is rejected rather than silently clamped: the parameter count is part of the model.
    if (rank_ > max_rank)
        throw std::invalid_argument("radial-mf: option 'rank' = " + std::to_string(rank_) +
                                    " exceeds min(N_T^2, N_f*N_b) = min(" + std::to_string(shape_.rows()) + ", " +
                                    std::to_string(shape_.cols()) + ") = " + std::to_string(max_rank));
}

std::string MatrixFactorizationRadial::options_json() const {
    return nlohmann::json{{"n_species", shape_.n_species},
                          {"n_funcs", shape_.n_funcs},
                          {"n_basis", shape_.n_basis},
                          {"rank", rank_}}
        .dump();
}

void MatrixFactorizationRadial::materialize(const double* theta, double* C) const {
    const int m = shape_.rows(), n = shape_.cols();
    const ConstFactor U(theta, m, rank_), V(theta + std::int64_t(m) * rank_, n, rank_);
    sdk::reshaped(shape_, C).noalias() = U * V.transpose();
}

void MatrixFactorizationRadial::pull_back(const double* theta, const double* dL_dC, double* dL_dtheta) const {
    const int m = shape_.rows(), n = shape_.cols();
    const std::int64_t u_size = std::int64_t(m) * rank_;
    const ConstFactor U(theta, m, rank_), V(theta + u_size, n, rank_);
    const auto G = sdk::reshaped(shape_, dL_dC);
    Factor dU(dL_dtheta, m, rank_), dV(dL_dtheta + u_size, n, rank_);
    dU.noalias() = G * V;
    dV.noalias() = G.transpose() * U;
}

void MatrixFactorizationRadial::initialize_random(std::uint64_t seed, double scale, double* theta) const {
    plugin_common::SeededRandom rng(seed);
    const double sd = std::sqrt(std::abs(scale) / std::sqrt(double(rank_)));
    for (int k = 0; k < num_parameters(); ++k) theta[k] = sd * rng.normal();
}

void MatrixFactorizationRadial::initialize_from(const double* C, double* theta) const {
    const int m = shape_.rows(), n = shape_.cols();
    const lowrank::TruncatedSvd svd = lowrank::truncated_svd(sdk::reshaped(shape_, C), rank_);
    const Eigen::VectorXd root = svd.sigma.cwiseSqrt();
    Factor(theta, m, rank_) = svd.U * root.asDiagonal();
    Factor(theta + std::int64_t(m) * rank_, n, rank_) = svd.V * root.asDiagonal();
}

}  // namespace mtpc::radial_mf
