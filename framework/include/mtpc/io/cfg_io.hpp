// MLIP-2 `.cfg` configuration files: read and write (all fields of MTP_FORMAT.md).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "mtpc/core/configuration.hpp"

namespace mtpc {

/// Reads every configuration of a `.cfg` file.  Throws InputError("FILE:LINE: ...") on malformed
/// input: missing Size/AtomData/END_CFG, wrong column counts, non-numbers, NaN/Inf values,
/// negative types, a degenerate (zero-volume) or incomplete Supercell.
std::vector<Configuration> read_cfg(const std::string& path);
/// Same, from a stream; `name` is used in error messages.
std::vector<Configuration> read_cfg(std::istream& in, const std::string& name);

/// Writes configurations in MLIP-2's layout (positions, forces, energy and PlusStress written
/// with enough digits to round-trip doubles exactly).  Unknown lines and Features are kept.
void write_cfg(std::ostream& out, const std::vector<Configuration>& cfgs);
/// Writes to a temporary file beside `path` and renames it: no partial file on failure.
void write_cfg(const std::string& path, const std::vector<Configuration>& cfgs);

/// Checks that every type index is < species_count; throws InputError naming the file,
/// the configuration (1-based) and the atom.
void check_species(const std::vector<Configuration>& cfgs, int species_count, const std::string& file);

}  // namespace mtpc
