// NeighborList against brute force (every atom, every image in a generous range) on random
// triclinic cells smaller and much larger than the cutoff and on open clusters; overlapping atoms
// are an InputError naming the configuration and the atoms.
#include <gtest/gtest.h>

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "mtpc/core/error.hpp"
#include "mtpc/mtp/neighbor_list.hpp"

namespace {

using Entry = std::tuple<int, long, long, long>;  // neighbour atom, r_ij rounded to 1e-9 Å

long key(double x) { return std::lround(x * 1e9); }

/// All (j, r_ij) with |r_ij| < cutoff for atom i, over images −R..R in every periodic direction,
/// where R is far more than needed (heights ≥ cutoff / R for the cells used here).
std::vector<std::vector<Entry>> brute_force(const mtpc::Configuration& cfg, double cutoff, int R) {
    const int n = cfg.size();
    std::vector<std::vector<Entry>> out(n);
    const int range = cfg.periodic ? R : 0;
    for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
            for (int a = -range; a <= range; ++a)
                for (int b = -range; b <= range; ++b)
                    for (int c = -range; c <= range; ++c) {
                        if (i == j && a == 0 && b == 0 && c == 0) continue;
                        const Eigen::Vector3d r = cfg.positions[j] - cfg.positions[i] +
                                                  (Eigen::RowVector3d(a, b, c) * cfg.lattice).transpose();
                        if (r.norm() < cutoff) out[i].emplace_back(j, key(r[0]), key(r[1]), key(r[2]));
                    }
    for (auto& v : out) std::sort(v.begin(), v.end());
    return out;
}

void expect_matches_brute_force(const mtpc::Configuration& cfg, double cutoff, int R, const std::string& what) {
    const mtpc::NeighborList nl(cfg, cutoff);
    const auto expected = brute_force(cfg, cutoff, R);
    ASSERT_EQ(nl.n_atoms(), cfg.size()) << what;
    std::size_t total = 0;
    for (int i = 0; i < cfg.size(); ++i) {
        std::vector<Entry> got;
        for (int k = nl.begin(i); k < nl.end(i); ++k) {
            got.emplace_back(nl.index()[k], key(nl.dx()[k]), key(nl.dy()[k]), key(nl.dz()[k]));
            EXPECT_NEAR(nl.distance()[k], nl.vector(k).norm(), 1e-12) << what;
        }
        std::sort(got.begin(), got.end());
        EXPECT_EQ(got, expected[i]) << what << ": atom " << i;
        total += got.size();
    }
    EXPECT_GT(total, 0u) << what << ": the test should have pairs";
}

mtpc::Configuration random_cell(std::mt19937& rng, int n, double size, bool periodic) {
    std::uniform_real_distribution<double> u(0, 1), skew(-0.4, 0.4);
    mtpc::Configuration cfg;
    cfg.periodic = periodic;
    cfg.lattice << size * (0.8 + 0.4 * u(rng)), 0, 0,           //
        size * skew(rng), size * (0.8 + 0.4 * u(rng)), 0,       //
        size * skew(rng), size * skew(rng), size * (0.8 + 0.4 * u(rng));
    while (cfg.size() < n) {
        // Fractional coordinates slightly outside [0, 1): atoms need not be wrapped.
        const Eigen::RowVector3d s(1.2 * u(rng) - 0.1, 1.2 * u(rng) - 0.1, 1.2 * u(rng) - 0.1);
        const Eigen::Vector3d x = (s * cfg.lattice).transpose();
        bool ok = true;
        for (const auto& y : cfg.positions) ok = ok && (x - y).norm() > 0.5;
        if (!ok) continue;
        cfg.positions.push_back(x);
        cfg.types.push_back(0);
    }
    return cfg;
}

TEST(NeighborList, SmallTriclinicCellsNeedManyImages) {
    std::mt19937 rng(1);
    for (int t = 0; t < 8; ++t) {
        // Cells of 1.6–3.6 Å with a 5 Å cutoff: up to several images per direction, self-images.
        const auto cfg = random_cell(rng, 1 + t % 3, 1.6 + 0.25 * t, true);
        expect_matches_brute_force(cfg, 5.0, 8, "small cell " + std::to_string(t));
    }
}

TEST(NeighborList, LargeTriclinicCellsUseBins) {
    std::mt19937 rng(2);
    for (int t = 0; t < 3; ++t) {
        const auto cfg = random_cell(rng, 250, 14.0 + 2 * t, true);
        expect_matches_brute_force(cfg, 4.5, 1, "large cell " + std::to_string(t));
    }
}

TEST(NeighborList, OpenConfigurations) {
    std::mt19937 rng(3);
    for (int t = 0; t < 3; ++t) {
        const auto cfg = random_cell(rng, 20 + 60 * t, 6.0 + 4 * t, false);
        expect_matches_brute_force(cfg, 4.0, 0, "open " + std::to_string(t));
    }
    // A single atom has no neighbours; an empty configuration is fine too.
    mtpc::Configuration one;
    one.positions = {Eigen::Vector3d(1, 2, 3)};
    one.types = {0};
    const mtpc::NeighborList nl(one, 5.0);
    EXPECT_EQ(nl.count(0), 0);
    EXPECT_EQ(mtpc::NeighborList(mtpc::Configuration{}, 5.0).n_atoms(), 0);
}

TEST(NeighborList, RawArraysMatchConfiguration) {
    std::mt19937 rng(4);
    const auto cfg = random_cell(rng, 30, 8.0, true);
    std::vector<double> pos;
    for (const auto& x : cfg.positions) pos.insert(pos.end(), {x[0], x[1], x[2]});
    double lat[9];
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c) lat[3 * r + c] = cfg.lattice(r, c);
    const mtpc::NeighborList a(cfg, 5.0), b(cfg.size(), pos.data(), lat, 5.0);
    EXPECT_EQ(a.index(), b.index());
    EXPECT_EQ(a.dx(), b.dx());
    EXPECT_EQ(a.distance(), b.distance());
}

