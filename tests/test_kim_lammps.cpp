// mtpc potentials in a stock LAMMPS through the KIM API: `mtpc export-kim --install user` puts the
// driver and a model into a KIM user collection (HOME is a temporary directory, never the real
// one), and Debian's `lmp` runs them with `kim init` / `kim interactions`.
//
// What is checked:
//   - `run 0` gives the total energy, every force, the pressure tensor (LAMMPS's virial / V in
//     bar), the per-atom energies and the per-atom virials (their sum) of `mtpc calc-efs` and
//     MtpModel, to 1e-9 relative, on orthogonal and triclinic periodic cells, a cell smaller than
//     twice the cutoff, a slab (p p f) and a non-periodic cluster, on 1 and on 2 MPI ranks;
//   - potentials of 1, 2, 3 and 4 species, species given to `kim interactions` in another order
//     or as a subset, and MF- and TT-compressed potentials (exported from parameters.json / .mtp);
//   - NVE MD conserves energy (bound justified at the test);
//   - bad input ends with a LAMMPS error naming the cause, not a crash.
//
// Potentials: a random 2-species "teacher" MTP and compressed fits made here (always run); MLIP-2
// reference potentials of ../shared/reference/mlip2 for 1, 3 and 4 species and MD (skipped,
// naming the path, when absent).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <numeric>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "mtpc/io/cfg_io.hpp"
#include "mtpc/io/mtp_io.hpp"
#include "mtpc/mtp/mtp_model.hpp"
#include "teacher_manifest.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;
using mtpc::test::CommandResult;
using mtpc::test::run_command;
using mtpc::test::shared_path;

