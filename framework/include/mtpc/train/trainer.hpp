// Runs a training manifest: every variant × seed, each through its optimisation steps, writing
// potentials, compressed parameters, metrics and learning curves; checkpoints and resumes.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "mtpc/plugin/plugin_host.hpp"
#include "mtpc/train/error_metrics.hpp"
#include "mtpc/train/manifest.hpp"

namespace mtpc {

struct TrainOptions {
    bool resume = false;  ///< continue from checkpoints; finished runs are not redone
    /// Progress display: -1 auto (a bar on a terminal, plain lines otherwise), 0 plain, 1 bar.
    int progress_bar = -1;
    bool quiet = false;   ///< no progress output at all (tests)
    /// Acts as if Ctrl-C arrived right after this many progress reports (0: never).  Lets tests
    /// interrupt at an exact point through the same path as the signal handler.
    long stop_after_reports = 0;
    /// Where a stop request (Ctrl-C, SIGTERM) leaves the checkpoint.  kCurrentIterate (default):
    /// at the iterate reached, so no work is lost; the resumed optimiser restarts its memory (its
    /// BFGS Hessian approximation) there, so the rest of the fit is not bit-identical to an
    /// uninterrupted one.  kRestartPoint: at the step's last restart point (the step's start, or
    /// every `restart_every` iterations), from which a resume is bit-identical but repeats work.
    /// Optimisers that report no restart points (MFRA) always resume at a restart point.
    enum class CheckpointOnStop { kCurrentIterate, kRestartPoint } checkpoint_on_stop = CheckpointOnStop::kCurrentIterate;
};

/// Parameter counts of one variant, as `mtpc describe` shows them.
struct ParameterCounts {
    std::string variant;
    int level = 0, species = 0, radial_funcs = 0, radial_basis = 0;
    int basic_moments = 0, alpha_moments = 0, times = 0, scalar = 0;
    int radial_full = 0;        ///< N_T²·N_f·N_b
    int radial_parameters = 0;  ///< θ of the chosen parameterization
    std::string radial_plugin;
    [[nodiscard]] int total() const { return species + scalar + radial_parameters; }
    [[nodiscard]] nlohmann::json to_json() const;
};

/// The result of one (variant, seed) run.
struct RunSummary {
    std::string variant;
    std::uint64_t seed = 0;
    ParameterCounts counts;
    double final_loss = 0;
    /// The same loss (same weights) on the validation set, as the paper reports it; NaN if none.
    double validation_loss = std::numeric_limits<double>::quiet_NaN();
    int iterations = 0;
    long evaluations = 0;
    /// Per optimisation step, why it stopped (e.g. "converged: ..." or "iteration limit").
    std::vector<std::string> stop_reasons;
    double seconds = 0;
    ErrorReport train, validation, test;
    bool has_validation = false, has_test = false;
    std::string directory;
    [[nodiscard]] nlohmann::json to_json() const;
    /// The results part of to_json() read back (not variant, seed, counts, directory).
    static RunSummary from_json(const nlohmann::json& j);
};

/// A run stopped on request (Ctrl-C, SIGTERM): its checkpoint is written and `--resume` continues
/// it.  Not an input error: the manifest and data were fine.
class TrainingInterrupted : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

/// Set by SIGINT/SIGTERM (install_stop_signal_handlers): the current run checkpoints and stops.
extern std::atomic<bool> g_stop_requested;
void install_stop_signal_handlers();

class Trainer {
public:
    Trainer(Manifest manifest, TrainOptions options);
    ~Trainer();

    /// Checks everything that can be checked without training: plugins exist and accept their
    /// options (errors name the JSON path), the data files parse, species fit.  Throws InputError.
    void validate();
    /// Parameter counts per variant (creates the parameterization plugins; no training).
    std::vector<ParameterCounts> describe();
    /// Runs every variant × seed.  Returns summaries; writes summary.json in the output
    /// directory.  When a stop is requested, throws TrainingInterrupted after writing the checkpoint.
    std::vector<RunSummary> run();

    /// Aggregates runs per variant (mean ± σ over seeds) as JSON.
    static nlohmann::json aggregate(const std::vector<RunSummary>& runs);
    /// The manifest's "select" applied to the finished runs: copies the chosen potential to
    /// output.directory/selected.mtp, writes selection.json there, and returns its content.
    static nlohmann::json export_selection(const Manifest& manifest, const std::vector<RunSummary>& runs);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mtpc