TEST(NeighborList, ClosePairIsAnInputErrorNamingAtoms) {
    mtpc::Configuration cfg;
    cfg.positions = {Eigen::Vector3d(0, 0, 0), Eigen::Vector3d(3, 0, 0), Eigen::Vector3d(3.05, 0, 0)};
    cfg.types = {0, 0, 0};
    try {
        mtpc::NeighborList nl(cfg, 5.0, "configuration 7");
        FAIL() << "expected an InputError";
    } catch (const mtpc::InputError& e) {
        const std::string msg = e.what();
        EXPECT_NE(msg.find("configuration 7"), std::string::npos) << msg;
        EXPECT_NE(msg.find("atoms 2 and 3"), std::string::npos) << msg;
    }
    // An atom too close to its own periodic image (a degenerate, tiny lattice vector).
    mtpc::Configuration tiny;
    tiny.periodic = true;
    tiny.lattice << 0.05, 0, 0, 0, 3, 0, 0, 0, 3;
    tiny.positions = {Eigen::Vector3d(0, 0, 0)};
    tiny.types = {0};
    EXPECT_THROW(mtpc::NeighborList(tiny, 5.0), mtpc::InputError);
    // Far enough apart: no error.
    cfg.positions[2] = Eigen::Vector3d(3.2, 0, 0);
    EXPECT_NO_THROW(mtpc::NeighborList(cfg, 5.0));
}

}  // namespace

// Hostile geometry (issue 12): absurd sizes must neither crash nor hang nor exhaust memory.
TEST(NeighborList, HugeCellsAndFarApartAtomsHaveNoNeighbours) {
    for (const double size : {3e7, 1e8, 1e9, 1e12}) {
        mtpc::Configuration cell;
        cell.periodic = true;
        cell.lattice = Eigen::Matrix3d::Identity() * size;
        cell.positions = {Eigen::Vector3d(0, 0, 0), Eigen::Vector3d(size / 2, size / 3, 1.0)};
        cell.types = {0, 0};
        const mtpc::NeighborList periodic(cell, 5.0);
        EXPECT_EQ(periodic.begin(1) - periodic.begin(0), 0) << "cubic cell of " << size << " Å";
        mtpc::Configuration open = cell;
        open.periodic = false;
        open.positions.push_back(Eigen::Vector3d(size, size, size));
        open.positions.push_back(Eigen::Vector3d(size, size, size + 2.0));
        open.types = {0, 0, 0, 0};
        const mtpc::NeighborList cluster(open, 5.0);
        EXPECT_EQ(cluster.end(3) - cluster.begin(3), 1) << "open atoms " << size << " Å apart";
    }
}

TEST(NeighborList, CutoffTooLargeForTheCellIsAnInputErrorSayingTheBound) {
    mtpc::Configuration cfg;
    cfg.periodic = true;
    cfg.lattice = Eigen::Matrix3d::Identity() * 3.2;
    cfg.positions = {Eigen::Vector3d(0, 0, 0), Eigen::Vector3d(1.6, 1.6, 1.6)};
    cfg.types = {0, 0};
    EXPECT_NO_THROW(mtpc::NeighborList(cfg, 20.0));  // ~2,000 neighbours per atom: fine
    for (const double cutoff : {200.0, 1e6}) {
        try {
            mtpc::NeighborList nl(cfg, cutoff, "x.cfg: configuration 1");
            ADD_FAILURE() << "cutoff " << cutoff << " accepted";
        } catch (const mtpc::InputError& e) {
            const std::string what = e.what();
            EXPECT_NE(what.find("x.cfg: configuration 1"), std::string::npos) << what;
            EXPECT_NE(what.find("neighbours per atom"), std::string::npos) << what;
            EXPECT_NE(what.find("1e+05"), std::string::npos) << what;
        }
    }
}

// Found by fuzz_cfg: a cell far thinner than the cutoff in one direction (volume still positive)
// made the image range overflow an int and the scan run without end.
TEST(NeighborList, CellThinnerThanAnyAtomIsAnInputErrorNotAHang) {
    mtpc::Configuration cfg;
    cfg.periodic = true;
    cfg.lattice << 1e-9, 0, 0,  //
        0, 1e5, 0,              //
        0, 0, 1e5;
    cfg.positions = {Eigen::Vector3d(0, 0, 0)};
    cfg.types = {0};
    try {
        mtpc::NeighborList nl(cfg, 5.0, "thin.cfg: configuration 1");
        ADD_FAILURE() << "accepted";
    } catch (const mtpc::InputError& e) {
        EXPECT_NE(std::string(e.what()).find("the cell is too thin"), std::string::npos) << e.what();
    }
}

// Found by fuzz_cfg: an atom 10^10 cells away from its Supercell overflowed the integer image shift.
TEST(NeighborList, AtomFarOutsideItsCellIsAnInputError) {
    mtpc::Configuration cfg;
    cfg.periodic = true;
    cfg.lattice = Eigen::Matrix3d::Identity() * 3.0;
    cfg.positions = {Eigen::Vector3d(0, 0, 0), Eigen::Vector3d(3e10, 1.5, 1.5)};
    cfg.types = {0, 0};
    try {
        mtpc::NeighborList nl(cfg, 5.0, "far.cfg: configuration 1");
        ADD_FAILURE() << "accepted";
    } catch (const mtpc::InputError& e) {
        EXPECT_NE(std::string(e.what()).find("atom 2 lies 1e+10 cells away"), std::string::npos) << e.what();
    }
}