namespace {

/// LAMMPS's conversion of eV/Å³ to bar in `units metal` (force->nktv2p).
constexpr double kNktv2p = 1.6021765e6;
/// Different summation orders (LAMMPS's neighbour order, ghost forces added by reverse
/// communication) change the last bits only; anything of physical meaning is far above this.
constexpr double kRelTol = 1e-9;

std::string quote(const std::string& s) { return "'" + s + "'"; }

/// A configuration and how LAMMPS sees its box.
struct Structure {
    mtpc::Configuration cfg;  ///< positions inside the box; cfg.periodic for p p p and p p f
    std::string boundary = "p p p";
    /// LAMMPS box: origin and edge rows (a along x, b in the xy plane: LAMMPS's triclinic form).
    Eigen::Vector3d origin = Eigen::Vector3d::Zero();
    Eigen::Matrix3d box = Eigen::Matrix3d::Zero();
};

/// `reps` copies of a unit cell (rows: LAMMPS-form edge vectors) with the fractional `basis`,
/// random types 0..n_types−1 and a uniform random displacement of up to `noise` Å per component.
Structure crystal(const Eigen::Matrix3d& unit, const std::vector<Eigen::Vector3d>& basis, std::array<int, 3> reps,
                  int n_types, double noise, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::uniform_int_distribution<int> type(0, n_types - 1);
    Structure s;
    for (int r = 0; r < 3; ++r) s.box.row(r) = unit.row(r) * reps[r];
    s.cfg.periodic = true;
    s.cfg.lattice = s.box;
    const Eigen::Matrix3d inv = s.box.inverse();
    for (int i = 0; i < reps[0]; ++i)
        for (int j = 0; j < reps[1]; ++j)
            for (int k = 0; k < reps[2]; ++k)
                for (const auto& b : basis) {
                    Eigen::Vector3d x = ((Eigen::Vector3d(i, j, k) + b).transpose() * unit).transpose();
                    x += noise * Eigen::Vector3d(u(rng), u(rng), u(rng));
                    // Wrapped into the box, so LAMMPS and mtpc start from the same coordinates.
                    Eigen::Vector3d f = (x.transpose() * inv).transpose();
                    for (int c = 0; c < 3; ++c) f[c] -= std::floor(f[c]);
                    s.cfg.positions.push_back((f.transpose() * s.box).transpose());
                    s.cfg.types.push_back(type(rng));
                    s.cfg.ids.push_back(int(s.cfg.ids.size()) + 1);
                }
    return s;
}

Eigen::Matrix3d cubic(double a) { return Eigen::Matrix3d::Identity() * a; }
const std::vector<Eigen::Vector3d> kSimpleCubic{{0, 0, 0}};
const std::vector<Eigen::Vector3d> kBcc{{0, 0, 0}, {0.5, 0.5, 0.5}};
const std::vector<Eigen::Vector3d> kFcc{{0, 0, 0}, {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5}};
const std::vector<Eigen::Vector3d> kRockSalt{{0, 0, 0},   {0.5, 0.5, 0}, {0.5, 0, 0.5}, {0, 0.5, 0.5},
                                             {0.5, 0, 0}, {0, 0.5, 0},   {0, 0, 0.5},   {0.5, 0.5, 0.5}};

/// A slab: periodic in x and y, `vacuum` Å of empty space above the atoms in z (more than the
/// cutoff, so the .cfg's periodic image in z does not interact: the same system as LAMMPS's p p f).
Structure slab(Structure s, double vacuum) {
    double top = 0;
    for (const auto& x : s.cfg.positions) top = std::max(top, x[2]);
    s.box(2, 2) = top + vacuum;
    s.cfg.lattice = s.box;
    s.boundary = "p p f";
    return s;
}

/// A non-periodic cluster: the atoms of `s` within `radius` of its centre, in a LAMMPS box with
/// 3 Å of margin (f f f).
Structure cluster(const Structure& s, double radius) {
    Structure c;
    const Eigen::Vector3d centre = 0.5 * (s.box.row(0) + s.box.row(1) + s.box.row(2)).transpose();
    for (int i = 0; i < s.cfg.size(); ++i)
        if ((s.cfg.positions[i] - centre).norm() < radius) {
            c.cfg.positions.push_back(s.cfg.positions[i]);
            c.cfg.types.push_back(s.cfg.types[i]);
            c.cfg.ids.push_back(int(c.cfg.ids.size()) + 1);
        }
    Eigen::Vector3d lo = c.cfg.positions[0], hi = lo;
    for (const auto& x : c.cfg.positions) {
        lo = lo.cwiseMin(x);
        hi = hi.cwiseMax(x);
    }
    c.origin = lo.array() - 3.0;
    c.box = (hi - lo).array().matrix().asDiagonal();
    c.box += Eigen::Matrix3d::Identity() * 6.0;
    c.boundary = "f f f";
    return c;
}

std::string lammps_data(const Structure& s, int n_types, const std::vector<int>& type_of) {
    std::ostringstream o;
    o.precision(17);
    const Eigen::Matrix3d& L = s.box;
    o << "mtpc test structure\n\n" << s.cfg.size() << " atoms\n" << n_types << " atom types\n\n";
    o << s.origin[0] << ' ' << s.origin[0] + L(0, 0) << " xlo xhi\n";
    o << s.origin[1] << ' ' << s.origin[1] + L(1, 1) << " ylo yhi\n";
    o << s.origin[2] << ' ' << s.origin[2] + L(2, 2) << " zlo zhi\n";
    if (L(1, 0) != 0 || L(2, 0) != 0 || L(2, 1) != 0) o << L(1, 0) << ' ' << L(2, 0) << ' ' << L(2, 1) << " xy xz yz\n";
    o << "\nAtoms # atomic\n\n";
    for (int i = 0; i < s.cfg.size(); ++i)
        o << i + 1 << ' ' << type_of[s.cfg.types[i]] + 1 << ' ' << s.cfg.positions[i][0] << ' '
          << s.cfg.positions[i][1] << ' ' << s.cfg.positions[i][2] << '\n';
    return o.str();
}

/// What LAMMPS computed in `run 0`.
struct LammpsResult {
    CommandResult run;
    double energy = NAN, volume = NAN;
    std::array<double, 6> pressure{};                      ///< bar: xx yy zz yz xz xy
    std::vector<Eigen::Vector3d> forces;                   ///< by atom id
    std::vector<double> atom_energy;                       ///< compute pe/atom
    std::array<double, 6> atom_virial_sum{};               ///< Σ compute stress/atom (bar·Å³)
};

/// The KIM user collection of this test process, in a temporary HOME, and the commands run in it.
class KimCollection {
public:
    KimCollection() : home_("mtpc_kim_home_") {}
    [[nodiscard]] const fs::path& home() const { return home_.path(); }
    /// `cmd` with HOME pointing at the temporary collection and no KIM_API_* collection variables.
    [[nodiscard]] std::string env(const std::string& cmd) const {
        return "env -u KIM_API_MODEL_DRIVERS_DIR -u KIM_API_PORTABLE_MODELS_DIR -u KIM_API_SIMULATOR_MODELS_DIR "
               "-u KIM_API_CONFIGURATION_FILE HOME=" +
               quote(home().string()) + " " + cmd;
    }
    CommandResult export_model(const std::string& potential, const std::string& species, const std::string& name,
                               const fs::path& out) const {
        return run_command(env(quote(MTPC_EXE) + " export-kim " + quote(potential) + " --species " + species +
                               " --name " + name + " " + quote(out.string()) + " --install user"));
    }

private:
    mtpc::test::TempDir home_;
};

/// Runs LAMMPS (on `ranks` MPI ranks) on `s` with model `model`: `kim interactions` gets
/// `species` (LAMMPS type t+1 is species[t]); `type_of` maps the configuration's types (the
/// potential's) to LAMMPS types.
LammpsResult run_lammps(const KimCollection& kim, const fs::path& dir, const std::string& model, const Structure& s,
                        const std::vector<std::string>& species, const std::vector<int>& type_of, int ranks) {
    fs::create_directories(dir);
    std::ofstream(dir / "data.lmp") << lammps_data(s, int(species.size()), type_of);
    std::string interactions;
    for (const auto& sp : species) interactions += " " + sp;
    std::ofstream(dir / "in.lmp") << "units metal\natom_style atomic\nboundary " << s.boundary
                                  << "\nkim init " << model << " metal\nread_data data.lmp\nkim interactions"
                                  << interactions << "\nmass * 1.0\n"
                                  << "compute pea all pe/atom\ncompute sa all stress/atom NULL virial\n"
                                     "thermo_style custom step pe pxx pyy pzz pyz pxz pxy vol\n"
                                     "dump d all custom 1 atoms.dump id fx fy fz c_pea c_sa[1] c_sa[2] c_sa[3] "
                                     "c_sa[6] c_sa[5] c_sa[4]\n"
                                     "dump_modify d format float %.17g sort id\n"
                                     "run 0\n";
    for (const char* v : {"pe", "pxx", "pyy", "pzz", "pyz", "pxz", "pxy", "vol"})
        std::ofstream(dir / "in.lmp", std::ios::app)
            << "variable " << v << "_ equal " << v << "\nvariable " << v << "_s format " << v << "_ %.17g\n";
    std::ofstream(dir / "in.lmp", std::ios::app)
        << "print \"MTPC_RESULT ${pe_s} ${pxx_s} ${pyy_s} ${pzz_s} ${pyz_s} ${pxz_s} ${pxy_s} ${vol_s}\"\n";
    const std::string lmp = ranks > 1 ? "mpirun --allow-run-as-root --oversubscribe -np " + std::to_string(ranks) + " lmp"
                                      : "lmp";
    LammpsResult r;
    r.run = run_command("cd " + quote(dir.string()) + " && " + kim.env(lmp + " -in in.lmp -log none"));
    const auto at = r.run.out.find("\nMTPC_RESULT ");
    if (r.run.status != 0 || at == std::string::npos) return r;
    std::istringstream line(r.run.out.substr(at + 13));
    line >> r.energy;
    for (double& p : r.pressure) line >> p;
    line >> r.volume;
    std::ifstream dump(dir / "atoms.dump");
    std::string text;
    while (std::getline(dump, text) && text.rfind("ITEM: ATOMS", 0) != 0) {
    }
    for (int i = 0; i < s.cfg.size(); ++i) {
        int id;
        Eigen::Vector3d f;
        double e;
        std::array<double, 6> v;
        dump >> id >> f[0] >> f[1] >> f[2] >> e;
        for (double& c : v) dump >> c;
        r.forces.push_back(f);
        r.atom_energy.push_back(e);
        for (int c = 0; c < 6; ++c) r.atom_virial_sum[c] += v[c];
    }
    return r;
}

/// |a − b| ≤ kRelTol · scale, where scale is the largest magnitude of the reference quantity (a
/// force field or a tensor: components that vanish by symmetry are held to the same scale).
double max_abs(const std::vector<double>& v) {
    double m = 0;
    for (double x : v) m = std::max(m, std::abs(x));
    return m;
}

/// Compares LAMMPS with `mtpc calc-efs` (energy, forces, PlusStress) and MtpModel (site energies).
void expect_matches_mtpc(const LammpsResult& l, const Structure& s, const std::string& potential,
                         const fs::path& dir) {
    ASSERT_EQ(l.run.status, 0) << l.run.out;
    ASSERT_TRUE(std::isfinite(l.energy)) << l.run.out;
    mtpc::write_cfg((dir / "in.cfg").string(), {s.cfg});
    const CommandResult efs = run_command(quote(MTPC_EXE) + " calc-efs " + quote(potential) + " " +
                                          quote((dir / "in.cfg").string()) + " " + quote((dir / "out.cfg").string()));
    ASSERT_EQ(efs.status, 0) << efs.out;
    const mtpc::Configuration ref = mtpc::read_cfg((dir / "out.cfg").string()).at(0);

    EXPECT_NEAR(l.energy, *ref.energy, kRelTol * std::abs(*ref.energy));
    std::vector<double> f_ref;
    for (const auto& f : ref.forces) f_ref.insert(f_ref.end(), {f[0], f[1], f[2]});
    const double f_scale = max_abs(f_ref);
    ASSERT_GT(f_scale, 1e-3) << "a force-free structure would test nothing";
    ASSERT_EQ(l.forces.size(), ref.forces.size());
    for (std::size_t i = 0; i < ref.forces.size(); ++i)
        for (int c = 0; c < 3; ++c)
            EXPECT_NEAR(l.forces[i][c], ref.forces[i][c], kRelTol * f_scale) << "atom " << i + 1 << " component " << c;

    // LAMMPS's virial is MLIP-2's PlusStress: P = W / V (no kinetic part at 0 K).
    const std::vector<double> w_ref(ref.plus_stress->begin(), ref.plus_stress->end());
    const double w_scale = max_abs(w_ref);
    for (int c = 0; c < 6; ++c) {
        EXPECT_NEAR(l.pressure[c] * l.volume / kNktv2p, w_ref[c], kRelTol * w_scale) << "virial component " << c;
        // compute stress/atom is −(per-atom virial) in bar·Å³: its sum is −P V.
        EXPECT_NEAR(-l.atom_virial_sum[c] / kNktv2p, w_ref[c], kRelTol * w_scale) << "per-atom virial sum " << c;
    }
    if (s.cfg.periodic) {
        EXPECT_NEAR(l.volume, s.cfg.volume(), 1e-9 * s.cfg.volume());
    }

    const mtpc::MtpModel model(mtpc::read_mtp(potential));
    const mtpc::EfsResult own = model.compute_efs(s.cfg);
    const double e_scale = max_abs(own.site_energies);
    for (int i = 0; i < s.cfg.size(); ++i)
        EXPECT_NEAR(l.atom_energy[i], own.site_energies[i], kRelTol * e_scale) << "site energy of atom " << i + 1;
}

}  // namespace

