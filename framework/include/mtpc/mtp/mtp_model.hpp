// MtpModel: fast evaluation of a Moment Tensor Potential -- energy, forces, virial -- and the
// analytic gradients of the energy and of the training loss with respect to all parameters.
#pragma once

#include <Eigen/Core>

#include <array>
#include <string>
#include <vector>

#include "mtpc/core/configuration.hpp"
#include "mtpc/core/mtp_potential.hpp"
#include "mtpc/mtp/neighbor_list.hpp"
#include "mtpc/mtp/radial_basis.hpp"
#include "mtpc/sdk/descriptor.hpp"
#include "mtpc/sdk/types.hpp"

namespace mtpc {

/// The parameters of an MTP as read-only arrays (not owned).  Evaluation takes them per call so
/// that training can evaluate the same model structure with ever-changing coefficients.
struct MtpParameters {
    const double* species_coeffs = nullptr;  ///< N_T
    const double* moment_coeffs = nullptr;   ///< S (ξ)
    const double* radial_coeffs = nullptr;   ///< C, at sdk::RadialShape::index(z_i, z_j, μ, β)
};

/// Where gradients go (each may be nullptr: not wanted).  Gradients are ADDED to these arrays.
struct MtpGradient {
    double* species_coeffs = nullptr;
    double* moment_coeffs = nullptr;
    double* radial_coeffs = nullptr;
};

/// Energy, forces and virial of one configuration.
struct EfsResult {
    double energy = 0;
    std::vector<Eigen::Vector3d> forces;  ///< eV/Å, −∂E/∂x_i
    /// MLIP-2's PlusStress (eV): xx yy zz yz xz xy of Σ_i Σ_j −(∂E_i/∂r_ij)_a (r_ij)_b.
    std::array<double, 6> virial{};
    std::vector<double> site_energies;  ///< E_i per atom
};

/// The per-site building blocks of energy, forces and virials: E_i of every central atom and
/// g_ij = ∂E_i/∂r_ij of every neighbour entry k (at 3k .. 3k+2).  Host programs (LAMMPS through
/// the KIM API) assemble forces F_i += g_ij, F_j −= g_ij and virials from these in their own
/// conventions, e.g. onto padding atoms of a domain decomposition.
struct SiteGradients {
    std::vector<double> site_energies;   ///< [nl.n_atoms()]
    std::vector<double> pair_gradients;  ///< [3 × nl.total_pairs()]
};

/// One configuration of a training batch: its cached neighbour list, types and loss target
/// (pointers must outlive the call).
struct TrainingItem {
    const NeighborList* neighbors = nullptr;
    const int* types = nullptr;
    sdk::LossTarget target;
};

/// The structure of an MTP (radial basis, basic moments, times graph, scalar moments) arranged
/// for speed, plus the potential's own coefficients.
///
/// Evaluation of one atom (its "site"): per neighbour the radial functions f_μ(r) are computed
/// once (not once per basic moment, as MLIP-2 does); the unit-vector monomials u_x^a u_y^b u_z^c
/// of all degrees are built by one multiplication each; basic moments are dot products of
/// monomial rows with f_μ over the neighbourhood; the times graph is run forward, then in reverse
/// for ∂E/∂moment, and forces follow per neighbour from per-μ sums over monomials.
///
/// Thread use: OpenMP over atoms (or configurations in batch_loss_gradient) with per-atom (or
/// per-block, per-configuration) results reduced in a fixed order, so results are bit-identical
/// whatever the thread count.
class MtpModel {
public:
    /// Takes the structure from `pot` and its coefficients when trained (zeros otherwise).
    /// Throws InputError if the potential is inconsistent (e.g. not an RBChebyshev basis).
    explicit MtpModel(const MtpPotential& pot);

    [[nodiscard]] int species_count() const { return n_species_; }
    [[nodiscard]] int radial_funcs_count() const { return n_funcs_; }
    [[nodiscard]] int radial_basis_size() const { return n_basis_; }
    [[nodiscard]] double cutoff() const { return basis_.max_dist(); }
    [[nodiscard]] int scalar_count() const { return int(mapping_.size()); }
    [[nodiscard]] int moments_count() const { return n_moments_; }
    [[nodiscard]] int basic_count() const { return int(basic_slot_.size()); }
    [[nodiscard]] sdk::RadialShape radial_shape() const { return {n_species_, n_funcs_, n_basis_}; }
    [[nodiscard]] const ChebyshevRadialBasis& radial_basis() const { return basis_; }

    /// The coefficients of the potential this model was made from.
    [[nodiscard]] MtpParameters parameters() const {
        return {species_coeffs_.data(), moment_coeffs_.data(), radial_coeffs_.data()};
    }

