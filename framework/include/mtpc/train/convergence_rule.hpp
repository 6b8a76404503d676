// When a fit has finished: MLIP-2's relative-decrease window, applied by the host to every
// optimiser (built-in or plugin) through the progress reports it already sends.
#pragma once

#include <nlohmann/json.hpp>

#include <limits>
#include <string>

namespace mtpc {

/// Options of ConvergenceRule (manifest "convergence").
struct ConvergenceOptions {
    /// Accepted iterations per window (MLIP-2: 50).
    int window = 50;
    /// Stop when a window decreased the loss by less than this fraction (MLIP-2's --bfgs-conv-tol
    /// default, 1e-3); 0 turns the rule off (the optimiser's own limits then stop the step).
    double relative_decrease = 1e-3;
    [[nodiscard]] bool enabled() const { return relative_decrease > 0 && window > 0; }
};

/// MLIP-2's rule (dev_src/mtpr_trainer.cpp): at the end of every window of `window` iterations,
/// d = (L_window_start − L_now) / L_now; stop when d < relative_decrease and d is below the
/// previous window's d (so a fit is never stopped while its progress is speeding up, and never
/// in its first window).  Windows are aligned on multiples of `window` iterations of a step, so a
/// step resumed from a checkpoint (with state()/restore()) stops where the uninterrupted one would.
class ConvergenceRule {
public:
    explicit ConvergenceRule(ConvergenceOptions options = {}) : options_(options) {}

    /// Feeds the loss at `iteration` accepted iterations into the step (0 = its start).  Returns
    /// true when the rule says the step has converged.  An iteration already fed (optimisers
    /// report the iterate that ends one segment and starts the next twice) is ignored.
    bool converged(int iteration, double loss);
    /// One line: why it stopped.
    [[nodiscard]] std::string reason() const;

    /// What a checkpoint must hold to resume the rule exactly.
    [[nodiscard]] nlohmann::json state() const;
    void restore(const nlohmann::json& state);

private:
    ConvergenceOptions options_;
    double window_start_loss_ = std::numeric_limits<double>::quiet_NaN();
    double previous_decrease_ = 0;  ///< MLIP-2 starts from 0: the first window never stops a fit
    double last_decrease_ = 0;
    int last_iteration_ = -1;
    int stopped_at_ = -1;
};

}  // namespace mtpc