namespace {

/// One KIM collection (in a temporary HOME) and work directory for the whole test program, so
/// every suite shares the models installed in it; removed when the program ends.
class KimEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        kim = std::make_unique<KimCollection>();
        work = std::make_unique<mtpc::test::TempDir>("mtpc_kim_work_");
        std::mt19937_64 rng(2024);
        mtpc::write_mtp((work->path() / "teacher.mtp").string(), mtpc::test::make_teacher_mtp(rng));
    }
    void TearDown() override {
        kim.reset();
        work.reset();
    }
    std::unique_ptr<KimCollection> kim;
    std::unique_ptr<mtpc::test::TempDir> work;
    std::map<std::string, std::string> installed;  ///< model name → potential
};
KimEnvironment* const kEnv =
    static_cast<KimEnvironment*>(::testing::AddGlobalTestEnvironment(new KimEnvironment));

class KimLammps : public ::testing::Test {
protected:
    /// Exports and installs `potential` as KIM model `name` (once); fails the test if that fails.
    static void install(const std::string& name, const std::string& potential, const std::string& species) {
        if (kEnv->installed.count(name)) return;
        const CommandResult r = kEnv->kim->export_model(potential, species, name, work() / ("export_" + name));
        ASSERT_EQ(r.status, 0) << r.out;
        kEnv->installed[name] = potential;
    }
    static fs::path work() { return kEnv->work->path(); }
    static std::string teacher() {
        install("mtpc_test_teacher", (work() / "teacher.mtp").string(), "Nb,Mo");
        return (work() / "teacher.mtp").string();
    }
    static fs::path case_dir(const std::string& name) { return work() / name; }

