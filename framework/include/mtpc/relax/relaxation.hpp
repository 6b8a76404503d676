// Structure relaxation: minimises the energy (or the enthalpy E + P·V) of a configuration over
// its atomic positions and, optionally, its cell, with Ceres's L-BFGS on a GradientProblem.
#pragma once

#include <string>
#include <vector>

#include "mtpc/core/configuration.hpp"
#include "mtpc/mtp/mtp_model.hpp"

namespace mtpc {

/// What to relax and when to stop.  Tolerances are those ASE's optimisers use (fmax on the
/// largest force per atom) plus one on the largest stress component.
struct RelaxOptions {
    bool relax_cell = false;        ///< also relax the cell (periodic configurations only)
    double pressure_gpa = 0;        ///< external pressure P (GPa): minimise E + P·V (needs relax_cell)
    double force_tolerance = 1e-3;  ///< eV/Å: converged when every |f_i| ≤ this ...
    double stress_tolerance = 1e-2; ///< GPa: ... and (relax_cell) every |σ_ab + P δ_ab| ≤ this
    int max_iterations = 1000;      ///< accepted L-BFGS iterations
    int threads = 1;                ///< for relax_all: over configurations

    /// Throws InputError (naming `where`, e.g. "mtpc relax") for out-of-range values.
    void validate(const std::string& where) const;
};

/// The outcome for one configuration.
struct RelaxResult {
    /// Relaxed positions and cell, with the potential's energy, forces and PlusStress (virial).
    Configuration configuration;
    bool converged = false;
    int iterations = 0;       ///< accepted L-BFGS iterations
    int evaluations = 0;      ///< energy+forces+virial evaluations
    double max_force = 0;     ///< eV/Å, at the end
    double max_stress = 0;    ///< GPa: max |σ_ab + P δ_ab| at the end (0 when the cell is fixed)
    std::string message;      ///< why the minimiser stopped
};

/// Relaxes one configuration.  `context` names it in errors ("in.cfg: configuration 3").
/// Deterministic: the same input gives bit-identical output (one evaluation thread per call
/// unless `threads` > 1, and MtpModel is bit-identical for any thread count).
/// Throws InputError for bad input (types beyond the potential, overlapping atoms at the start).
RelaxResult relax(const MtpModel& model, const Configuration& cfg, const RelaxOptions& options,
                  const std::string& context = "configuration", int threads = 1);

/// Relaxes every configuration, options.threads threads over configurations (or over atoms when
/// there is a single configuration).  `file` names the input in errors; the first error in file
/// order is thrown after all threads finished.
std::vector<RelaxResult> relax_all(const MtpModel& model, const std::vector<Configuration>& cfgs,
                                   const RelaxOptions& options, const std::string& file);

/// The name of the Feature line a relaxed configuration carries: "true" or "false".
inline constexpr const char* kRelaxConvergedFeature = "relax_converged";

}  // namespace mtpc