    /// Energy, forces and virial with the model's own coefficients (builds the neighbour list;
    /// `context` names the configuration in errors).
    [[nodiscard]] EfsResult compute_efs(const Configuration& cfg, int threads = 1,
                                        const std::string& context = "configuration") const;
    /// Same on a prebuilt neighbour list with given coefficients.
    [[nodiscard]] EfsResult compute_efs(const NeighborList& nl, const int* types, const MtpParameters& p,
                                        int threads = 1) const;

    /// Site energies and ∂E_i/∂r_ij on a prebuilt (possibly host-given) neighbour list; `types`
    /// covers nl.n_particles() particles.  `out`'s buffers are reused (no allocation once grown).
    void site_gradients(const NeighborList& nl, const int* types, const MtpParameters& p, int threads,
                        SiteGradients& out) const;

    /// Energy, and ∂E/∂θ added to `grad`.
    double energy_gradient(const NeighborList& nl, const int* types, const MtpParameters& p,
                           const MtpGradient& grad, int threads = 1) const;

    /// The loss of one configuration, w_e (E−E_ref)² + w_f Σ_i |f_i − f_i^ref|² + w_s Σ_ab (σ_ab − σ_ab^ref)²
    /// (σ the full symmetric virial: off-diagonals counted twice), and its gradient added to
    /// `grad`.  Analytic: a forward-mode directional derivative of E along the residual
    /// displacement field, reverse-accumulated for the parameters (see mtp_model.cpp).
    /// If `efs` is non-null it receives energy, forces and virial.
    double loss_gradient(const NeighborList& nl, const int* types, const MtpParameters& p,
                         const sdk::LossTarget& target, const MtpGradient& grad, int threads = 1,
                         EfsResult* efs = nullptr) const;

    /// Σ of loss_gradient over a batch; threads over configurations, per-configuration gradients
    /// summed in batch order (bit-identical for any thread count).
    double batch_loss_gradient(const std::vector<TrainingItem>& batch, const MtpParameters& p,
                               const MtpGradient& grad, int threads = 1) const;

    /// The design block of one configuration for the linear coefficients θ = [species
    /// coefficients (N_T), ξ (S)] with the radial coefficients C fixed.  E, forces and virial are
    /// linear in θ, so they are X θ with X of 1 + 3N + 6 rows × (N_T + S) columns:
    ///   row 0: E;  rows 1 + 3i + a: force component a of atom i;  rows 3N + 1 ..: the virial
    ///   (xx yy zz yz xz xy, MLIP-2's PlusStress).
    /// Exact (forward-mode derivatives of every moment along every neighbour displacement, see
    /// linear_design.cpp); single-threaded (callers thread over configurations).
    [[nodiscard]] Eigen::MatrixXd linear_design(const NeighborList& nl, const int* types,
                                                const double* radial_coeffs) const;

    /// Per-thread scratch of the site kernel (defined in src/mtp/eval_site_kernel.hpp).
    struct Workspace;

private:
    // --- structure ---------------------------------------------------------------------------
    int n_species_ = 0, n_funcs_ = 0, n_basis_ = 0, n_moments_ = 0;
    ChebyshevRadialBasis basis_;
    /// Monomials u_x^a u_y^b u_z^c of degree ≤ max_degree_, ordered by degree: monomial m is
    /// monomial mono_parent_[m] times component mono_axis_[m] (m > 0).
    int max_degree_ = 0;
    std::vector<std::array<int, 3>> mono_powers_;
    std::vector<int> mono_degree_, mono_parent_, mono_axis_;
    /// mono_raise_[axis][m]: index of m·u_axis (monomial of degree+1), −1 if beyond max_degree_.
    std::array<std::vector<int>, 3> mono_raise_;
    /// Per radial function μ: basic moments use monomials [0, prefix_[μ]) (all monomials up to
    /// its largest degree), lower_prefix_[μ] the monomials one degree lower (for gradients);
    /// their values live at slot_offset_[μ] + m of a "slot" buffer of n_slots_ entries.
    std::vector<int> prefix_, lower_prefix_, slot_offset_;
    int n_slots_ = 0;
    std::vector<int> basic_slot_;  ///< basic moment i ↦ slot
    /// The times graph as structure-of-arrays: moment[t] += k · moment[i] · moment[j].
    std::vector<int> times_i_, times_j_, times_t_;
    std::vector<double> times_k_;
    std::vector<int> mapping_;  ///< scalar moment s ↦ moment index

    // --- the potential's own coefficients ------------------------------------------------------
    std::vector<double> species_coeffs_, moment_coeffs_, radial_coeffs_;

    friend struct SiteKernel;
};

}  // namespace mtpc
