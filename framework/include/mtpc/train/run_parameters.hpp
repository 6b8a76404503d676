// A training run's parameters.json read back as a potential: the compressed parameters θ are
// materialised by the run's own radial plugin, so the result is the run's model whatever
// potential.mtp beside it says (or whether it was written at all).
#pragma once

#include <string>
#include <vector>

#include "mtpc/core/mtp_potential.hpp"

namespace mtpc {

/// What a run's parameters.json holds beyond the coefficients.
struct RunParameters {
    MtpPotential potential;            ///< structure from the run's potential.mtp, coefficients from θ
    std::vector<std::string> species;  ///< chemical symbols in type order (the manifest's "species")
    std::string radial_plugin;         ///< e.g. "radial-mf"
    std::string radial_options;        ///< JSON text, as the run used them
    std::vector<double> theta;         ///< the compressed radial parameters
};

/// Reads `path` (a parameters.json, or a run directory holding one), creates the radial plugin
/// it names from `plugin_paths` (then the usual search path) and materialises C(θ).  Throws
/// InputError naming the file and field for anything missing or inconsistent.
RunParameters load_run_parameters(const std::string& path, const std::vector<std::string>& plugin_paths = {});

}  // namespace mtpc