    /// Identity mapping of n species to LAMMPS types.
    static std::vector<int> identity(int n) {
        std::vector<int> v(n);
        for (int i = 0; i < n; ++i) v[i] = i;
        return v;
    }

    KimCollection& kim() { return *kEnv->kim; }
};

/// The geometries of the exactness checks, for the 2-species teacher (cutoff 4.6 Å; simple cubic
/// a = 2.9 Å puts 6 neighbours at 2.9 Å and 12 at 4.1 Å).
Structure geometry(const std::string& name) {
    if (name == "orthogonal") return crystal(cubic(2.9), kSimpleCubic, {4, 4, 4}, 2, 0.2, 1);
    if (name == "triclinic") {
        Eigen::Matrix3d unit;
        unit << 2.9, 0, 0, 0.6, 2.9, 0, -0.5, 0.4, 2.9;
        return crystal(unit, kSimpleCubic, {4, 4, 4}, 2, 0.2, 2);
    }
    // Edges 5.8 and 8.7 Å, below twice the cutoff (9.2 Å): atoms interact with several images
    // of one another.
    if (name == "small_cell") return crystal(cubic(2.9), kSimpleCubic, {2, 2, 3}, 2, 0.2, 3);
    // Edges 2.9 and 5.8 Å, below the cutoff itself: atoms see their own images.
    if (name == "cell_below_cutoff") return crystal(cubic(2.9), kSimpleCubic, {1, 1, 2}, 2, 0.2, 4);
    if (name == "slab") return slab(crystal(cubic(2.9), kSimpleCubic, {4, 4, 3}, 2, 0.2, 5), 6.0);
    if (name == "cluster") return cluster(crystal(cubic(2.9), kSimpleCubic, {5, 5, 5}, 2, 0.2, 6), 5.0);
    throw std::invalid_argument(name);
}

