// MtpModel speed: energy+forces+virial per atom (CPU and wall time, atoms_per_s) on the MLIP-2
// reference inputs, 1 and 2 threads; and one configuration's loss+gradient against its E+F cost.
//   tacrvw_l20: its own input.cfg (4 species, level 20; MLIP-2 ≈ 300 µs/atom)
//   nbmotaw_l14: data/nbmotaw/valid.cfg with the level-14 potential
//   cu_l16: its own input.cfg (1 species, level 16)
//   nbmotaw_test_l16: data/nbmotaw/test.cfg with an untrained level-16 4-species potential
//     (1.9-5.0 A) filled with deterministic pseudo-random coefficients (speed does not depend on
//     the values): a mid-level 4-species case on the published test set
// Skips (with a message) when the shared reference data is absent.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <sstream>
#include <memory>
#include <string>
#include <vector>

#include "mtpc/io/cfg_io.hpp"
#include "mtpc/io/mtp_io.hpp"
#include "mtpc/mtp/basis_generator.hpp"
#include "mtpc/mtp/mtp_model.hpp"

namespace fs = std::filesystem;

namespace {

const fs::path kShared = MTPC_SHARED_DIR;

struct Dataset {
    std::unique_ptr<mtpc::MtpModel> model;
    std::vector<mtpc::Configuration> cfgs;
    std::vector<mtpc::NeighborList> nls;
    long atoms = 0;
};

/// Loads (once) a potential and configurations; empty when the files are missing.
const Dataset& dataset(const std::string& pot, const std::string& cfg) {
    static std::map<std::string, Dataset> cache;
    auto [it, fresh] = cache.try_emplace(pot + "|" + cfg);
    Dataset& d = it->second;
    if (fresh && fs::exists(kShared / pot) && fs::exists(kShared / cfg)) {
        d.model = std::make_unique<mtpc::MtpModel>(mtpc::read_mtp((kShared / pot).string()));
        d.cfgs = mtpc::read_cfg((kShared / cfg).string());
        for (const auto& c : d.cfgs) {
            d.nls.emplace_back(c, d.model->cutoff());
            d.atoms += c.size();
        }
    }
    return d;
}

/// Coefficients in [-scale, scale) from a fixed 64-bit LCG (Knuth's MMIX constants): the same
/// values on every platform, unlike std::uniform_real_distribution.
void fill_deterministic(std::vector<double>& v, std::size_t n, double scale, std::uint64_t& state) {
    v.resize(n);
    for (auto& x : v) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL;
        x = scale * (2.0 * double(state >> 11) * 0x1.0p-53 - 1.0);
    }
}

/// Loads (once) configurations with a generated, untrained potential of `level` for 4 species
/// (1.9-5.0 A) given deterministic pseudo-random coefficients; empty when `cfg` is missing.
const Dataset& synthetic_dataset(int level, const std::string& cfg) {
    static std::map<std::string, Dataset> cache;
    auto [it, fresh] = cache.try_emplace(std::to_string(level) + "|" + cfg);
    Dataset& d = it->second;
    if (fresh && fs::exists(kShared / cfg)) {
        mtpc::MtpPotential pot = mtpc::make_untrained_mtp(level, 4, 1.9, 5.0);
        std::uint64_t state = 20250101;
        const auto nt = std::size_t(pot.species_count);
        fill_deterministic(pot.radial_coeffs, nt * nt * pot.radial_funcs_count * pot.radial_basis_size, 0.1, state);
        fill_deterministic(pot.species_coeffs, nt, 1.0, state);
        fill_deterministic(pot.moment_coeffs, pot.alpha_moment_mapping.size(), 0.01, state);
        d.model = std::make_unique<mtpc::MtpModel>(pot);
        d.cfgs = mtpc::read_cfg((kShared / cfg).string());
        for (const auto& c : d.cfgs) {
            d.nls.emplace_back(c, d.model->cutoff());
            d.atoms += c.size();
        }
    }
    return d;
}

/// Counter "atoms_per_s" (wall clock).  The CPU column is process CPU time over all threads
/// (MeasureProcessCPUTime), which stays meaningful on a loaded machine: CPU µs per atom =
/// CPU time / atoms in the data set (tacrvw 4360, nbmotaw valid 10836, cu 3200, nbmotaw test
/// 10448).
void report_per_atom(benchmark::State& state, long atoms) {
    state.counters["atoms_per_s"] =
        benchmark::Counter(double(atoms) * double(state.iterations()), benchmark::Counter::kIsRate);
    state.counters["atoms"] = double(atoms);
}

/// Energy+forces+virial over every configuration of `d`, timed; skips naming `missing` when the
/// data set could not be loaded.
void run_efs(benchmark::State& state, const Dataset& d, const fs::path& missing) {
    if (!d.model) {
        state.SkipWithError(("reference data missing: " + missing.string()).c_str());
        return;
    }
    const int threads = int(state.range(0));
    const auto p = d.model->parameters();
    // Threads over configurations, as `mtpc calc-efs` runs them (configurations here have tens to
    // a hundred atoms: too little work to share one among threads).
    const int n = int(d.cfgs.size());
    for (auto _ : state) {
        double sum = 0;
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads) reduction(+ : sum)
        for (int c = 0; c < n; ++c) sum += d.model->compute_efs(d.nls[c], d.cfgs[c].types.data(), p, 1).energy;
        benchmark::DoNotOptimize(sum);
    }
    report_per_atom(state, d.atoms);
}

