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

/// Scatters one site's ∂B_s/∂r_ij (3 per neighbour, `g`) into column `col` of X as pair
/// gradients: F_i += g, F_j −= g, virial −= g ⊗ r_ij (as reduce_efs in mtp_model.cpp).
void add_pair_gradients(const NeighborList& nl, int i, const double* g, int col, Eigen::MatrixXd& X) {
    const int virial_row = 1 + 3 * nl.n_atoms(), begin = nl.begin(i);
    for (int q = 0; q < nl.count(i); ++q) {
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

}  // namespace

MomentTangentIndex SiteKernel::tangent_index() const {
    const MtpModel& M = model;
    MomentTangentIndex out;
    const int n_mono = int(M.mono_degree_.size());
    for (int axis = 0; axis < 3; ++axis) {
        out.lower[axis].assign(n_mono, -1);
        for (int k = 0; k < n_mono; ++k)
            if (M.mono_raise_[axis][k] >= 0) out.lower[axis][M.mono_raise_[axis][k]] = k;
    }
    const int n_basic = int(M.basic_slot_.size());
    out.basic_mu.resize(n_basic);
    out.basic_mono.resize(n_basic);
    for (int b = 0; b < n_basic; ++b)
        for (int mu = 0; mu < M.n_funcs_; ++mu)
            if (M.basic_slot_[b] >= M.slot_offset_[mu] && M.basic_slot_[b] < M.slot_offset_[mu] + M.prefix_[mu]) {
                out.basic_mu[b] = mu;
                out.basic_mono[b] = M.basic_slot_[b] - M.slot_offset_[mu];
            }
    return out;
}

void SiteKernel::moment_tangents(const MtpModel::Workspace& w, const MomentTangentIndex& index,
                                 std::vector<double>& tangent) const {
    const MtpModel& M = model;
    const int n = w.n, width = 3 * n;
    tangent.assign(std::size_t(M.n_moments_) * width, 0.0);
    for (std::size_t b = 0; b < index.basic_mu.size(); ++b) {  // ∇[f g] = f' g u + (f / r)(∇_u g − k g u)
        const int mu = index.basic_mu[b], m = index.basic_mono[b], k = M.mono_degree_[m];
        const double* f = &w.f[std::size_t(mu) * n];
        const double* df = &w.df[std::size_t(mu) * n];
        const double* g = &w.mono[std::size_t(m) * n];
        double* out = &tangent[b * width];
        for (int j = 0; j < n; ++j) {
            const double fr = f[j] * w.inv_r[j];
            const double along_u = df[j] * g[j] - k * fr * g[j];
            const double u[3] = {w.ux[j], w.uy[j], w.uz[j]};
            for (int a = 0; a < 3; ++a) {
                const int low = index.lower[a][m];
                const double grad_u = low < 0 ? 0.0 : M.mono_powers_[m][a] * w.mono[std::size_t(low) * n + j];
                out[3 * j + a] = along_u * u[a] + fr * grad_u;
            }
        }
    }
    const double* mom = w.moments.data();
    for (std::size_t e = 0; e < M.times_t_.size(); ++e) {  // ṫ += κ (ẋ y + x ẏ)
        const double kx = M.times_k_[e] * mom[M.times_j_[e]], ky = M.times_k_[e] * mom[M.times_i_[e]];
        const double* dx = &tangent[std::size_t(M.times_i_[e]) * width];
        const double* dy = &tangent[std::size_t(M.times_j_[e]) * width];
        double* dt = &tangent[std::size_t(M.times_t_[e]) * width];
#pragma omp simd
        for (int q = 0; q < width; ++q) dt[q] += kx * dx[q] + ky * dy[q];
    }
}

Eigen::MatrixXd MtpModel::linear_design(const NeighborList& nl, const int* types, const double* radial_coeffs) const {
    const int n_atoms = nl.n_atoms(), nT = n_species_, S = scalar_count();
    if (nl.n_particles() != n_atoms)
        throw std::invalid_argument("linear_design: needs a configuration's own neighbour list (no ghost particles)");
    Eigen::MatrixXd X = Eigen::MatrixXd::Zero(1 + 3 * n_atoms + 6, nT + S);
    const SiteKernel kernel{*this};
    const MomentTangentIndex index = kernel.tangent_index();
    const MtpParameters p{nullptr, nullptr, radial_coeffs};
    Workspace w;
    w.reserve(*this, nl.max_count());
    std::vector<double> tangent;
    for (int i = 0; i < n_atoms; ++i) {
        X(0, types[i]) += 1.0;
        if (nl.count(i) == 0) continue;  // every moment is 0
        kernel.load(w, nl, i, types, p);
        kernel.moments(w);
        kernel.moment_tangents(w, index, tangent);
        for (int s = 0; s < S; ++s) {
            X(0, nT + s) += w.moments[mapping_[s]];
            add_pair_gradients(nl, i, &tangent[std::size_t(mapping_[s]) * 3 * w.n], nT + s, X);
        }
    }
    return X;
}

}  // namespace mtpc
