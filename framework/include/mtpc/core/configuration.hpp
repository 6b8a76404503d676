// An atomic configuration as MLIP-2's .cfg describes it.
#pragma once

#include <Eigen/Core>
#include <Eigen/LU>  // determinant() in volume()

#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace mtpc {

/// One atomic configuration (a `BEGIN_CFG` ... `END_CFG` block).
struct Configuration {
    std::vector<int> types;                  ///< species index per atom (0-based, into the potential's list)
    std::vector<Eigen::Vector3d> positions;  ///< Cartesian, Å
    std::vector<int> ids;                    ///< the `id` column as read (1-based in MLIP-2 files)
    /// Rows are the lattice vectors (Å); meaningful only when `periodic`.
    Eigen::Matrix3d lattice = Eigen::Matrix3d::Zero();
    bool periodic = false;  ///< a `Supercell` was given: periodic in all three directions

    std::optional<double> energy;            ///< total energy, eV
    std::vector<Eigen::Vector3d> forces;     ///< eV/Å; empty when the file had none
    /// MLIP-2's PlusStress (virial, eV): xx yy zz yz xz xy.
    std::optional<std::array<double, 6>> plus_stress;
    std::optional<double> energy_weight;     ///< `EnergyWeight`, when present

    /// `Feature name value` lines in file order (value = rest of the line, verbatim).
    std::vector<std::pair<std::string, std::string>> features;
    /// Per-atom columns other than id/type/cartes_*/f* (e.g. nbh_grades), kept for round trips.
    std::vector<std::string> extra_atom_columns;
    std::vector<std::vector<double>> extra_atom_values;  ///< [column][atom]
    /// Lines inside the block that we do not understand, kept verbatim (in order) for round trips.
    std::vector<std::string> unknown_lines;
    /// Line of `BEGIN_CFG` in the file this came from (0 when not read from a file); lets later
    /// checks (e.g. check_species) name the place in the input.  Not written to files.
    long source_line = 0;

    [[nodiscard]] int size() const { return static_cast<int>(types.size()); }
    [[nodiscard]] bool has_forces() const { return !forces.empty(); }
    [[nodiscard]] double volume() const { return periodic ? std::abs(lattice.determinant()) : 0.0; }
};

}  // namespace mtpc
