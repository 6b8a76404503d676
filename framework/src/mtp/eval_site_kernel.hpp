// The per-atom ("site") computations of MtpModel: moments, site energy, ∂E_i/∂r_ij and the
// dual-number pass for parameter gradients of the loss.  Private to framework/src/mtp.
#pragma once

#include <array>
#include <vector>

#include "mtpc/mtp/mtp_model.hpp"

namespace mtpc {

/// Scratch buffers for one site; one per thread, grown on demand (never shrunk).
struct MtpModel::Workspace {
    int n = 0;   ///< neighbours of the current site
    int zi = 0;  ///< species of the central atom
    const double *dx = nullptr, *dy = nullptr, *dz = nullptr;  ///< r_ij components (neighbour list)
    std::vector<int> zj;                        ///< [n] neighbour species
    std::vector<double> r, inv_r, ux, uy, uz;   ///< [n] distance, 1/r, unit vector
    std::vector<double> q, dq;                  ///< [n × N_b] Q_β(r_j), Q'_β(r_j)
    std::vector<double> f, df;                  ///< [N_f × n] f_μ(r_j), f'_μ(r_j)
    std::vector<double> mono;                   ///< [M × n] monomial m of u_j
    std::vector<double> slots, moments;         ///< [n_slots], [A]
    std::vector<double> adj, slot_w;            ///< ∂(objective)/∂moment and per-slot weights
    // Dual (directional-derivative) parts for the loss gradient.
    std::vector<double> dslots, dmoments, dadj, slot_dw;
    std::vector<double> ud;                       ///< [n] u_j · d_j
    std::vector<double> t0, t1, t2, t3, t4, t5;   ///< [n] per-neighbour temporaries
    std::vector<double> acc_a, acc_x, acc_y, acc_z;  ///< [n] per-neighbour accumulators

    void reserve(const MtpModel& model, int n_neighbors);
};

/// What moment_tangents needs of the model's layout, computed once per model and call.
struct MomentTangentIndex {
    std::array<std::vector<int>, 3> lower;  ///< monomial m / u_axis, −1 if that power is 0
    std::vector<int> basic_mu, basic_mono;  ///< radial function and monomial of each basic moment
};

/// The math of one site.  All functions work on the neighbourhood loaded by `load`.
struct SiteKernel {
    const MtpModel& model;

    /// Loads atom `i` of `nl`: geometry, radial basis, f_μ and f'_μ from C, monomials.
    void load(MtpModel::Workspace& w, const NeighborList& nl, int i, const int* types,
              const MtpParameters& p) const;
    /// Basic moments from the loaded neighbourhood, then the times graph: fills w.moments.
    void moments(MtpModel::Workspace& w) const;
    /// Site energy from w.moments.
    [[nodiscard]] double site_energy(const MtpModel::Workspace& w, const MtpParameters& p) const;
    /// ∂E_i/∂r_ij for every neighbour j, written to grad[3j + a] (after `moments`).
    void site_forces(MtpModel::Workspace& w, const MtpParameters& p, double* grad) const;
    /// Parameter gradient of ℓ_i = alpha·E_i + Σ_j (∂E_i/∂r_ij)·d_j (d = 3 × n displacements, or
    /// nullptr for none), added to `g` (after `moments`).
    void site_parameter_gradient(MtpModel::Workspace& w, const MtpParameters& p, double alpha,
                                 const double* d, const MtpGradient& g) const;
    // Its phases, in this order: forward (dual only), linear parameters, reverse, radial.
    void moment_derivatives(MtpModel::Workspace& w, const double* d) const;
    void linear_parameter_gradient(const MtpModel::Workspace& w, double alpha, bool dual, const MtpGradient& g) const;
    void slot_adjoints(MtpModel::Workspace& w, const MtpParameters& p, double alpha, bool dual) const;
    void radial_gradient(MtpModel::Workspace& w, const double* d, double* gC) const;

    // Forward-mode derivatives of all moments (linear_design.cpp).
    [[nodiscard]] MomentTangentIndex tangent_index() const;
    /// tangent[3n·t + 3j + a] = ∂(moment t)/∂(r_ij)_a for the loaded site (after `moments`).
    void moment_tangents(const MtpModel::Workspace& w, const MomentTangentIndex& index,
                         std::vector<double>& tangent) const;
};

}  // namespace mtpc
