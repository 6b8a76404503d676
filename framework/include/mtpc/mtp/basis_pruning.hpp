// A potential restricted to a subset of its basis functions (the result of ℓ0 selection).
#pragma once

#include <vector>

#include "mtpc/core/mtp_potential.hpp"

namespace mtpc {

/// `pot` with only the basis functions `keep` (indices into alpha_moment_mapping, any order;
/// kept in their original order) and only the moments they need: basic moments and times
/// products no kept function depends on are dropped and the rest renumbered (basic moments
/// first, products in their original order), so the result is a valid MLIP-2 potential whose
/// evaluation does only the work the kept functions need.  Radial coefficients and species
/// coefficients are kept; moment coefficients (if trained) are those of the kept functions.
/// Throws InputError for an index out of range or a repeated index.
MtpPotential prune_basis(const MtpPotential& pot, std::vector<int> keep);

}  // namespace mtpc
