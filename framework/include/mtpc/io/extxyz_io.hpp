// Extended XYZ (ASE style) input: energy, forces, stress, with a species map.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "mtpc/core/configuration.hpp"

namespace mtpc {

/// Reads an extended-XYZ file.  `species` maps chemical symbols to type indices (e.g. {"Nb":0,
/// "Mo":1}); an unknown symbol is an InputError naming the file and line.  `energy`, `forces`
/// and `stress` (ASE: stress in eV/Å³, sign convention σ = −virial/volume) become Energy, forces
/// and PlusStress.
std::vector<Configuration> read_extxyz(const std::string& path, const std::map<std::string, int>& species);

}  // namespace mtpc
