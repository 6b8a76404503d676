// calc-efs's kernel on the configurations of one file: per configuration the neighbour list and
// MtpModel::compute_efs, one thread -- exactly what `mtpc calc-efs` does between reading and
// writing.  bench/python_calculator_overhead.py runs it to measure the Python calculator's
// overhead over this kernel:
//   MTPC_BENCH_POT=pot.mtp MTPC_BENCH_CFG=cell.cfg bench_efs_kernel_cfg
// Skips (with a message) when either variable is unset.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "mtpc/io/cfg_io.hpp"
#include "mtpc/io/mtp_io.hpp"
#include "mtpc/mtp/mtp_model.hpp"

namespace {

void calc_efs_kernel(benchmark::State& state) {
    const char* pot = std::getenv("MTPC_BENCH_POT");
    const char* cfg = std::getenv("MTPC_BENCH_CFG");
    if (pot == nullptr || cfg == nullptr) {
        state.SkipWithError("set MTPC_BENCH_POT and MTPC_BENCH_CFG");
        return;
    }
    const mtpc::MtpModel model(mtpc::read_mtp(pot));
    const std::vector<mtpc::Configuration> cfgs = mtpc::read_cfg(cfg);
    long atoms = 0;
    for (auto _ : state) {
        for (const auto& c : cfgs) {
            const mtpc::NeighborList nl(c, model.cutoff());
            benchmark::DoNotOptimize(model.compute_efs(nl, c.types.data(), model.parameters(), 1));
            atoms += c.size();
        }
    }
    state.counters["atoms_per_s"] = benchmark::Counter(double(atoms), benchmark::Counter::kIsRate);
}

}  // namespace

BENCHMARK(calc_efs_kernel)->Unit(benchmark::kMillisecond)->MinTime(0.2);
BENCHMARK_MAIN();
