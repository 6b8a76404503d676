// Descriptor: a potential's function of atomic positions and its parameter gradients.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "mtpc/sdk/types.hpp"

namespace mtpc::sdk {

/// A configuration as plain arrays (no framework types cross the boundary).
struct AtomsView {
    int n_atoms = 0;
    const int* types = nullptr;          ///< species index per atom, 0-based
    const double* positions = nullptr;   ///< n_atoms × 3, row-major, Å
    const double* lattice = nullptr;     ///< 3 × 3 rows = lattice vectors; nullptr: not periodic
};

/// Energies, forces and virial (MLIP-2's PlusStress: xx yy zz yz xz xy, eV).
struct Efs {
    double energy = 0;
    std::vector<double> forces;  ///< n_atoms × 3
    std::array<double, 6> virial{};
};

/// Reference values and loss weights of one configuration:
/// w_e (E − E_ref)² + w_f Σ_i |f_i − f_i^ref|² + w_s Σ (σ − σ^ref)², the stress sum either over the
/// full 3×3 virial (MLIP-2: off-diagonal components twice) or over its 6 Voigt components once
/// (`stress_voigt`, eq. (8) of the low-rank paper).
struct LossTarget {
    double energy = 0;
    const double* forces = nullptr;  ///< n_atoms × 3, or nullptr (no force term)
    const double* virial = nullptr;  ///< 6 Voigt entries (xx yy zz yz xz xy), or nullptr
    double w_energy = 0, w_forces = 0, w_stress = 0;
    /// Appended last so that a descriptor built against an older SDK still reads the fields
    /// above (it then counts the full 3×3 virial).
    bool stress_voigt = false;
};

/// The parameters a Descriptor's output depends on, split as the training code splits them:
/// a Euclidean "linear" block (species coefficients then ξ) and the radial tensor C.
class MTPC_SDK_VISIBLE Descriptor {
public:
    virtual ~Descriptor() = default;
    [[nodiscard]] virtual int species_count() const = 0;
    [[nodiscard]] virtual double cutoff() const = 0;
    [[nodiscard]] virtual RadialShape radial_shape() const = 0;
    [[nodiscard]] virtual int linear_size() const = 0;

    /// Energy, forces and virial.
    virtual void evaluate(const AtomsView& atoms, const double* linear, const double* C, Efs& out) const = 0;
    /// One configuration's loss term; adds (does not overwrite) its gradients to g_linear and g_C
    /// when non-null.
    virtual double loss_gradient(const AtomsView& atoms, const LossTarget& target, const double* linear,
                                 const double* C, double* g_linear, double* g_C) const = 0;
};

}  // namespace mtpc::sdk
