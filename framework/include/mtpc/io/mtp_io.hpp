// MLIP-2 `.mtp` potential files (version 1.1.0): read and write, trained or untrained.
#pragma once

#include <iosfwd>
#include <string>

#include "mtpc/core/mtp_potential.hpp"

namespace mtpc {

/// Reads and validates a potential.  Throws InputError("FILE:LINE: ...") on malformed input or
/// inconsistent counts (list lengths vs *_count fields, basic/times indices out of range,
/// max_dist <= min_dist, wrong number of radial/species/moment coefficients).
MtpPotential read_mtp(const std::string& path);
MtpPotential read_mtp(std::istream& in, const std::string& name);

/// Writes in MLIP-2's layout with %.16e-level precision (exact double round trip); unknown lines
/// are written back.  The path overload writes a temporary file and renames it.
void write_mtp(std::ostream& out, const MtpPotential& pot);
void write_mtp(const std::string& path, const MtpPotential& pot);

/// Throws InputError(name: ...) if the counts of `pot` are inconsistent (used by read and write).
void validate_mtp(const MtpPotential& pot, const std::string& name);

}  // namespace mtpc
