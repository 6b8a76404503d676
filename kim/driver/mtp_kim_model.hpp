// The state a KIM model made by mtpc's MTP driver keeps between calls (KIM's "model buffer"):
// the potential, its species, and scratch reused every compute so MD steps do not allocate.
#pragma once

#include <string>
#include <vector>

#include "mtpc/mtp/mtp_model.hpp"
#include "mtpc/mtp/neighbor_list.hpp"

namespace mtpc::kim {

struct MtpKimModel {
    /// Reads the parameterized model's two files: the MLIP-2 potential and the chemical symbols
    /// of its species in type order.  Throws InputError naming the file on bad content.
    MtpKimModel(const std::string& potential_file, const std::string& species_file);

    MtpModel model;
    std::vector<std::string> species;  ///< symbol of type 0, 1, ...
    /// KIM reads these through pointers: the influence distance is the cutoff (MTP sites see
    /// neighbours within max_dist, and forces reach no farther).
    double influence_distance = 0;
    double cutoff = 0;
    /// Padding atoms need no neighbourhoods of their own: their forces come from the
    /// neighbourhoods of contributing atoms, and LAMMPS adds them to their owners.
    int will_not_request_padding_neighbors = 1;

    NeighborList neighbors;  ///< rebuilt every compute from the host's list
    SiteGradients sites;
};

}  // namespace mtpc::kim
