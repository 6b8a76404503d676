// Small value types that cross the plugin boundary.
#pragma once

#include <Eigen/Core>

#include <cstdint>
#include <string>

#include "mtpc/sdk/abi.h"

// Interfaces are visible from every .so even when built with -fvisibility=hidden, so that their
// typeinfo and vtables resolve to one definition (Boost.DLL's advice for plugin APIs).
#define MTPC_SDK_VISIBLE __attribute__((visibility("default")))

namespace mtpc::sdk {

using Vector = Eigen::VectorXd;
using Matrix = Eigen::MatrixXd;
using VectorMap = Eigen::Map<Eigen::VectorXd>;
using ConstVectorMap = Eigen::Map<const Eigen::VectorXd>;

/// Shape of the MTP radial tensor C ∈ R^{N_T × N_T × N_f × N_b}: c^{(β)}_{μ, z_i, z_j}.
///
/// Storage is row-major over (z_i, z_j, μ, β) -- β fastest -- which is exactly the order of
/// MLIP-2's `radial_coeffs` block, so a materialised C can be written to an `.mtp` as is.
/// The "reshaped" matrix Ĉ of the low-rank paper is this same buffer viewed as a row-major
/// [N_T², N_f·N_b] matrix (rows: species pairs, columns: (μ, β)).
struct RadialShape {
    int n_species = 0;  ///< N_T
    int n_funcs = 0;    ///< N_f (radial functions μ)
    int n_basis = 0;    ///< N_b (Chebyshev polynomials β)

    [[nodiscard]] std::int64_t size() const {
        return std::int64_t(n_species) * n_species * n_funcs * n_basis;
    }
    [[nodiscard]] int rows() const { return n_species * n_species; }  ///< N_T² of Ĉ
    [[nodiscard]] int cols() const { return n_funcs * n_basis; }      ///< N_f·N_b of Ĉ
    [[nodiscard]] std::int64_t index(int zi, int zj, int mu, int beta) const {
        return ((std::int64_t(zi) * n_species + zj) * n_funcs + mu) * n_basis + beta;
    }
    [[nodiscard]] bool valid() const { return n_species > 0 && n_funcs > 0 && n_basis > 0; }
    bool operator==(const RadialShape& o) const {
        return n_species == o.n_species && n_funcs == o.n_funcs && n_basis == o.n_basis;
    }
    bool operator!=(const RadialShape& o) const { return !(*this == o); }
};

/// Row-major view of C as the paper's Ĉ ∈ R^{N_T² × N_f N_b} (no copy).
using ReshapedRadial = Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;
using ConstReshapedRadial =
    Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;

inline ConstReshapedRadial reshaped(const RadialShape& s, const double* C) { return {C, s.rows(), s.cols()}; }
inline ReshapedRadial reshaped(const RadialShape& s, double* C) { return {C, s.rows(), s.cols()}; }

}  // namespace mtpc::sdk
