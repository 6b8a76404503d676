// MtpModel::linear_design: E, forces and virial of one configuration as linear functions of the
// species coefficients and ξ (radial part fixed) -- the rows of the design matrix X of
// Shapeev 2016 §4.5 (eq. before §4.5.1), extended by the virial.
//
// Per site i, every moment and its derivatives along all 3n neighbour displacements are carried
// forward together (n the neighbour count): for a basic moment M_{μ,m} = Σ_j f_μ(r_j) g_m(u_j),
//   ∂M/∂r_ij = f' g u + (f / r)(∇_u g − k g u)        (k = degree of g_m),
// and a times product t += κ x y carries ṫ += κ (ẋ y + x ẏ).  The derivative of basis function s
// then is ∂B_s(i)/∂r_ij, and a unit ξ_s gives the pair gradients that forces and virial are
// assembled from, exactly as reduce_efs does for a full potential.

#include <array>
#include <stdexcept>

#include "eval_site_kernel.hpp"

namespace mtpc {

namespace {

/// For each basic moment: its radial function μ and its monomial m (from the slot layout).
struct BasicMomentIndex {
    std::vector<int> mu, mono;
};

}  // namespace

Eigen::MatrixXd MtpModel::linear_design(const NeighborList& nl, const int* types, const double* radial_coeffs) const {
    const int n_atoms = nl.n_atoms(), nT = n_species_, S = scalar_count(), A = n_moments_;
    if (nl.n_particles() != n_atoms)
        throw std::invalid_argument("linear_design: needs a configuration's own neighbour list (no ghost particles)");
    const int virial_row = 1 + 3 * n_atoms;
    Eigen::MatrixXd X = Eigen::MatrixXd::Zero(virial_row + 6, nT + S);

    // Monomial m / u_axis (−1 if its power of that axis is 0), inverted from mono_raise_.
    const int n_mono = int(mono_degree_.size());
    std::array<std::vector<int>, 3> lower;
    for (int axis = 0; axis < 3; ++axis) {
        lower[axis].assign(n_mono, -1);
        for (int m = 0; m < n_mono; ++m)
            if (mono_raise_[axis][m] >= 0) lower[axis][mono_raise_[axis][m]] = m;
    }
    const int n_basic = int(basic_slot_.size());
    BasicMomentIndex basic{std::vector<int>(n_basic), std::vector<int>(n_basic)};
    for (int b = 0; b < n_basic; ++b)
        for (int mu = 0; mu < n_funcs_; ++mu)
            if (basic_slot_[b] >= slot_offset_[mu] && basic_slot_[b] < slot_offset_[mu] + prefix_[mu]) {
                basic.mu[b] = mu;
                basic.mono[b] = basic_slot_[b] - slot_offset_[mu];
            }

    const SiteKernel kernel{*this};
    const MtpParameters p{nullptr, nullptr, radial_coeffs};
    Workspace w;
    w.reserve(*this, nl.max_count());
    std::vector<double> tangent;  // [A × 3n]: moment t's derivatives at 3n·t + 3j + a
    for (int i = 0; i < n_atoms; ++i) {
        X(0, types[i]) += 1.0;
        if (nl.count(i) == 0) continue;  // every moment is 0
        kernel.load(w, nl, i, types, p);
        kernel.moments(w);
        const int n = w.n, width = 3 * n;
        tangent.assign(std::size_t(A) * width, 0.0);
        for (int b = 0; b < n_basic; ++b) {
            const int mu = basic.mu[b], m = basic.mono[b], k = mono_degree_[m];
            const double* f = &w.f[std::size_t(mu) * n];
            const double* df = &w.df[std::size_t(mu) * n];
            const double* g = &w.mono[std::size_t(m) * n];
            double* out = &tangent[std::size_t(b) * width];
            for (int j = 0; j < n; ++j) {
                const double fr = f[j] * w.inv_r[j];
                const double along_u = df[j] * g[j] - k * fr * g[j];
                const double u[3] = {w.ux[j], w.uy[j], w.uz[j]};
                for (int a = 0; a < 3; ++a) {
                    const int low = lower[a][m];
                    const double grad_u = low < 0 ? 0.0 : mono_powers_[m][a] * w.mono[std::size_t(low) * n + j];
                    out[3 * j + a] = along_u * u[a] + fr * grad_u;
                }
            }
        }
        const double* mom = w.moments.data();
        for (std::size_t e = 0; e < times_t_.size(); ++e) {
            const double kx = times_k_[e] * mom[times_j_[e]], ky = times_k_[e] * mom[times_i_[e]];
            const double* dx = &tangent[std::size_t(times_i_[e]) * width];
            const double* dy = &tangent[std::size_t(times_j_[e]) * width];
            double* dt = &tangent[std::size_t(times_t_[e]) * width];
#pragma omp simd
            for (int q = 0; q < width; ++q) dt[q] += kx * dx[q] + ky * dy[q];
        }
        const int begin = nl.begin(i);
        for (int s = 0; s < S; ++s) {
            const int col = nT + s;
            X(0, col) += mom[mapping_[s]];
            const double* g = &tangent[std::size_t(mapping_[s]) * width];
            for (int q = 0; q < n; ++q) {
                const int j = nl.index()[begin + q];
                const double gx = g[3 * q], gy = g[3 * q + 1], gz = g[3 * q + 2];
                const double rx = nl.dx()[begin + q], ry = nl.dy()[begin + q], rz = nl.dz()[begin + q];
                for (int a = 0; a < 3; ++a) {
                    X(1 + 3 * i + a, col) += g[3 * q + a];
                    X(1 + 3 * j + a, col) -= g[3 * q + a];
                }
                X(virial_row + 0, col) -= gx * rx;
                X(virial_row + 1, col) -= gy * ry;
                X(virial_row + 2, col) -= gz * rz;
                X(virial_row + 3, col) -= gy * rz;
                X(virial_row + 4, col) -= gx * rz;
                X(virial_row + 5, col) -= gx * ry;
            }
        }
    }
    return X;
}

}  // namespace mtpc
