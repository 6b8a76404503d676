#include "mtpc/train/radial_penalty.hpp"

#include <algorithm>
#include <array>
#include <cmath>

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

/// Gram matrix ∫_a^b Q_β(r) Q_β'(r) dr of the radial basis: the products are polynomials of
/// degree ≤ 2 N_b + 2, integrated by 8-node Gauss–Legendre (exact to degree 15) on 8 + N_b panels,
/// which leaves a relative error far below anything a penalty weight could resolve.
sdk::Matrix basis_gram(const ChebyshevRadialBasis& basis, double a, double b) {
    const int nb = basis.size();
    sdk::Matrix G = sdk::Matrix::Zero(nb, nb);
    if (!(b > a)) return G;
    static constexpr std::array<double, 8> x = {-0.9602898564975363, -0.7966664774136267, -0.5255324099163290,
                                                -0.1834346424956498, 0.1834346424956498,  0.5255324099163290,
                                                0.7966664774136267,  0.9602898564975363};
    static constexpr std::array<double, 8> w = {0.1012285362903763, 0.2223810344533745, 0.3137066458778873,
                                                0.3626837833783620, 0.3626837833783620, 0.3137066458778873,
                                                0.2223810344533745, 0.1012285362903763};
    const int panels = 8 + nb;
    const double h = (b - a) / panels;
    std::vector<double> q(nb), dq(nb);
    for (int p = 0; p < panels; ++p) {
        const double mid = a + (p + 0.5) * h;
        for (int k = 0; k < 8; ++k) {
            basis.evaluate(mid + 0.5 * h * x[k], q.data(), dq.data());
            const Eigen::Map<const Eigen::VectorXd> v(q.data(), nb);
            G.noalias() += (0.5 * h * w[k]) * (v * v.transpose());
        }
    }
    return G;
}

}  // namespace

UnseenPairRangePenalty::UnseenPairRangePenalty(sdk::RadialShape shape, const ChebyshevRadialBasis& basis,
                                               const std::vector<double>& seen_from)
    : shape_(shape) {
    const int n = shape.n_species;
    gram_.reserve(std::size_t(n) * n);
    for (int zi = 0; zi < n; ++zi)
        for (int zj = 0; zj < n; ++zj) {
            const double d = std::min(seen_from.at(std::size_t(zi * n + zj)), basis.max_dist());
            gram_.push_back(zi == zj ? sdk::Matrix::Zero(shape.n_basis, shape.n_basis)
                                     : basis_gram(basis, basis.min_dist(), d));
        }
}

double UnseenPairRangePenalty::add(double weight, const double* C, double* grad) const {
    if (weight == 0) return 0;
    const int n = shape_.n_species, nf = shape_.n_funcs, nb = shape_.n_basis;
    using Block = Eigen::Map<const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;
    using MutBlock = Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>;
    double value = 0;
    for (int zi = 0; zi < n; ++zi) {
        const Block like(C + shape_.index(zi, zi, 0, 0), nf, nb);  // rows μ, columns β
        for (int zj = 0; zj < n; ++zj) {
            const sdk::Matrix& Q = gram(zi, zj);
            if (zj == zi || Q.isZero(0)) continue;
            const Block unlike(C + shape_.index(zi, zj, 0, 0), nf, nb);
            const sdk::Matrix diff = unlike - like;
            const sdk::Matrix diffQ = diff * Q;
            value += diff.cwiseProduct(diffQ).sum();
            if (grad != nullptr) {
                MutBlock(grad + shape_.index(zi, zj, 0, 0), nf, nb) += (2.0 * weight) * diffQ;
                MutBlock(grad + shape_.index(zi, zi, 0, 0), nf, nb) -= (2.0 * weight) * diffQ;
            }
        }
    }
    return weight * value;
}

std::vector<double> shortest_pair_distances(const std::vector<const NeighborList*>& lists,
                                            const std::vector<const int*>& types, int n_species, double cutoff) {
    std::vector<double> d(std::size_t(n_species) * n_species, cutoff);
    for (std::size_t k = 0; k < lists.size(); ++k) {
        const NeighborList& nl = *lists[k];
        const int* t = types[k];
        for (int i = 0; i < nl.n_atoms(); ++i)
            for (int e = nl.begin(i); e < nl.end(i); ++e) {
                double& best = d[std::size_t(t[i] * n_species + t[nl.index()[e]])];
                best = std::min(best, nl.distance()[e]);
            }
    }
    return d;
}

}  // namespace mtpc
