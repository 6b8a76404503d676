// Cell-list construction of full neighbour lists for periodic triclinic and open configurations.
#include "mtpc/mtp/neighbor_list.hpp"

#include <Eigen/Dense>
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <vector>

#include "mtpc/core/error.hpp"

namespace mtpc {

namespace {

/// Floor division for possibly negative numerators (C++ rounds towards zero).
int floor_div(int a, int b) { return a >= 0 ? a / b : -((-a + b - 1) / b); }

/// Bins of at least one cutoff along a length; clamped so that the grid's size stays an int even
/// for absurd lengths (limit_bins then shrinks it further).
int bins_along(double length, double cutoff) {
    const double bins = std::floor(length / cutoff);
    return bins >= 1 ? int(std::min(bins, double(1 << 20))) : 1;
}

/// Keeps the bin grid proportional to the atom count: big, sparse cells would otherwise
/// allocate (and scan) many empty bins.  Halving a bin count only widens bins, which keeps
/// every bin at least one cutoff wide, so correctness does not depend on this.  The product is
/// formed in floating point: three counts of 10^6 overflow a 64-bit integer.
void limit_bins(std::array<int, 3>& nb, int n_atoms) {
    const double limit = 4.0 * n_atoms + 64;
    while (double(nb[0]) * nb[1] * nb[2] > limit) {
        int k = int(std::max_element(nb.begin(), nb.end()) - nb.begin());
        nb[k] = std::max(1, nb[k] / 2);
    }
}

/// Bins (periodic images of the cell's bins) scanned per atom at most: a 2 Å cell with a 20 Å
/// cutoff scans 21³ ≈ 10⁴; a cell a millionth of an Ångström thin would scan without end.
constexpr double kMaxBinVisits = 1e6;

/// Refuses a periodic cutoff whose lists could not be held: the expected neighbour count per atom
/// is the atom density times the cutoff sphere's volume.
void check_neighbor_density(int n, double volume, double cutoff, const std::string& context) {
    const double expected = n / volume * (4.0 / 3.0) * M_PI * cutoff * cutoff * cutoff;
    if (expected > NeighborList::kMaxNeighborsPerAtom)
        throw InputError(fmt::format("{}: a cutoff of {:.4g} Å gives about {:.3g} neighbours per atom in this cell "
                                     "(at most {:.0e} are supported)",
                                     context, cutoff, expected, NeighborList::kMaxNeighborsPerAtom));
}

Eigen::Vector3d position(const double* positions, int i) {
    return {positions[3 * i], positions[3 * i + 1], positions[3 * i + 2]};
}

/// Where every atom sits in a grid of bins at least one cutoff wide: bins per lattice direction
/// (periodic) or per Cartesian axis (open), how many bins to scan each way, each atom's bin
/// coordinate in [0, 1)^3 ("fractional") and, periodic, the integer lattice shift that brings it
/// into the home cell, so that r_ij is formed from the original positions plus an integer
/// combination of lattice vectors.
struct BinGrid {
    bool periodic = false;
    Eigen::Matrix3d lattice = Eigen::Matrix3d::Zero();  ///< rows = lattice vectors
    std::array<int, 3> bins{1, 1, 1};
    std::array<int, 3> reach{1, 1, 1};
    std::vector<Eigen::Vector3d> frac;
    std::vector<Eigen::Vector3i> home_shift;
};

/// Bins of width height/bins along each lattice direction: points whose bins differ by more than
/// `reach` are farther apart (perpendicular to the faces) than the cutoff.  Cells thinner than the
/// cutoff (one bin) need several images: reach = ceil(cutoff / height).
void choose_periodic_bins(BinGrid& g, int n, double volume, double cutoff, double safe_cutoff,
                          const std::string& context) {
    double height[3];  // distance between opposite faces, per lattice direction
    for (int k = 0; k < 3; ++k) {
        const Eigen::Vector3d cross = g.lattice.row((k + 1) % 3).cross(g.lattice.row((k + 2) % 3)).transpose();
        height[k] = volume / cross.norm();
        g.bins[k] = bins_along(height[k], safe_cutoff);
    }
    limit_bins(g.bins, n);
    double visits = 1;  // bins scanned per atom
    for (int k = 0; k < 3; ++k) {
        const double r = std::max(1.0, std::ceil(safe_cutoff / (height[k] / g.bins[k])));
        visits *= 2 * r + 1;
        if (visits > kMaxBinVisits)
            throw InputError(fmt::format("{}: the cell is too thin for a cutoff of {:.4g} Å (height {:.3g} Å along "
                                         "lattice vector {}): a neighbour search would scan over {:.0e} images",
                                         context, cutoff, height[k], k + 1, kMaxBinVisits));
        g.reach[k] = int(r);
    }
}

BinGrid periodic_grid(int n, const double* positions, const double* lattice, double cutoff, double safe_cutoff,
                      const std::string& context) {
    BinGrid g;
    g.periodic = true;
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c) g.lattice(r, c) = lattice[3 * r + c];
    const double volume = std::abs(g.lattice.determinant());
    if (!(volume > 1e-9) || !std::isfinite(volume))
        throw InputError(context + ": the Supercell is degenerate (zero or non-finite volume)");
    check_neighbor_density(n, volume, cutoff, context);
    choose_periodic_bins(g, n, volume, cutoff, safe_cutoff, context);
    const Eigen::Matrix3d inv = g.lattice.inverse();
    g.frac.resize(n);
    g.home_shift.assign(n, Eigen::Vector3i::Zero());
    for (int i = 0; i < n; ++i) {
        Eigen::Vector3d s = (position(positions, i).transpose() * inv).transpose();
        for (int k = 0; k < 3; ++k) {
            const double f = std::floor(s[k]);
            // The shift is an int; a million cells away is no longer a position in this cell.
            if (!(std::abs(f) <= 1e6))
                throw InputError(fmt::format("{}: atom {} lies {:.3g} cells away from the Supercell along lattice "
                                             "vector {} (at most 1e6 are supported)",
                                             context, i + 1, f, k + 1));
            g.home_shift[i][k] = int(f);
            s[k] -= f;
        }
        g.frac[i] = s;
    }
    return g;
}

/// Open boundaries: bins along the Cartesian axes of the atoms' bounding box.
BinGrid open_grid(int n, const double* positions, double safe_cutoff) {
    BinGrid g;
    Eigen::Vector3d lo = position(positions, 0), hi = lo;
    for (int i = 1; i < n; ++i) {
        lo = lo.cwiseMin(position(positions, i));
        hi = hi.cwiseMax(position(positions, i));
    }
    const Eigen::Vector3d extent = hi - lo;
    for (int k = 0; k < 3; ++k) g.bins[k] = bins_along(extent[k], safe_cutoff);
    limit_bins(g.bins, n);
    g.frac.resize(n);
    for (int i = 0; i < n; ++i)
        for (int k = 0; k < 3; ++k) g.frac[i][k] = extent[k] > 0 ? (position(positions, i)[k] - lo[k]) / extent[k] : 0.0;
    return g;
}

/// Atoms sorted into bins by a counting sort that keeps atom order inside a bin, so that lists
/// are deterministic: bin b holds atoms[bin_start[b] .. bin_start[b+1]).
struct BinnedAtoms {
    std::vector<int> bin_of, bin_start, atoms;
};

BinnedAtoms sort_into_bins(const BinGrid& g) {
    const int n = int(g.frac.size());
    const auto& nb = g.bins;
    BinnedAtoms s;
    s.bin_of.resize(n);
    s.bin_start.assign(std::size_t(nb[0]) * nb[1] * nb[2] + 1, 0);
    s.atoms.resize(n);
    for (int i = 0; i < n; ++i) {
        int b[3];
        for (int k = 0; k < 3; ++k) b[k] = std::min(nb[k] - 1, std::max(0, int(g.frac[i][k] * nb[k])));
        s.bin_of[i] = (b[0] * nb[1] + b[1]) * nb[2] + b[2];
        ++s.bin_start[s.bin_of[i] + 1];
    }
    for (std::size_t b = 0; b + 1 < s.bin_start.size(); ++b) s.bin_start[b + 1] += s.bin_start[b];
    std::vector<int> fill(s.bin_start.begin(), s.bin_start.end() - 1);
    for (int i = 0; i < n; ++i) s.atoms[fill[s.bin_of[i]]++] = i;
    return s;
}

/// Calls visit(j, self, r_ij) for every atom j, or periodic image of j, in the bins within reach
/// of atom i's bin; `self` marks i itself in its home image (not a neighbour).  Candidates may be
/// beyond the cutoff: the caller filters by distance.
template <typename Visit>
void for_each_candidate(int i, const double* positions, const BinGrid& g, const BinnedAtoms& binned, Visit&& visit) {
    const auto& nb = g.bins;
    const int bi = binned.bin_of[i];
    const int home[3] = {bi / (nb[1] * nb[2]), (bi / nb[2]) % nb[1], bi % nb[2]};
    const Eigen::Vector3d xi = position(positions, i);
    for (int d0 = -g.reach[0]; d0 <= g.reach[0]; ++d0)
        for (int d1 = -g.reach[1]; d1 <= g.reach[1]; ++d1)
            for (int d2 = -g.reach[2]; d2 <= g.reach[2]; ++d2) {
                const int t[3] = {home[0] + d0, home[1] + d1, home[2] + d2};
                int tb[3], image[3];
                bool inside = true;
                for (int k = 0; k < 3; ++k) {
                    image[k] = floor_div(t[k], nb[k]);
                    tb[k] = t[k] - image[k] * nb[k];
                    if (!g.periodic && image[k] != 0) inside = false;
                }
                if (!inside) continue;
                const int target = (tb[0] * nb[1] + tb[1]) * nb[2] + tb[2];
                for (int q = binned.bin_start[target]; q < binned.bin_start[target + 1]; ++q) {
                    const int j = binned.atoms[q];
                    Eigen::Vector3d r = position(positions, j) - xi;
                    bool self = j == i;
                    if (g.periodic) {
                        // x_j's home image plus `image` cells, relative to x_i's home image.
                        const Eigen::Vector3i shift =
                            Eigen::Vector3i(image[0], image[1], image[2]) - g.home_shift[j] + g.home_shift[i];
                        if (shift != Eigen::Vector3i::Zero()) {
                            self = false;
                            r += (shift.cast<double>().transpose() * g.lattice).transpose();
                        }
                    }
                    visit(j, self, r);
                }
            }
}


}  // namespace

