// Neighbour lists of atomic configurations: every atom j (or periodic image of j) within the
// cutoff of every atom i, with the vector r_ij = x_j(+image) − x_i.
#pragma once

#include <Eigen/Core>

#include <string>
#include <vector>

#include "mtpc/core/configuration.hpp"

namespace mtpc {

/// Full (not half) neighbour list in compressed-row form, structure-of-arrays so that the
/// evaluator can map one atom's neighbourhood as contiguous vectors.
///
/// Conventions are MLIP-2's: atom i is the central atom, r_ij = x_j + T − x_i for the lattice
/// translation T of the image, pairs with |r_ij| < cutoff are kept.  In a periodic cell smaller
/// than the cutoff, one atom appears several times (once per image), and atom i's own images are
/// neighbours of i.  Within an atom's neighbourhood the order is deterministic (it depends only
/// on the input), so everything computed from the list is reproducible.
class NeighborList {
public:
    /// Pairs closer than this are treated as broken input (overlapping atoms).
    static constexpr double kMinDistance = 0.1;
    /// Largest expected neighbour count per atom accepted (a 5 Å cutoff in a metal gives ~50; a
    /// cutoff of ~60 Å would give 10^5): beyond it the lists would not fit in memory or time.
    static constexpr double kMaxNeighborsPerAtom = 1e5;

    NeighborList() = default;
    /// Builds the list for `cfg` (periodic in all directions when cfg.periodic).  `context` names
    /// the configuration in error messages (e.g. "configuration 7"); callers add the file name.
    /// Throws InputError if two atoms (or an atom and an image) are closer than kMinDistance.
    NeighborList(const Configuration& cfg, double cutoff, const std::string& context = "configuration");
    /// Same from raw arrays: n_atoms × 3 row-major positions; `lattice` = 3 × 3 rows (lattice
    /// vectors) or nullptr for a non-periodic configuration.
    NeighborList(int n_atoms, const double* positions, const double* lattice, double cutoff,
                 const std::string& context = "configuration");

    /// Number of central atoms (atoms that have a neighbourhood).
    [[nodiscard]] int n_atoms() const { return static_cast<int>(offsets_.size()) - 1; }
    /// Number of particles neighbour entries may refer to: n_atoms() for lists built from a
    /// configuration; more for a host-given list whose neighbours include padding (ghost) atoms.
    [[nodiscard]] int n_particles() const { return n_particles_; }
    [[nodiscard]] double cutoff() const { return cutoff_; }
    /// Neighbours of atom i are entries [begin(i), end(i)) of the arrays below.
    [[nodiscard]] int begin(int i) const { return offsets_[i]; }
    [[nodiscard]] int end(int i) const { return offsets_[i + 1]; }
    [[nodiscard]] int count(int i) const { return offsets_[i + 1] - offsets_[i]; }
    [[nodiscard]] int total_pairs() const { return offsets_.back(); }
    [[nodiscard]] int max_count() const { return max_count_; }

    /// Index (0 .. n_atoms−1) of the atom that neighbour entry k is an image of.
    [[nodiscard]] const std::vector<int>& index() const { return index_; }
    /// Components of r_ij per entry.
    [[nodiscard]] const std::vector<double>& dx() const { return dx_; }
    [[nodiscard]] const std::vector<double>& dy() const { return dy_; }
    [[nodiscard]] const std::vector<double>& dz() const { return dz_; }
    /// |r_ij| per entry.
    [[nodiscard]] const std::vector<double>& distance() const { return dist_; }
    [[nodiscard]] Eigen::Vector3d vector(int k) const { return {dx_[k], dy_[k], dz_[k]}; }

    /// A list given by a host program (e.g. LAMMPS through the KIM API), built centre by centre:
    /// start_explicit(), then for each centre i = 0, 1, ... its neighbours by add_pair() and
    /// end_centre().  Neighbour indices may refer to particles that are not centres (padding atoms
    /// of a domain decomposition), all below `n_particles`.  Hosts give neighbours within the
    /// cutoff plus a skin: pairs at or beyond the cutoff are dropped, as build() drops them, so the
    /// list is the same whoever made it.  Capacity is kept, so rebuilding every MD step is cheap.
    void start_explicit(int n_particles, double cutoff, const std::string& context = "configuration");
    /// Neighbour j of the current centre at r_ij = x_j − x_i.  Throws InputError if |r_ij| < kMinDistance.
    void add_pair(int j, double rx, double ry, double rz);
    /// Closes the current centre's neighbourhood (the next add_pair starts the next centre).
    void end_centre();

private:
    /// Empties the lists (keeping their capacity) for `n_particles` centres and `cutoff`.
    void reset(int n_particles, double cutoff);
    void build(int n_atoms, const double* positions, const double* lattice, double cutoff,
               const std::string& context);

    double cutoff_ = 0;
    int max_count_ = 0;
    int n_particles_ = 0;
    std::string context_;  ///< names the configuration in add_pair's errors
    std::vector<int> offsets_{0};
    std::vector<int> index_;
    std::vector<double> dx_, dy_, dz_, dist_;
};

}  // namespace mtpc
