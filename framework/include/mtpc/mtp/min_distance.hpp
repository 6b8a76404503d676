// Interatomic distances below a potential's min_dist.  MLIP-2's Chebyshev radial basis is defined
// on [min_dist, max_dist] and is not clamped below min_dist: energies and forces of closer pairs
// are extrapolation, so commands (and training) warn when a data set has such pairs.
#pragma once

#include <limits>
#include <string>
#include <vector>

#include "mtpc/core/configuration.hpp"
#include "mtpc/mtp/neighbor_list.hpp"

namespace mtpc {

/// Smallest |r_ij| over all pairs of `nl` (periodic images included).  +infinity when the list
/// has no pairs, i.e. every distance is at least nl.cutoff().
double min_interatomic_distance(const NeighborList& nl);

/// What check_min_distance found over a set of configurations.
struct MinDistanceCheck {
    double min_dist = 0;     ///< the threshold (the potential's min_dist, Å)
    int configurations = 0;  ///< how many configurations were checked
    int below = 0;           ///< how many have a pair closer than min_dist (strictly)
    /// Smallest distance over all configurations (Å); +infinity when no pair was within the
    /// neighbour lists' cutoffs.  When below > 0 this is below min_dist.
    double smallest = std::numeric_limits<double>::infinity();
    int first_below = 0;  ///< 1-based index of the first configuration below min_dist; 0 when none

    /// The one-line warning (without a level prefix) naming `file`, or "" when below == 0, e.g.
    /// "test.cfg: 3 of 376 configurations have interatomic distances below the potential's
    /// min_dist 1.9 A (smallest 1.72 A, first: configuration 12); the radial basis extrapolates there".
    [[nodiscard]] std::string warning(const std::string& file) const;
};

/// From per-configuration smallest distances (min_interatomic_distance of each one's list, in
/// file order): the cheapest form when the lists were built for something else anyway.
MinDistanceCheck check_min_distance(const std::vector<double>& smallest_per_configuration, double min_dist);

/// From neighbour lists, one per configuration in file order (any cutoff ≥ min_dist: pairs at or
/// beyond a list's cutoff cannot be below min_dist).
MinDistanceCheck check_min_distance(const std::vector<NeighborList>& neighbor_lists, double min_dist);

/// From configurations: builds short lists (cutoff min_dist, so few pairs and little work) with
/// `threads` threads over configurations.  Throws InputError, naming `file` and the configuration,
/// for overlapping atoms (closer than NeighborList::kMinDistance), as NeighborList does.
MinDistanceCheck check_min_distance(const std::vector<Configuration>& cfgs, double min_dist, int threads,
                                    const std::string& file);

/// Logs check.warning(file) with spdlog::warn when below > 0; returns whether it did.  The caller
/// carries on: the warning never changes a result or an exit status.
bool warn_if_below_min_distance(const MinDistanceCheck& check, const std::string& file);

}  // namespace mtpc