class KimGeometry : public KimLammps, public ::testing::WithParamInterface<std::tuple<const char*, int>> {};

TEST_P(KimGeometry, RunZeroMatchesCalcEfs) {
    const auto [name, ranks] = GetParam();
    const std::string pot = teacher();
    const Structure s = geometry(name);
    const fs::path dir = case_dir(std::string(name) + "_np" + std::to_string(ranks));
    const LammpsResult l = run_lammps(kim(), dir, "mtpc_test_teacher", s, {"Nb", "Mo"}, identity(2), ranks);
    expect_matches_mtpc(l, s, pot, dir);
}

INSTANTIATE_TEST_SUITE_P(Structures, KimGeometry,
                         ::testing::Combine(::testing::Values("orthogonal", "triclinic", "small_cell",
                                                              "cell_below_cutoff", "slab", "cluster"),
                                            ::testing::Values(1, 2)),
                         [](const auto& info) {
                             return std::string(std::get<0>(info.param)) + "_np" +
                                    std::to_string(std::get<1>(info.param));
                         });

/// An MLIP-2 reference potential of ../shared, run through KIM on `s`.
void check_reference(KimCollection& kim, const fs::path& dir, const std::string& model, const fs::path& pot,
                     const Structure& s, const std::vector<std::string>& species) {
    std::vector<int> id(species.size());
    for (std::size_t i = 0; i < id.size(); ++i) id[i] = int(i);
    const LammpsResult l = run_lammps(kim, dir, model, s, species, id, 1);
    expect_matches_mtpc(l, s, pot.string(), dir);
}

