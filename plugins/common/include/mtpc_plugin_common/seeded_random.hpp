// Seeded random numbers that are the same on every platform (std::*_distribution are not).
#pragma once

#include <cmath>
#include <cstdint>
#include <random>

namespace mtpc::plugin_common {

class SeededRandom {
public:
    explicit SeededRandom(std::uint64_t seed) : engine_(seed) {}
    /// Uniform in [0, 1) from the top 53 bits (portable: mt19937_64's output is specified).
    double uniform() { return double(engine_() >> 11) * 0x1.0p-53; }
    /// Standard normal by Box–Muller (portable, unlike std::normal_distribution).
    double normal() {
        if (has_spare_) { has_spare_ = false; return spare_; }
        double u1;
        do u1 = uniform(); while (u1 <= 0.0);
        const double u2 = uniform();
        const double r = std::sqrt(-2.0 * std::log(u1)), t = 6.283185307179586 * u2;
        spare_ = r * std::sin(t);
        has_spare_ = true;
        return r * std::cos(t);
    }

private:
    std::mt19937_64 engine_;
    double spare_ = 0;
    bool has_spare_ = false;
};

}  // namespace mtpc::plugin_common
