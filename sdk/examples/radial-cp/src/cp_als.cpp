#include "cp_als.hpp"

#include <Eigen/QR>
#include <Eigen/SVD>

#include <cmath>
#include <random>
#include <vector>

namespace radial_cp {
namespace {

using Eigen::MatrixXd;

/// Calls f(index into C, {i, j, μ, β}) for every entry of C in storage order.
template <class F> void for_each_entry(const mtpc::sdk::RadialShape& s, F&& f) {
    std::array<int, 4> idx{};
    std::int64_t flat = 0;
    for (idx[0] = 0; idx[0] < s.n_species; ++idx[0])
        for (idx[1] = 0; idx[1] < s.n_species; ++idx[1])
            for (idx[2] = 0; idx[2] < s.n_funcs; ++idx[2])
                for (idx[3] = 0; idx[3] < s.n_basis; ++idx[3]) f(flat++, idx);
}

/// The unfolding of C along `mode`: rows are that mode's index, columns all the others.
MatrixXd unfolding(const mtpc::sdk::RadialShape& s, const double* C, int mode) {
    const auto n = mode_sizes(s);
    MatrixXd X(n[mode], s.size() / n[mode]);
    std::vector<int> next_col(n[mode], 0);  // storage order gives each row its columns in a fixed order
    for_each_entry(s, [&](std::int64_t flat, const std::array<int, 4>& idx) {
        X(idx[mode], next_col[idx[mode]]++) = C[flat];
    });
    return X;
}

/// MTTKRP: V[idx_mode, k] = Σ_{other indices} C[idx] Π_{m≠mode} F_m[idx_m, k].
MatrixXd mttkrp(const mtpc::sdk::RadialShape& s, const double* C, const CpFactors& f, int mode) {
    const int R = static_cast<int>(f[0].cols());
    MatrixXd V = MatrixXd::Zero(f[mode].rows(), R);
    for_each_entry(s, [&](std::int64_t flat, const std::array<int, 4>& idx) {
        for (int k = 0; k < R; ++k) {
            double p = C[flat];
            for (int m = 0; m < 4; ++m)
                if (m != mode) p *= f[m](idx[m], k);
            V(idx[mode], k) += p;
        }
    });
    return V;
}

double residual_norm(const mtpc::sdk::RadialShape& s, const double* C, const CpFactors& f) {
    Eigen::VectorXd fitted(s.size());
    cp_materialize(s, f, fitted.data());
    return (fitted - Eigen::Map<const Eigen::VectorXd>(C, s.size())).norm();
}

}  // namespace

std::array<int, 4> mode_sizes(const mtpc::sdk::RadialShape& s) {
    return {s.n_species, s.n_species, s.n_funcs, s.n_basis};
}

void cp_materialize(const mtpc::sdk::RadialShape& s, const CpFactors& f, double* C) {
    const int R = static_cast<int>(f[0].cols());
    for_each_entry(s, [&](std::int64_t flat, const std::array<int, 4>& idx) {
        double sum = 0;
        for (int k = 0; k < R; ++k) sum += f[0](idx[0], k) * f[1](idx[1], k) * f[2](idx[2], k) * f[3](idx[3], k);
        C[flat] = sum;
    });
}

CpFactors fit_cp_als(const mtpc::sdk::RadialShape& s, const double* C, int rank, int max_sweeps) {
    const auto n = mode_sizes(s);
    const double c_norm = Eigen::Map<const Eigen::VectorXd>(C, s.size()).norm();
    CpFactors f;
    if (c_norm == 0) {  // the zero tensor: all-zero factors represent it exactly
        for (int m = 0; m < 4; ++m) f[m] = MatrixXd::Zero(n[m], rank);
        return f;
    }

    // HOSVD start.  A mode with fewer indices than `rank` has no more singular vectors; its
    // remaining columns come from a fixed-seed generator (deterministic, and generic enough that
    // the Gram matrices below are not singular).
    std::mt19937_64 filler(0x5eed);
    for (int m = 0; m < 4; ++m) {
        const MatrixXd X = unfolding(s, C, m);
        Eigen::JacobiSVD<MatrixXd> svd(X, Eigen::ComputeThinU);
        f[m] = MatrixXd::Zero(n[m], rank);
        const int have = std::min<int>(rank, static_cast<int>(svd.matrixU().cols()));
        f[m].leftCols(have) = svd.matrixU().leftCols(have);
        for (int k = have; k < rank; ++k)
            for (int i = 0; i < n[m]; ++i) f[m](i, k) = 2.0 * (double(filler() >> 11) * 0x1.0p-53) - 1.0;
    }
    // Give the start the right overall magnitude (the last factor carries it).
    f[3] *= c_norm;

    double previous = residual_norm(s, C, f);
    for (int sweep = 0; sweep < max_sweeps; ++sweep) {
        for (int mode = 0; mode < 4; ++mode) {
            MatrixXd gram = MatrixXd::Ones(rank, rank);
            for (int m = 0; m < 4; ++m)
                if (m != mode) gram = gram.cwiseProduct(f[m].transpose() * f[m]);
            // F_mode Γ = V, Γ symmetric positive semi-definite: a rank-revealing solve handles
            // a (nearly) singular Γ when C's CP rank is below `rank`.
            const MatrixXd V = mttkrp(s, C, f, mode);
            f[mode] = gram.completeOrthogonalDecomposition().solve(V.transpose()).transpose();
        }
        const double current = residual_norm(s, C, f);
        const bool converged = current <= 1e-13 * c_norm;
        const bool stalled = previous - current <= 1e-15 * c_norm;
        previous = current;
        if (converged || stalled) break;
    }

    // Balance: unit columns times a common λ_k^{1/4} (λ_k the product of the four column norms).
    for (int k = 0; k < rank; ++k) {
        std::array<double, 4> norms{};
        double lambda = 1;
        for (int m = 0; m < 4; ++m) lambda *= (norms[m] = f[m].col(k).norm());
        const double share = std::pow(lambda, 0.25);
        for (int m = 0; m < 4; ++m)
            f[m].col(k) *= norms[m] > 0 ? share / norms[m] : 0.0;
    }
    return f;
}

}  // namespace radial_cp