NeighborList::NeighborList(const Configuration& cfg, double cutoff, const std::string& context) {
    const int n = cfg.size();
    std::vector<double> pos(3 * std::size_t(n));
    for (int i = 0; i < n; ++i)
        for (int a = 0; a < 3; ++a) pos[3 * i + a] = cfg.positions[i][a];
    // Eigen stores column-major; the lattice rows are the lattice vectors.
    double lat[9];
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c) lat[3 * r + c] = cfg.lattice(r, c);
    build(n, pos.data(), cfg.periodic ? lat : nullptr, cutoff, context);
}

NeighborList::NeighborList(int n_atoms, const double* positions, const double* lattice, double cutoff,
                           const std::string& context) {
    build(n_atoms, positions, lattice, cutoff, context);
}

void NeighborList::reset(int n_particles, double cutoff) {
    cutoff_ = cutoff;
    n_particles_ = std::max(n_particles, 0);
    offsets_.assign(1, 0);
    index_.clear();
    dx_.clear();
    dy_.clear();
    dz_.clear();
    dist_.clear();
    max_count_ = 0;
}

void NeighborList::build(int n, const double* positions, const double* lattice, double cutoff,
                         const std::string& context) {
    reset(n, cutoff);
    if (n <= 0) return;
    if (!(cutoff > 0)) throw InputError(context + ": the cutoff must be positive");
    // A small relative margin so that rounding in the bin assignment can never hide a pair.
    const double safe_cutoff = cutoff * (1 + 1e-10);
    const BinGrid grid = lattice != nullptr ? periodic_grid(n, positions, lattice, cutoff, safe_cutoff, context)
                                            : open_grid(n, positions, safe_cutoff);
    const BinnedAtoms binned = sort_into_bins(grid);
    const double cutoff2 = cutoff * cutoff;
    offsets_.reserve(std::size_t(n) + 1);
    for (int i = 0; i < n; ++i) {
        for_each_candidate(i, positions, grid, binned, [&](int j, bool self, const Eigen::Vector3d& r) {
            if (self) return;
            const double r2 = r.squaredNorm();
            if (r2 >= cutoff2) return;
            const double d = std::sqrt(r2);
            if (d >= cutoff) return;
            if (d < kMinDistance)
                throw InputError(fmt::format("{}: atoms {} and {}{} are {:.4g} Å apart (less than {} Å)", context, i + 1,
                                             j + 1, j == i ? " (a periodic image of itself)" : "", d, kMinDistance));
            index_.push_back(j);
            dx_.push_back(r[0]);
            dy_.push_back(r[1]);
            dz_.push_back(r[2]);
            dist_.push_back(d);
        });
        end_centre();
    }
}

