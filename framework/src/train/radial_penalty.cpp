#include "mtpc/train/radial_penalty.hpp"


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

}  // namespace mtpc