TEST_F(KimLammps, OneSpecies) {
    const fs::path pot = shared_path("reference/mlip2/cu_l16/pot.mtp");
    if (const auto missing = mtpc::test::missing_reference_data({pot})) GTEST_SKIP() << *missing;
    install("mtpc_test_cu", pot.string(), "Cu");
    check_reference(kim(), case_dir("cu"), "mtpc_test_cu", pot, crystal(cubic(3.615), kFcc, {3, 3, 3}, 1, 0.1, 7),
                    {"Cu"});
}

TEST_F(KimLammps, TwoSpecies) {
    const std::string pot = teacher();
    const Structure s = crystal(cubic(2.9), kSimpleCubic, {4, 4, 4}, 2, 0.2, 8);
    expect_matches_mtpc(run_lammps(kim(), case_dir("two"), "mtpc_test_teacher", s, {"Nb", "Mo"}, identity(2), 1), s,
                        pot, case_dir("two"));
}

TEST_F(KimLammps, ThreeSpecies) {
    const fs::path pot = shared_path("reference/mlip2/kcl_l08/pot.mtp");
    if (const auto missing = mtpc::test::missing_reference_data({pot})) GTEST_SKIP() << *missing;
    install("mtpc_test_kcl", pot.string(), "Cl,K,Th");
    check_reference(kim(), case_dir("kcl"), "mtpc_test_kcl", pot, crystal(cubic(6.3), kRockSalt, {2, 2, 2}, 3, 0.1, 9),
                    {"Cl", "K", "Th"});
}

TEST_F(KimLammps, FourSpecies) {
    const fs::path pot = shared_path("reference/mlip2/tacrvw_l20/pot.mtp");
    if (const auto missing = mtpc::test::missing_reference_data({pot})) GTEST_SKIP() << *missing;
    install("mtpc_test_tacrvw", pot.string(), "Ta,Cr,V,W");
    check_reference(kim(), case_dir("tacrvw"), "mtpc_test_tacrvw", pot,
                    crystal(cubic(3.1), kBcc, {3, 3, 3}, 4, 0.1, 10), {"Ta", "Cr", "V", "W"});
}

// LAMMPS types need not follow the potential's order, nor use all its species: `kim
// interactions W Ta` with a W-Ta structure must give what mtpc gives with W = type 3, Ta = type 0.
TEST_F(KimLammps, SpeciesReorderedAndSubset) {
    const fs::path pot = shared_path("reference/mlip2/tacrvw_l20/pot.mtp");
    if (const auto missing = mtpc::test::missing_reference_data({pot})) GTEST_SKIP() << *missing;
    install("mtpc_test_tacrvw", pot.string(), "Ta,Cr,V,W");
    Structure s = crystal(cubic(3.1), kBcc, {3, 3, 3}, 2, 0.1, 11);
    for (int& t : s.cfg.types) t = t == 0 ? 3 : 0;  // potential types W = 3, Ta = 0
    const std::vector<int> type_of{1, -1, -1, 0};   // Ta → LAMMPS type 2, W → LAMMPS type 1
    const LammpsResult l = run_lammps(kim(), case_dir("subset"), "mtpc_test_tacrvw", s, {"W", "Ta"}, type_of, 1);
    expect_matches_mtpc(l, s, pot.string(), case_dir("subset"));
}

/// MF- and TT-compressed fits of the teacher's data (a short BFGS run: the point is a
/// non-trivial compressed θ), exported from parameters.json (MF) and potential.mtp (TT).
TEST_F(KimLammps, CompressedPotentials) {
    const fs::path dir = case_dir("train");
    fs::create_directories(dir);
    mtpc::test::write_teacher_data_set(dir, /*seed=*/7, /*n_train=*/10, /*n_valid=*/5);
    const json manifest = mtpc::test::teacher_mf_tt_manifest(dir, dir / "runs", /*max_iterations=*/25, "mf", "tt");
    std::ofstream(dir / "fit.json") << manifest.dump(1);
    const CommandResult train = run_command(quote(MTPC_EXE) + " train " + quote((dir / "fit.json").string()));
    ASSERT_EQ(train.status, 0) << train.out;

    const fs::path mf = dir / "runs/mf/seed-3", tt = dir / "runs/tt/seed-3";
    install("mtpc_test_mf", (mf / "parameters.json").string(), "Nb,Mo");
    install("mtpc_test_tt", (tt / "potential.mtp").string(), "Nb,Mo");
    const Structure s = geometry("triclinic");
    for (const auto& [model, pot] : {std::pair{"mtpc_test_mf", mf}, std::pair{"mtpc_test_tt", tt}}) {
        SCOPED_TRACE(model);
        const LammpsResult l = run_lammps(kim(), case_dir(model), model, s, {"Nb", "Mo"}, identity(2), 2);
        expect_matches_mtpc(l, s, (pot / "potential.mtp").string(), case_dir(model));
    }
}

