// Progress of a training step on the terminal.
#pragma once

#include <chrono>
#include <string>

namespace mtpc {

/// A progress bar (iteration, loss, validation errors, rate, ETA) redrawn in place when stdout is a
/// terminal; plain lines (every 5 s, and whenever there is a validation result) in a log file.
class ProgressPrinter {
public:
    ProgressPrinter(bool bar, bool quiet) : bar_(bar), quiet_(quiet) {}
    void start(const std::string& title, int max_iterations);
    /// `validation` is an already formatted suffix (empty when not computed this time);
    /// `first_iteration` is where this step (re)started, for the rate.
    void update(int iteration, double loss, const std::string& validation, int first_iteration);
    void finish(const std::string& line);
    /// "1m05s", "2h03m", or "-" when unknown.
    static std::string format_time(double seconds);

private:
    bool bar_, quiet_;
    std::string title_;
    int max_ = 0;
    std::chrono::steady_clock::time_point t0_, last_;
};

}  // namespace mtpc
