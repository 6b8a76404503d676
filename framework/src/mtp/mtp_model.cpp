// MtpModel: structure precomputation and the configuration-level drivers (threading, reductions,
// loss residuals).  The per-atom math is in eval_site_kernel.cpp.
#include "mtpc/mtp/mtp_model.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <map>

#include "eval_site_kernel.hpp"
#include "mtpc/core/error.hpp"

namespace mtpc {

namespace {

/// Atoms per block when a configuration's parameter gradient is split over threads: blocks are
/// fixed (not per thread) so the reduction order, hence every bit of the result, does not
/// depend on the thread count.
constexpr int kAtomsPerBlock = 16;

int clamp_threads(int threads) { return std::max(1, threads); }

/// Below this many atoms per thread, sharing one configuration's atoms among threads costs more
/// than it gains (and OpenMP's spinning threads make it far worse on a loaded machine): such
/// configurations run on one thread.  Callers with many configurations thread over those instead.
constexpr int kMinAtomsPerThread = 64;

}  // namespace

MtpModel::MtpModel(const MtpPotential& pot) {
    const std::string name = "potential " + pot.potential_name;
    if (pot.radial_basis_type != "RBChebyshev")
        throw InputError(name + ": unsupported radial_basis_type " + pot.radial_basis_type);
    if (pot.species_count < 1 || pot.radial_funcs_count < 1 || pot.radial_basis_size < 1)
        throw InputError(name + ": species_count, radial_funcs_count and radial_basis_size must be positive");
    n_species_ = pot.species_count;
    n_funcs_ = pot.radial_funcs_count;
    n_basis_ = pot.radial_basis_size;
    n_moments_ = pot.alpha_moments_count;
    basis_ = ChebyshevRadialBasis(pot.min_dist, pot.max_dist, n_basis_, pot.scaling);
    const int n_basic = int(pot.alpha_index_basic.size());
    if (n_basic > n_moments_) throw InputError(name + ": more basic moments than alpha_moments_count");

    // Monomials of every degree up to the largest one used, ordered by degree.
    max_degree_ = 0;
    std::vector<int> funcs_degree(n_funcs_, -1);
    for (const auto& b : pot.alpha_index_basic) {
        if (b[0] < 0 || b[0] >= n_funcs_ || b[1] < 0 || b[2] < 0 || b[3] < 0)
            throw InputError(name + ": invalid alpha_index_basic entry");
        const int k = b[1] + b[2] + b[3];
        max_degree_ = std::max(max_degree_, k);
        funcs_degree[b[0]] = std::max(funcs_degree[b[0]], k);
    }
    std::map<std::array<int, 3>, int> mono_index;
    for (int k = 0; k <= max_degree_; ++k)
        for (int a = k; a >= 0; --a)
            for (int b = k - a; b >= 0; --b) {
                mono_index[{a, b, k - a - b}] = int(mono_powers_.size());
                mono_powers_.push_back({a, b, k - a - b});
                mono_degree_.push_back(k);
            }
    const int n_mono = int(mono_powers_.size());
    mono_parent_.assign(n_mono, -1);
    mono_axis_.assign(n_mono, 0);
    for (auto& v : mono_raise_) v.assign(n_mono, -1);
    for (int m = 0; m < n_mono; ++m) {
        for (int axis = 0; axis < 3; ++axis) {
            auto up = mono_powers_[m];
            ++up[axis];
            if (auto it = mono_index.find(up); it != mono_index.end()) mono_raise_[axis][m] = it->second;
        }
        if (m == 0) continue;
        const auto& pw = mono_powers_[m];
        const int axis = pw[0] > 0 ? 0 : (pw[1] > 0 ? 1 : 2);
        auto down = pw;
        --down[axis];
        mono_parent_[m] = mono_index.at(down);
        mono_axis_[m] = axis;
    }
    // Per μ: a prefix of the monomial list (all monomials up to μ's largest degree) -- with
    // MLIP-2's bases these are exactly the basic moments of μ.
    auto count_up_to = [](int k) { return k < 0 ? 0 : (k + 1) * (k + 2) * (k + 3) / 6; };
    prefix_.resize(n_funcs_);
    lower_prefix_.resize(n_funcs_);
    slot_offset_.resize(n_funcs_);
    n_slots_ = 0;
    for (int mu = 0; mu < n_funcs_; ++mu) {
        prefix_[mu] = count_up_to(funcs_degree[mu]);
        lower_prefix_[mu] = count_up_to(funcs_degree[mu] - 1);
        slot_offset_[mu] = n_slots_;
        n_slots_ += prefix_[mu];
    }
    basic_slot_.resize(n_basic);
    for (int i = 0; i < n_basic; ++i) {
        const auto& b = pot.alpha_index_basic[i];
        basic_slot_[i] = slot_offset_[b[0]] + mono_index.at({b[1], b[2], b[3]});
    }
    for (const auto& t : pot.alpha_index_times) {
        for (int q : {t[0], t[1], t[3]})
            if (q < 0 || q >= n_moments_) throw InputError(name + ": alpha_index_times index out of range");
        times_i_.push_back(t[0]);
        times_j_.push_back(t[1]);
        times_k_.push_back(t[2]);
        times_t_.push_back(t[3]);
    }
    for (int s : pot.alpha_moment_mapping) {
        if (s < 0 || s >= n_moments_) throw InputError(name + ": alpha_moment_mapping index out of range");
        mapping_.push_back(s);
    }

    const std::size_t n_radial = std::size_t(radial_shape().size());
    species_coeffs_ = pot.species_coeffs;
    species_coeffs_.resize(n_species_, 0.0);
    moment_coeffs_ = pot.moment_coeffs;
    moment_coeffs_.resize(mapping_.size(), 0.0);
    radial_coeffs_ = pot.radial_coeffs;
    if (!radial_coeffs_.empty() && radial_coeffs_.size() != n_radial)
        throw InputError(name + ": radial_coeffs has the wrong size");
    radial_coeffs_.resize(n_radial, 0.0);
}

EfsResult MtpModel::compute_efs(const Configuration& cfg, int threads, const std::string& context) const {
    const NeighborList nl(cfg, cutoff(), context);
    for (int i = 0; i < cfg.size(); ++i)
        if (cfg.types[i] < 0 || cfg.types[i] >= n_species_)
            throw InputError(fmt::format("{}: atom {} has type {} but the potential has {} species", context, i + 1,
                                         cfg.types[i], n_species_));
    return compute_efs(nl, cfg.types.data(), parameters(), threads);
}

namespace {

/// Site energies and ∂E_i/∂r_ij (3 per neighbour entry) for every atom, threads over atoms.
void site_pass(const MtpModel& model, const SiteKernel& kernel, const NeighborList& nl, const int* types,
               const MtpParameters& p, int threads, std::vector<double>& site_e, std::vector<double>& pair_grad) {
    const int n = nl.n_atoms();
    site_e.assign(n, 0.0);
    pair_grad.assign(3 * std::size_t(nl.total_pairs()), 0.0);
#pragma omp parallel num_threads(clamp_threads(threads)) if (threads > 1 && n >= 2 * kMinAtomsPerThread)
    {
        MtpModel::Workspace w;
        w.reserve(model, nl.max_count());
#pragma omp for schedule(dynamic, 4)
        for (int i = 0; i < n; ++i) {
            // No neighbours: every moment is 0, E_i is the species energy.  Host-given lists have
            // many such centres (padding atoms of a domain decomposition), so skip the kernel.
            if (nl.count(i) == 0) {
                site_e[i] = p.species_coeffs[types[i]];
                continue;
            }
            kernel.load(w, nl, i, types, p);
            kernel.moments(w);
            site_e[i] = kernel.site_energy(w, p);
            kernel.site_forces(w, p, &pair_grad[3 * std::size_t(nl.begin(i))]);
        }
    }
}

/// Energy, forces and virial from per-site results, summed serially in atom/neighbour order.
EfsResult reduce_efs(const NeighborList& nl, std::vector<double>& site_e, const std::vector<double>& pair_grad) {
    const int n = nl.n_atoms();
    EfsResult out;
    out.forces.assign(nl.n_particles(), Eigen::Vector3d::Zero());
    double stress[3][3] = {};
    for (int i = 0; i < n; ++i) {
        out.energy += site_e[i];
        for (int k = nl.begin(i); k < nl.end(i); ++k) {
            const double* g = &pair_grad[3 * std::size_t(k)];
            const int j = nl.index()[k];
            const double r[3] = {nl.dx()[k], nl.dy()[k], nl.dz()[k]};
            for (int a = 0; a < 3; ++a) {
                out.forces[i][a] += g[a];
                out.forces[j][a] -= g[a];
                for (int b = 0; b < 3; ++b) stress[a][b] -= g[a] * r[b];
            }
        }
    }
    out.virial = {stress[0][0], stress[1][1], stress[2][2], stress[1][2], stress[0][2], stress[0][1]};
    out.site_energies = std::move(site_e);
    return out;
}

}  // namespace

EfsResult MtpModel::compute_efs(const NeighborList& nl, const int* types, const MtpParameters& p,
                                int threads) const {
    const SiteKernel kernel{*this};
    std::vector<double> site_e, pair_grad;
    site_pass(*this, kernel, nl, types, p, threads, site_e, pair_grad);
    return reduce_efs(nl, site_e, pair_grad);
}

void MtpModel::site_gradients(const NeighborList& nl, const int* types, const MtpParameters& p, int threads,
                              SiteGradients& out) const {
    const SiteKernel kernel{*this};
    site_pass(*this, kernel, nl, types, p, threads, out.site_energies, out.pair_gradients);
}

namespace {

/// Runs `site(workspace, atom, gradient-buffer)` for every atom in fixed blocks (threads over
/// blocks), each block with its own zeroed gradient buffer, then adds the buffers to `grad` in
/// block order.
template <class Site>
void blocked_gradient(const MtpModel& model, const NeighborList& nl, int threads, const MtpGradient& grad,
                      Site site) {
    const int n = nl.n_atoms();
    const int nT = model.species_count(), S = model.scalar_count();
    const std::size_t nC = std::size_t(model.radial_shape().size());
    const std::size_t size = nT + S + nC;
    const int n_blocks = (n + kAtomsPerBlock - 1) / kAtomsPerBlock;
    std::vector<double> buffers(size * n_blocks, 0.0);
#pragma omp parallel num_threads(clamp_threads(threads)) if (threads > 1 && n_blocks > 1 && n >= 2 * kMinAtomsPerThread)
    {
        MtpModel::Workspace w;
        w.reserve(model, nl.max_count());
#pragma omp for schedule(dynamic, 1)
        for (int b = 0; b < n_blocks; ++b) {
            double* buf = &buffers[size * b];
            const MtpGradient g{grad.species_coeffs ? buf : nullptr, grad.moment_coeffs ? buf + nT : nullptr,
                                grad.radial_coeffs ? buf + nT + S : nullptr};
            for (int i = b * kAtomsPerBlock; i < std::min(n, (b + 1) * kAtomsPerBlock); ++i) site(w, i, g);
        }
    }
    for (int b = 0; b < n_blocks; ++b) {
        const double* buf = &buffers[size * b];
        if (grad.species_coeffs)
            for (int z = 0; z < nT; ++z) grad.species_coeffs[z] += buf[z];
        if (grad.moment_coeffs)
            for (int s = 0; s < S; ++s) grad.moment_coeffs[s] += buf[nT + s];
        if (grad.radial_coeffs)
            for (std::size_t c = 0; c < nC; ++c) grad.radial_coeffs[c] += buf[nT + S + c];
    }
}

}  // namespace

double MtpModel::energy_gradient(const NeighborList& nl, const int* types, const MtpParameters& p,
                                 const MtpGradient& grad, int threads) const {
    const SiteKernel kernel{*this};
    std::vector<double> site_e(nl.n_atoms(), 0.0);
    blocked_gradient(*this, nl, threads, grad, [&](Workspace& w, int i, const MtpGradient& g) {
        kernel.load(w, nl, i, types, p);
        kernel.moments(w);
        site_e[i] = kernel.site_energy(w, p);
        kernel.site_parameter_gradient(w, p, 1.0, nullptr, g);
    });
    double e = 0;
    for (double x : site_e) e += x;
    return e;
}

double MtpModel::loss_gradient(const NeighborList& nl, const int* types, const MtpParameters& p,
                               const sdk::LossTarget& target, const MtpGradient& grad, int threads,
                               EfsResult* efs_out) const {
    const int n = nl.n_atoms();
    const SiteKernel kernel{*this};
    std::vector<double> site_e, pair_grad;
    site_pass(*this, kernel, nl, types, p, threads, site_e, pair_grad);
    EfsResult efs = reduce_efs(nl, site_e, pair_grad);

    // Loss and residuals.  ∂L/∂θ = 2 w_e δE ∂E/∂θ + ∂Φ/∂θ with Φ = Σ_ij (∂E_i/∂r_ij)·d_ij,
    //   d_ij = 2 w_f (δF_i − δF_j) − 2 w_s D r_ij,
    // D the stress residual with off-diagonals weighted on the upper triangle as the loss weights
    // them (the virial's Voigt entries are the upper triangle, σ_xy = −Σ g_x r_y): twice for the
    // full 3×3 virial, once for eq. (8)'s 6 components (target.stress_voigt).
    const double dE = efs.energy - target.energy;
    double loss = target.w_energy * dE * dE;
    const bool use_forces = target.forces != nullptr && target.w_forces != 0;
    const bool use_stress = target.virial != nullptr && target.w_stress != 0;
    std::vector<Eigen::Vector3d> dF;
    if (use_forces) {
        dF.resize(n);
        for (int i = 0; i < n; ++i) {
            dF[i] = efs.forces[i] - Eigen::Vector3d(target.forces[3 * i], target.forces[3 * i + 1], target.forces[3 * i + 2]);
            loss += target.w_forces * dF[i].squaredNorm();
        }
    }
    Eigen::Matrix3d D = Eigen::Matrix3d::Zero();
    if (use_stress) {
        double ds[6];
        for (int v = 0; v < 6; ++v) ds[v] = efs.virial[v] - target.virial[v];
        const double off = target.stress_voigt ? 1 : 2;  // times each off-diagonal counts
        loss += target.w_stress * (ds[0] * ds[0] + ds[1] * ds[1] + ds[2] * ds[2] +
                                   off * (ds[3] * ds[3] + ds[4] * ds[4] + ds[5] * ds[5]));
        D << ds[0], off * ds[5], off * ds[4],  //
            0, ds[1], off * ds[3],             //
            0, 0, ds[2];
    }
    if (efs_out) *efs_out = efs;
    if (!grad.species_coeffs && !grad.moment_coeffs && !grad.radial_coeffs) return loss;

    const bool dual = use_forces || use_stress;
    std::vector<double> disp;
    if (dual) {
        disp.assign(3 * std::size_t(nl.total_pairs()), 0.0);
        const Eigen::Matrix3d Ds = -2 * target.w_stress * D;
        for (int i = 0; i < n; ++i)
            for (int k = nl.begin(i); k < nl.end(i); ++k) {
                Eigen::Vector3d dk = Eigen::Vector3d::Zero();
                if (use_forces) dk += 2 * target.w_forces * (dF[i] - dF[nl.index()[k]]);
                if (use_stress) dk += Ds * nl.vector(k);
                for (int a = 0; a < 3; ++a) disp[3 * std::size_t(k) + a] = dk[a];
            }
    }
    const double alpha = 2 * target.w_energy * dE;
    blocked_gradient(*this, nl, threads, grad, [&](Workspace& w, int i, const MtpGradient& g) {
        kernel.load(w, nl, i, types, p);
        kernel.moments(w);
        kernel.site_parameter_gradient(w, p, alpha, dual ? &disp[3 * std::size_t(nl.begin(i))] : nullptr, g);
    });
    return loss;
}

double MtpModel::batch_loss_gradient(const std::vector<TrainingItem>& batch, const MtpParameters& p,
                                     const MtpGradient& grad, int threads) const {
    const int nT = n_species_, S = scalar_count();
    const std::size_t nC = std::size_t(radial_shape().size());
    const std::size_t size = nT + S + nC;
    const int n_items = int(batch.size());
    std::vector<double> losses(n_items, 0.0);
    std::vector<double> buffers(size * n_items, 0.0);
#pragma omp parallel for schedule(dynamic, 1) num_threads(clamp_threads(threads)) if (threads > 1 && n_items > 1)
    for (int c = 0; c < n_items; ++c) {
        double* buf = &buffers[size * c];
        const MtpGradient g{grad.species_coeffs ? buf : nullptr, grad.moment_coeffs ? buf + nT : nullptr,
                            grad.radial_coeffs ? buf + nT + S : nullptr};
        losses[c] = loss_gradient(*batch[c].neighbors, batch[c].types, p, batch[c].target, g, 1);
    }
    double loss = 0;
    for (int c = 0; c < n_items; ++c) {
        loss += losses[c];
        const double* buf = &buffers[size * c];
        if (grad.species_coeffs)
            for (int z = 0; z < nT; ++z) grad.species_coeffs[z] += buf[z];
        if (grad.moment_coeffs)
            for (int s = 0; s < S; ++s) grad.moment_coeffs[s] += buf[nT + s];
        if (grad.radial_coeffs)
            for (std::size_t k = 0; k < nC; ++k) grad.radial_coeffs[k] += buf[nT + S + k];
    }
    return loss;
}

}  // namespace mtpc