// NVE MD of fcc Cu (108 atoms, 600 K initial, i.e. ~300 K after equipartition); neighbour lists
// are rebuilt as atoms move.  (One rank: parallel forces are checked by the run-0 tests above,
// and MPI ranks that wait on each other make 1,000 steps slow on a loaded machine.)  Bound: velocity Verlet keeps the
// energy within O((ω dt)²) of the kinetic energy; Cu's highest phonon frequency 7.5 THz gives
// ω dt = 0.047 at 1 fs, (ω dt)² = 2.2e-3, times 3/2 k_B·300 K = 0.039 eV: 9e-5 eV/atom.  The
// drift (mean of the last against the first 100 steps) must be ten times smaller still: forces
// that are not exactly −∇E (a missing ghost contribution, a wrong pair term) drift far more.
TEST_F(KimLammps, NveConservesEnergy) {
    const fs::path pot = shared_path("reference/mlip2/cu_l16/pot.mtp");
    if (const auto missing = mtpc::test::missing_reference_data({pot})) GTEST_SKIP() << *missing;
    install("mtpc_test_cu", pot.string(), "Cu");
    const fs::path dir = case_dir("nve");
    fs::create_directories(dir);
    std::ofstream(dir / "in.lmp") << "units metal\natom_style atomic\nboundary p p p\nkim init mtpc_test_cu metal\n"
                                     "lattice fcc 3.615\nregion box block 0 3 0 3 0 3\ncreate_box 1 box\n"
                                     "create_atoms 1 box\nkim interactions Cu\nmass 1 63.546\n"
                                     "velocity all create 600 4928459 mom yes rot yes dist gaussian\n"
                                     "fix 1 all nve\ntimestep 0.001\nthermo 10\n"
                                     "thermo_style custom step temp pe etotal\nthermo_modify format float %.15g\n"
                                     "run 1000\n";
    const CommandResult r = run_command("cd " + quote(dir.string()) + " && " +
                                        kim().env("lmp -in in.lmp -log none"));
    ASSERT_EQ(r.status, 0) << r.out;
    std::istringstream out(r.out.substr(r.out.find("Step Temp PotEng TotEng")));
    std::string header;
    std::getline(out, header);
    std::vector<double> temp, etot;
    int step;
    double t, pe, e;
    while (out >> step >> t >> pe >> e) {
        temp.push_back(t);
        etot.push_back(e);
    }
    ASSERT_EQ(etot.size(), 101u) << r.out;
    const int n_atoms = 108;
    double worst = 0;
    for (double x : etot) worst = std::max(worst, std::abs(x - etot[0]) / n_atoms);
    const double first = std::accumulate(etot.begin(), etot.begin() + 10, 0.0) / 10;
    const double last = std::accumulate(etot.end() - 10, etot.end(), 0.0) / 10;
    RecordProperty("max_energy_deviation_eV_per_atom", std::to_string(worst));
    RecordProperty("energy_drift_eV_per_atom", std::to_string((last - first) / n_atoms));
    std::cout << "NVE 1000 x 1 fs, 108 Cu atoms: max |E - E0| = " << worst
              << " eV/atom, drift = " << (last - first) / n_atoms << " eV/atom, final T = " << temp.back() << " K\n";
    EXPECT_LT(worst, 9e-5);
    EXPECT_LT(std::abs(last - first) / n_atoms, 9e-6);
    EXPECT_GT(temp.back(), 150.0) << "the atoms must have moved";
}

