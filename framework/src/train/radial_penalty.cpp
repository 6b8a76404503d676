#include "mtpc/train/radial_penalty.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <utility>

#include <Eigen/Eigenvalues>

namespace mtpc {

sdk::Matrix RadialOrthonormalityPenalty::gram(const double* C) const {
    const int nf = shape_.n_funcs, nb = shape_.n_basis, pairs = shape_.rows();
    sdk::Matrix G = sdk::Matrix::Zero(nf, nf);
    // Ĉ's row p holds, for species pair p, the N_f blocks of N_b coefficients: c_μ's piece.
    for (int p = 0; p < pairs; ++p) {
        const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> block(
            C + std::int64_t(p) * nf * nb, nf, nb);
        G.noalias() += block * block.transpose();
    }
    return G;
}

double RadialOrthonormalityPenalty::add(double weight, const double* C, double* grad) const {
    if (weight == 0) return 0;
    const int nf = shape_.n_funcs, nb = shape_.n_basis, pairs = shape_.rows();
    const sdk::Matrix G = gram(C);
    // P = Σ_μ (G_μμ − 1)² + Σ_{μ<ν} G_μν²; ∂P/∂c_μ = 4(G_μμ − 1) c_μ + 2 Σ_{ν≠μ} G_μν c_ν = Σ_ν D_μν c_ν.
    sdk::Matrix D = 2.0 * G;
    double value = 0;
    for (int mu = 0; mu < nf; ++mu) {
        value += (G(mu, mu) - 1) * (G(mu, mu) - 1);
        for (int nu = mu + 1; nu < nf; ++nu) value += G(mu, nu) * G(mu, nu);
        D(mu, mu) = 4.0 * (G(mu, mu) - 1);
    }
    if (grad != nullptr) {
        for (int p = 0; p < pairs; ++p) {
            const std::int64_t off = std::int64_t(p) * nf * nb;
            const Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> block(C + off,
                                                                                                              nf, nb);
            Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> g(grad + off, nf, nb);
            g.noalias() += weight * (D * block);
        }
    }
    return weight * value;
}

double NeighborSpeciesSpreadPenalty::add(double weight, const double* C, double* grad) const {
    if (weight == 0) return 0;
    const int n = shape_.n_species, block = shape_.n_funcs * shape_.n_basis;
    using Blocks = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;
    double value = 0;
    for (int zi = 0; zi < n; ++zi) {
        // Rows: the neighbour species z_j of centre z_i; columns: (μ, β).
        const std::int64_t off = shape_.index(zi, 0, 0, 0);
        const Blocks pairs(C + off, n, block);
        const sdk::Matrix deviation = pairs.rowwise() - pairs.colwise().mean();
        value += n * deviation.squaredNorm();
        if (grad != nullptr) {
            Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>> g(grad + off, n, block);
            g += (2.0 * n * weight) * deviation;  // the mean's own derivative sums to zero
        }
    }
    return weight * value;
}

namespace {

/// Gauss–Legendre nodes and weights on [−1, 1] (Golub–Welsch: the eigen-decomposition of the
/// Jacobi matrix of the Legendre recurrence); n nodes integrate polynomials of degree < 2n exactly.
std::pair<sdk::Vector, sdk::Vector> gauss_legendre(int n) {
    sdk::Vector diagonal = sdk::Vector::Zero(n), off(std::max(n - 1, 0));
    for (int k = 1; k < n; ++k) off(k - 1) = k / std::sqrt(4.0 * k * k - 1.0);
    Eigen::SelfAdjointEigenSolver<sdk::Matrix> eigen;
    eigen.computeFromTridiagonal(diagonal, off, Eigen::ComputeEigenvectors);
    return {eigen.eigenvalues(), 2.0 * eigen.eigenvectors().row(0).transpose().array().square().matrix()};
}

/// g_β''(ξ) for β < n, g_β = T_β(ξ)(ξ − 1)²: g'' = T''(ξ − 1)² + 4T'(ξ − 1) + 2T, with the
/// Chebyshev recurrences for T, T' and T''.
sdk::Vector second_derivatives(double xi, int n) {
    sdk::Vector t(n), dt(n), ddt(n), g(n);
    for (int b = 0; b < n; ++b) {
        if (b == 0) {
            t(b) = 1, dt(b) = 0, ddt(b) = 0;
        } else if (b == 1) {
            t(b) = xi, dt(b) = 1, ddt(b) = 0;
        } else {
            t(b) = 2 * xi * t(b - 1) - t(b - 2);
            dt(b) = 2 * t(b - 1) + 2 * xi * dt(b - 1) - dt(b - 2);
            ddt(b) = 4 * dt(b - 1) + 2 * xi * ddt(b - 1) - ddt(b - 2);
        }
        g(b) = ddt(b) * (xi - 1) * (xi - 1) + 4 * dt(b) * (xi - 1) + 2 * t(b);
    }
    return g;
}

}  // namespace

RadialCurvaturePenalty::RadialCurvaturePenalty(sdk::RadialShape shape) : shape_(shape) {
    const int nb = shape_.n_basis;
    // g_β'' has degree β ≤ N_b − 1, so products have degree ≤ 2N_b − 2: N_b nodes are exact.
    const auto [nodes, weights] = gauss_legendre(nb);
    gram_ = sdk::Matrix::Zero(nb, nb);
    for (int q = 0; q < nb; ++q) {
        const sdk::Vector g = second_derivatives(nodes(q), nb);
        gram_.noalias() += weights(q) * g * g.transpose();
    }
    gram_ *= nb / gram_.trace();
}

double RadialCurvaturePenalty::add(double weight, const double* C, double* grad) const {
    if (weight == 0) return 0;
    const int nb = shape_.n_basis;
    const std::int64_t rows = std::int64_t(shape_.rows()) * shape_.n_funcs;
    // C as rows of N_b coefficients, one per (z_i, z_j, μ): K = Σ_rows c H cᵀ.
    using Rows = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    const Eigen::Map<const Rows> coeffs(C, rows, nb);
    const Rows bent = coeffs * gram_;
    if (grad != nullptr) Eigen::Map<Rows>(grad, rows, nb) += (2.0 * weight) * bent;
    return weight * coeffs.cwiseProduct(bent).sum();
}

}  // namespace mtpc