void NeighborList::start_explicit(int n_particles, double cutoff, const std::string& context) {
    if (!(cutoff > 0)) throw InputError(context + ": the cutoff must be positive");
    reset(n_particles, cutoff);
    context_ = context;
}

void NeighborList::add_pair(int j, double rx, double ry, double rz) {
    const double r2 = rx * rx + ry * ry + rz * rz;
    if (r2 >= cutoff_ * cutoff_) return;
    const double d = std::sqrt(r2);
    if (d >= cutoff_) return;
    if (j < 0 || j >= n_particles_)
        throw InputError(fmt::format("{}: neighbour index {} outside 0..{}", context_, j, n_particles_ - 1));
    if (d < kMinDistance)
        throw InputError(fmt::format("{}: particles {} and {} are {:.4g} Å apart (less than {} Å)", context_,
                                     n_atoms() + 1, j + 1, d, kMinDistance));
    index_.push_back(j);
    dx_.push_back(rx);
    dy_.push_back(ry);
    dz_.push_back(rz);
    dist_.push_back(d);
}

void NeighborList::end_centre() {
    offsets_.push_back(int(index_.size()));
    const int i = n_atoms() - 1;
    max_count_ = std::max(max_count_, offsets_[i + 1] - offsets_[i]);
}

}  // namespace mtpc
