// Cell-list construction of full neighbour lists for periodic triclinic and open configurations.
#include "mtpc/mtp/neighbor_list.hpp"

#include <Eigen/Dense>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

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

    const bool periodic = lattice != nullptr;
    Eigen::Matrix3d L = Eigen::Matrix3d::Zero();  // rows = lattice vectors
    auto x = [&](int i) { return Eigen::Vector3d(positions[3 * i], positions[3 * i + 1], positions[3 * i + 2]); };

    // Bin coordinate of every atom in [0, 1)^3 ("fractional") and the integer lattice shift that
    // brings the atom into the home cell (periodic), so that r_ij can be formed from the original
    // positions plus an integer combination of lattice vectors.
    std::vector<Eigen::Vector3d> frac(n);
    std::vector<Eigen::Vector3i> home_shift(n, Eigen::Vector3i::Zero());
    std::array<int, 3> nb{1, 1, 1};   // bins per direction
    std::array<int, 3> reach{1, 1, 1};  // bin offsets to scan per direction
    // A small relative margin so that rounding in the bin assignment can never hide a pair.
    const double safe_cutoff = cutoff * (1 + 1e-10);
    if (periodic) {
        for (int r = 0; r < 3; ++r)
            for (int c = 0; c < 3; ++c) L(r, c) = lattice[3 * r + c];
        const double volume = std::abs(L.determinant());
        if (!(volume > 1e-9) || !std::isfinite(volume))
            throw InputError(context + ": the Supercell is degenerate (zero or non-finite volume)");
        check_neighbor_density(n, volume, cutoff, context);
        const Eigen::Matrix3d inv = L.inverse();
        // Distance between opposite faces of the cell, per lattice direction.
        double height[3];
        for (int k = 0; k < 3; ++k) {
            const Eigen::Vector3d cross = L.row((k + 1) % 3).cross(L.row((k + 2) % 3)).transpose();
            height[k] = volume / cross.norm();
            nb[k] = bins_along(height[k], safe_cutoff);
        }
        limit_bins(nb, n);
        double visits = 1;  // bins scanned per atom
        for (int k = 0; k < 3; ++k) {
            // Bins of width height/nb; points whose bins differ by more than `reach` are farther
            // apart (perpendicular to the faces) than the cutoff.  Cells thinner than the cutoff
            // (nb = 1) need several images: reach = ceil(cutoff / height).
            const double r = std::max(1.0, std::ceil(safe_cutoff / (height[k] / nb[k])));
            visits *= 2 * r + 1;
            if (visits > kMaxBinVisits)
                throw InputError(fmt::format("{}: the cell is too thin for a cutoff of {:.4g} Å (height {:.3g} Å along "
                                             "lattice vector {}): a neighbour search would scan over {:.0e} images",
                                             context, cutoff, height[k], k + 1, kMaxBinVisits));
            reach[k] = int(r);
        }
        for (int i = 0; i < n; ++i) {
            Eigen::Vector3d s = (x(i).transpose() * inv).transpose();
            for (int k = 0; k < 3; ++k) {
                const double f = std::floor(s[k]);
                // The shift is an int; a million cells away is no longer a position in this cell.
                if (!(std::abs(f) <= 1e6))
                    throw InputError(fmt::format("{}: atom {} lies {:.3g} cells away from the Supercell along lattice "
                                                 "vector {} (at most 1e6 are supported)",
                                                 context, i + 1, f, k + 1));
                home_shift[i][k] = int(f);
                s[k] -= f;
            }
            frac[i] = s;
        }
    } else {
        Eigen::Vector3d lo = x(0), hi = x(0);
        for (int i = 1; i < n; ++i) {
            lo = lo.cwiseMin(x(i));
            hi = hi.cwiseMax(x(i));
        }
        const Eigen::Vector3d extent = hi - lo;
        for (int k = 0; k < 3; ++k) nb[k] = bins_along(extent[k], safe_cutoff);
        limit_bins(nb, n);
        for (int i = 0; i < n; ++i)
            for (int k = 0; k < 3; ++k) frac[i][k] = extent[k] > 0 ? (x(i)[k] - lo[k]) / extent[k] : 0.0;
    }

    // Counting sort of atoms into bins, keeping atom order inside a bin (deterministic lists).
    const int n_bins = nb[0] * nb[1] * nb[2];
    std::vector<int> bin_of(n), bin_start(n_bins + 1, 0), bin_atoms(n);
    for (int i = 0; i < n; ++i) {
        int b[3];
        for (int k = 0; k < 3; ++k) b[k] = std::min(nb[k] - 1, std::max(0, int(frac[i][k] * nb[k])));
        bin_of[i] = (b[0] * nb[1] + b[1]) * nb[2] + b[2];
        ++bin_start[bin_of[i] + 1];
    }
    for (int b = 0; b < n_bins; ++b) bin_start[b + 1] += bin_start[b];
    {
        std::vector<int> fill(bin_start.begin(), bin_start.end() - 1);
        for (int i = 0; i < n; ++i) bin_atoms[fill[bin_of[i]]++] = i;
    }

    const double cutoff2 = cutoff * cutoff;
    offsets_.reserve(n + 1);
    for (int i = 0; i < n; ++i) {
        const int bi = bin_of[i];
        const int b0 = bi / (nb[1] * nb[2]), b1 = (bi / nb[2]) % nb[1], b2 = bi % nb[2];
        const Eigen::Vector3d xi = x(i);
        for (int d0 = -reach[0]; d0 <= reach[0]; ++d0) {
            for (int d1 = -reach[1]; d1 <= reach[1]; ++d1) {
                for (int d2 = -reach[2]; d2 <= reach[2]; ++d2) {
                    const int t[3] = {b0 + d0, b1 + d1, b2 + d2};
                    int tb[3], image[3];
                    bool inside = true;
                    for (int k = 0; k < 3; ++k) {
                        image[k] = floor_div(t[k], nb[k]);
                        tb[k] = t[k] - image[k] * nb[k];
                        if (!periodic && image[k] != 0) inside = false;
                    }
                    if (!inside) continue;
                    const int target = (tb[0] * nb[1] + tb[1]) * nb[2] + tb[2];
                    for (int q = bin_start[target]; q < bin_start[target + 1]; ++q) {
                        const int j = bin_atoms[q];
                        Eigen::Vector3d r = x(j) - xi;
                        bool self = j == i;
                        if (periodic) {
                            // x_j's home image plus `image` cells, relative to x_i's home image.
                            const Eigen::Vector3i shift = Eigen::Vector3i(image[0], image[1], image[2]) -
                                                          home_shift[j] + home_shift[i];
                            if (shift != Eigen::Vector3i::Zero()) {
                                self = false;
                                r += (shift.cast<double>().transpose() * L).transpose();
                            }
                        }
                        if (self) continue;
                        const double r2 = r.squaredNorm();
                        if (r2 >= cutoff2) continue;
                        const double d = std::sqrt(r2);
                        if (d >= cutoff) continue;
                        if (d < kMinDistance)
                            throw InputError(fmt::format(
                                "{}: atoms {} and {}{} are {:.4g} Å apart (less than {} Å)", context, i + 1, j + 1,
                                j == i ? " (a periodic image of itself)" : "", d, kMinDistance));
                        index_.push_back(j);
                        dx_.push_back(r[0]);
                        dy_.push_back(r[1]);
                        dz_.push_back(r[2]);
                        dist_.push_back(d);
                    }
                }
            }
        }
        offsets_.push_back(int(index_.size()));
        max_count_ = std::max(max_count_, offsets_[i + 1] - offsets_[i]);
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