/// LAMMPS's output of a run that must fail: it ended by itself (no crash) with a non-zero status.
void expect_lammps_error(const CommandResult& r, const std::string& cause) {
    EXPECT_TRUE(r.exited) << "LAMMPS crashed:\n" << r.out;
    EXPECT_NE(r.status, 0) << r.out;
    EXPECT_NE(r.out.find("ERROR"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(cause), std::string::npos) << "the output does not name " << cause << ":\n" << r.out;
}

TEST_F(KimLammps, UnknownSpeciesIsALammpsError) {
    teacher();
    const Structure s = geometry("orthogonal");
    const LammpsResult l = run_lammps(kim(), case_dir("unknown_species"), "mtpc_test_teacher", s, {"Nb", "Fe"},
                                      identity(2), 1);
    expect_lammps_error(l.run, "Fe");
}

// A parameter file that KIM embeds but the driver cannot read (half an .mtp): the model's
// creation fails with the reader's message, and LAMMPS stops with an error.
TEST_F(KimLammps, CorruptParameterFileIsALammpsError) {
    const fs::path out = case_dir("corrupt_export");
    const CommandResult e = run_command(quote(MTPC_EXE) + " export-kim " + quote(teacher()) +
                                        " --species Nb,Mo --name mtpc_test_corrupt " + quote(out.string()));
    ASSERT_EQ(e.status, 0) << e.out;
    const std::string text = mtpc::test::read_file(out / "model/potential.mtp");
    std::ofstream(out / "model/potential.mtp", std::ios::trunc) << text.substr(0, text.size() / 2);
    const CommandResult inst =
        run_command(kim().env("kim-api-collections-management install --force user " + quote((out / "model").string())));
    ASSERT_EQ(inst.status, 0) << inst.out;
    Structure s = geometry("orthogonal");
    const LammpsResult l = run_lammps(kim(), case_dir("corrupt"), "mtpc_test_corrupt", s, {"Nb", "Mo"}, identity(2), 1);
    expect_lammps_error(l.run, "potential.mtp");
    EXPECT_NE(l.run.out.find("mtpc KIM driver: error"), std::string::npos) << l.run.out;
}

// export-kim refuses bad input with one line naming the problem, before writing anything, and
// never replaces what is not a regular file.
TEST_F(KimLammps, ExportBadInput) {
    const std::string pot = teacher();
    const fs::path dir = case_dir("bad_export");
    fs::create_directories(dir);
    auto export_kim = [&](const std::string& potential, const std::string& species, const fs::path& out) {
        return run_command(quote(MTPC_EXE) + " export-kim " + quote(potential) + " --species " + species + " " +
                           quote(out.string()));
    };
    struct Case {
        std::string potential, species, expected;
    };
    const CommandResult init = run_command(quote(MTPC_EXE) + " init-mtp --level 6 --species 2 --min-dist 1.8 --max-dist 4.6 " +
                                           quote((dir / "untrained.mtp").string()));
    ASSERT_EQ(init.status, 0) << init.out;
    for (const Case& c : {Case{pot, "Nb,Xx", "'Xx' is not a chemical element symbol"},
                          Case{pot, "Nb", "1 symbols, but"}, Case{pot, "Nb,Nb", "'Nb' is given twice"},
                          Case{(dir / "untrained.mtp").string(), "Nb,Mo", "untrained potential"}}) {
        const CommandResult r = export_kim(c.potential, c.species, dir / "out");
        EXPECT_NE(r.status, 0) << r.out;
        EXPECT_NE(r.out.find(c.expected), std::string::npos) << r.out;
        EXPECT_FALSE(fs::exists(dir / "out")) << "nothing is written on bad input";
    }
    // The output directory is a regular file; a file in it is a symbolic link.
    std::ofstream(dir / "file") << "keep";
    CommandResult r = export_kim(pot, "Nb,Mo", dir / "file");
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.out.find("not a directory"), std::string::npos) << r.out;
    EXPECT_EQ(mtpc::test::read_file(dir / "file"), "keep");
    fs::create_directories(dir / "linked/model");
    fs::create_symlink(dir / "file", dir / "linked/model/potential.mtp");
    r = export_kim(pot, "Nb,Mo", dir / "linked");
    EXPECT_NE(r.status, 0);
    EXPECT_NE(r.out.find("not a regular file"), std::string::npos) << r.out;
    EXPECT_EQ(mtpc::test::read_file(dir / "file"), "keep");
}

}  // namespace
