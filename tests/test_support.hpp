// Small helpers shared by the test executables: running a command, temporary directories, reading
// a file whole, bitwise comparison of doubles, skipping when reference data is absent, and a
// synthetic data set labelled by a random "teacher" MTP.
//
// Header-only (each tests/test_<component>.cpp is its own executable) and free of assertions:
// a helper returns what it found, and the test decides what to expect of it, so failures are
// reported at the test's own line.  Every function is `inline` so several translation units of
// one executable may include it.
#pragma once

#include <gtest/gtest.h>

#include <sys/wait.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <random>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "mtpc/core/configuration.hpp"
#include "mtpc/io/cfg_io.hpp"
#include "mtpc/mtp/basis_generator.hpp"
#include "mtpc/mtp/mtp_model.hpp"

namespace mtpc::test {

// --- running a command -----------------------------------------------------------------------

/// What a shell command did: its exit status and everything it wrote (stdout and stderr).
struct CommandResult {
    /// The exit status; -1 when the command could not be started or did not exit normally
    /// (killed by a signal, e.g. a crash), so `status != 0` holds for every kind of failure.
    int status = -1;
    /// True when the command ran and exited by itself (what WIFEXITED tells).
    bool exited = false;
    /// stdout and stderr interleaved, as a user would see them.
    std::string out;
};

/// Runs `cmd` through /bin/sh with stderr redirected into stdout and collects both.
inline CommandResult run_command(const std::string& cmd) {
    CommandResult r;
    FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
    if (p == nullptr) return r;
    char buf[4096];
    while (const std::size_t n = std::fread(buf, 1, sizeof buf, p)) r.out.append(buf, n);
    const int raw = ::pclose(p);
    r.exited = raw != -1 && WIFEXITED(raw);
    r.status = r.exited ? WEXITSTATUS(raw) : -1;
    return r;
}

// --- files -------------------------------------------------------------------------------------

/// The whole content of a file, byte for byte (empty when it cannot be opened: the test's own
/// expectation on the content then reports the problem).
inline std::string read_file(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// A fresh, empty directory under the system temporary directory, removed with everything in it
/// when the object goes out of scope (also when an ASSERT_ ends the test early).  The name joins
/// `prefix`, a random number and the clock, so concurrent test processes never share one.
class TempDir {
public:
    explicit TempDir(const std::string& prefix = "mtpc_test_") {
        path_ = std::filesystem::temp_directory_path() /
                (prefix + std::to_string(std::random_device{}()) + "_" +
                 std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
        std::filesystem::create_directories(path_);
    }
    ~TempDir() {
        std::error_code ec;  // never throw from a destructor; a leftover temp dir is harmless
        std::filesystem::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    [[nodiscard]] const std::filesystem::path& path() const { return path_; }
    [[nodiscard]] std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

    /// Writes `text` (bytes as given) to the file `name` inside the directory; returns its path.
    std::string write(const std::string& name, const std::string& text) const {
        const std::filesystem::path p = path_ / name;
        std::ofstream(p, std::ios::binary) << text;
        return p.string();
    }

    /// How many entries the directory holds (to check that a failed write left nothing behind).
    [[nodiscard]] std::size_t entries() const {
        return static_cast<std::size_t>(
            std::distance(std::filesystem::directory_iterator(path_), std::filesystem::directory_iterator()));
    }

private:
    std::filesystem::path path_;
};

// --- exact comparison of doubles ---------------------------------------------------------------

/// The bit pattern of `v`: equal bits means the same double, including the sign of zero.
inline std::uint64_t bits(double v) {
    std::uint64_t b;
    std::memcpy(&b, &v, sizeof b);
    return b;
}

// --- reference data in ../shared ---------------------------------------------------------------

/// A path inside the shared reference data (MTPC_SHARED_DIR, ../shared beside the checkout).
inline std::filesystem::path shared_path(const std::string& relative) {
    return std::filesystem::path(MTPC_SHARED_DIR) / relative;
}

/// A skip message naming the first of `paths` that does not exist, or nothing when all exist.
/// Use as `if (const auto missing = missing_reference_data({a, b})) GTEST_SKIP() << *missing;`
/// (GTEST_SKIP must stand in the test body itself: it returns from the enclosing function).
inline std::optional<std::string> missing_reference_data(std::initializer_list<std::filesystem::path> paths) {
    for (const std::filesystem::path& p : paths)
        if (!std::filesystem::exists(p)) return "reference data missing: " + p.string();
    return std::nullopt;
}

// --- a synthetic data set labelled by a random "teacher" MTP --------------------------------------

/// The teacher's shape: 2 species, level 6, radial basis of 6 on [1.8, 4.6] Å.  A manifest that
/// trains on the teacher's data with these values has the teacher in its model class.
constexpr int kTeacherLevel = 6;
constexpr int kTeacherSpecies = 2;
constexpr double kTeacherMinDist = 1.8;
constexpr double kTeacherMaxDist = 4.6;
constexpr int kTeacherBasisSize = 6;

/// A level-6 MTP of kTeacher* shape with random coefficients drawn from `rng` (radial ±0.1,
/// moments ±0.05; species energies −3 and −4), so tests need nothing from ../shared.
inline MtpPotential make_teacher_mtp(std::mt19937_64& rng) {
    MtpPotential teacher =
        make_untrained_mtp(kTeacherLevel, kTeacherSpecies, kTeacherMinDist, kTeacherMaxDist, kTeacherBasisSize);
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    teacher.radial_coeffs.resize(std::size_t(kTeacherSpecies * kTeacherSpecies) * teacher.radial_funcs_count *
                                 kTeacherBasisSize);
    for (auto& c : teacher.radial_coeffs) c = 0.1 * u(rng);
    teacher.species_coeffs = {-3.0, -4.0};
    teacher.moment_coeffs.resize(teacher.alpha_moment_mapping.size());
    for (auto& c : teacher.moment_coeffs) c = 0.05 * u(rng);
    return teacher;
}

/// `count` periodic 8-atom cells (a perturbed simple-cubic 2×2×2 block of edge 2a, a ∈ [3.1, 3.5],
/// random species 0/1), with energy, forces and virial computed by `teacher`.
inline std::vector<Configuration> make_teacher_configurations(const MtpModel& teacher, int count,
                                                              std::mt19937_64& rng) {
    std::uniform_real_distribution<double> u(-1.0, 1.0);
    std::vector<Configuration> cfgs;
    for (int k = 0; k < count; ++k) {
        Configuration c;
        c.periodic = true;
        const double a = 3.3 + 0.2 * u(rng);
        c.lattice = Eigen::Matrix3d::Identity() * 2 * a;
        for (int i = 0; i < 2; ++i)
            for (int j = 0; j < 2; ++j)
                for (int l = 0; l < 2; ++l) {
                    c.positions.push_back(
                        Eigen::Vector3d(i * a + 0.15 * u(rng), j * a + 0.15 * u(rng), l * a + 0.15 * u(rng)));
                    c.types.push_back(u(rng) > 0 ? 1 : 0);
                    c.ids.push_back(int(c.ids.size()) + 1);
                }
        const auto efs = teacher.compute_efs(c);
        c.energy = efs.energy;
        c.forces = efs.forces;
        c.plus_stress = efs.virial;
        cfgs.push_back(std::move(c));
    }
    return cfgs;
}

/// Writes `dir`/train.cfg (`n_train` configurations) and `dir`/valid.cfg (`n_valid`), labelled by
/// a teacher drawn first from the same generator seeded with `seed`: the same seed gives the
/// same files, bit for bit.
inline void write_teacher_data_set(const std::filesystem::path& dir, std::uint64_t seed, int n_train, int n_valid) {
    std::mt19937_64 rng(seed);
    const MtpModel teacher(make_teacher_mtp(rng));
    write_cfg((dir / "train.cfg").string(), make_teacher_configurations(teacher, n_train, rng));
    write_cfg((dir / "valid.cfg").string(), make_teacher_configurations(teacher, n_valid, rng));
}

}  // namespace mtpc::test
