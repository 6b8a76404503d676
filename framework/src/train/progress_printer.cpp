#include "mtpc/train/progress_printer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace mtpc {

void ProgressPrinter::start(const std::string& title, int max_iterations) {
    title_ = title;
    max_ = max_iterations;
    t0_ = last_ = std::chrono::steady_clock::now();
    if (!quiet_) std::printf("%s\n", title.c_str());
    std::fflush(stdout);
}
void ProgressPrinter::update(int it, double loss, const std::string& validation, int first_it) {
    if (quiet_) return;
    const auto now = std::chrono::steady_clock::now();
    const double el = std::chrono::duration<double>(now - t0_).count();
    const double rate = el > 0 ? (it - first_it) / el : 0;
    const double eta = rate > 0 ? (max_ - it) / rate : 0;
    const std::string info =
        fmt::format("it {:>5}/{} loss {:.6e}{} {:.2f} it/s ETA {}", it, max_, loss, validation, rate, format_time(eta));
    if (bar_) {
        const int w = 24, filled = max_ > 0 ? std::min(w, int(double(w) * it / max_)) : 0;
        std::printf("\r[%s%s] %s   ", std::string(filled, '#').c_str(), std::string(w - filled, ' ').c_str(),
                    info.c_str());
        std::fflush(stdout);
    } else if (std::chrono::duration<double>(now - last_).count() >= 5.0 || !validation.empty() || it == max_) {
        std::printf("  %s\n", info.c_str());
        std::fflush(stdout);
        last_ = now;
    }
}
void ProgressPrinter::finish(const std::string& line) {
    if (quiet_) return;
    if (bar_) std::printf("\n");
    std::printf("  %s\n", line.c_str());
    std::fflush(stdout);
}
std::string ProgressPrinter::format_time(double s) {
    if (!(s > 0) || !std::isfinite(s)) return "-";
    const long t = long(s + 0.5);
    return t >= 3600 ? fmt::format("{}h{:02}m", t / 3600, t / 60 % 60) : fmt::format("{}m{:02}s", t / 60, t % 60);
}

}  // namespace mtpc