/// Energy+forces+virial with a reference potential.
void efs(benchmark::State& state, const std::string& pot, const std::string& cfg) {
    run_efs(state, dataset(pot, cfg), kShared / pot);
}

/// Energy+forces+virial with a synthetic potential (see synthetic_dataset).
void efs_synthetic(benchmark::State& state, int level, const std::string& cfg) {
    run_efs(state, synthetic_dataset(level, cfg), kShared / cfg);
}

/// Loss + full gradient (species, ξ, C) with energy, force and stress terms, per atom; compare
/// with the E+F benchmark of the same data.
void loss_gradient(benchmark::State& state, const std::string& pot, const std::string& cfg) {
    const Dataset& d = dataset(pot, cfg);
    if (!d.model) {
        state.SkipWithError(("reference data missing: " + (kShared / pot).string()).c_str());
        return;
    }
    const int threads = int(state.range(0));
    const auto& m = *d.model;
    const auto p = m.parameters();
    std::vector<std::vector<double>> forces(d.cfgs.size());
    std::vector<mtpc::TrainingItem> batch;
    for (std::size_t c = 0; c < d.cfgs.size(); ++c) {
        const auto& cf = d.cfgs[c];
        for (const auto& f : cf.forces) forces[c].insert(forces[c].end(), {f[0], f[1], f[2]});
        mtpc::sdk::LossTarget t;
        t.energy = cf.energy.value_or(0);
        t.forces = cf.has_forces() ? forces[c].data() : nullptr;
        t.virial = cf.plus_stress ? cf.plus_stress->data() : nullptr;
        t.w_energy = 1;
        t.w_forces = 0.01;
        t.w_stress = 0.001;
        batch.push_back({&d.nls[c], cf.types.data(), t});
    }
    std::vector<double> gs(m.species_count()), gm(m.scalar_count()), gr(m.radial_shape().size());
    for (auto _ : state) {
        const double loss = m.batch_loss_gradient(batch, p, {gs.data(), gm.data(), gr.data()}, threads);
        benchmark::DoNotOptimize(loss);
    }
    report_per_atom(state, d.atoms);
}

const std::string kTacrvwPot = "reference/mlip2/tacrvw_l20/pot.mtp", kTacrvwCfg = "reference/mlip2/tacrvw_l20/input.cfg";
const std::string kNbmotawPot = "reference/mlip2/nbmotaw_l14/pot.mtp", kNbmotawCfg = "data/nbmotaw/valid.cfg";
const std::string kNbmotawTestCfg = "data/nbmotaw/test.cfg";
const std::string kCuPot = "reference/mlip2/cu_l16/pot.mtp", kCuCfg = "reference/mlip2/cu_l16/input.cfg";

}  // namespace

BENCHMARK_CAPTURE(efs, tacrvw_l20, kTacrvwPot, kTacrvwCfg)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(efs, nbmotaw_l14, kNbmotawPot, kNbmotawCfg)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(efs, cu_l16, kCuPot, kCuCfg)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(efs_synthetic, nbmotaw_test_l16, 16, kNbmotawTestCfg)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(loss_gradient, tacrvw_l20, kTacrvwPot, kTacrvwCfg)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(loss_gradient, nbmotaw_l14, kNbmotawPot, kNbmotawCfg)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();
BENCHMARK_CAPTURE(loss_gradient, cu_l16, kCuPot, kCuCfg)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime()->MeasureProcessCPUTime();

namespace {

/// Environment MTPC_BENCH_POTENTIALS="name=pot.mtp,name=pot.mtp,..." with MTPC_BENCH_CFG=data.cfg:
/// one `efs_file/<name>` case per potential on the same configurations, so that potentials made
/// elsewhere (e.g. examples/basis-selection) are timed side by side in one run.
void register_file_benchmarks() {
    const char* list = std::getenv("MTPC_BENCH_POTENTIALS");
    const char* cfg = std::getenv("MTPC_BENCH_CFG");
    if (list == nullptr || cfg == nullptr) return;
    std::stringstream items(list);
    std::string item;
    while (std::getline(items, item, ',')) {
        const auto eq = item.find('=');
        if (eq == std::string::npos) continue;
        const std::string name = item.substr(0, eq), pot = fs::absolute(item.substr(eq + 1)).string();
        const std::string data = fs::absolute(cfg).string();
        benchmark::RegisterBenchmark(("efs_file/" + name).c_str(),
                                     [pot, data](benchmark::State& state) { run_efs(state, dataset(pot, data), pot); })
            ->Arg(1)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime()
            ->MeasureProcessCPUTime();
    }
}

}  // namespace

int main(int argc, char** argv) {
    register_file_benchmarks();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
