// One entry point for configuration files, whatever their format.
#pragma once

#include <string>
#include <vector>

#include "mtpc/core/configuration.hpp"

namespace mtpc {

/// Reads `path` by its extension: `.xyz` / `.extxyz` as extended XYZ, everything else as MLIP-2
/// `.cfg`.  `species` (chemical symbols in type order, e.g. a manifest's "species") maps XYZ
/// symbols to type indices; an XYZ file without it is an InputError, since XYZ names elements
/// while potentials number them.
std::vector<Configuration> read_configurations(const std::string& path, const std::vector<std::string>& species);

/// Throws InputError naming `path` when it holds no configurations: errors over nothing, or a
/// fit to nothing, would look like success.
void require_configurations(const std::vector<Configuration>& cfgs, const std::string& path);

/// True for the extensions read_configurations reads as extended XYZ.
bool is_extxyz_path(const std::string& path);

}  // namespace mtpc
