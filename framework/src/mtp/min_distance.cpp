#include "mtpc/mtp/min_distance.hpp"

#include <fmt/format.h>
#include <omp.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>

#include "mtpc/core/error.hpp"

namespace mtpc {

double min_interatomic_distance(const NeighborList& nl) {
    const auto& d = nl.distance();
    return d.empty() ? std::numeric_limits<double>::infinity() : *std::min_element(d.begin(), d.end());
}

std::string MinDistanceCheck::warning(const std::string& file) const {
    if (below == 0) return {};
    return fmt::format(
        "{}: {} of {} configurations {} interatomic distances below the potential's min_dist {:g} A "
        "(smallest {:.4g} A, first: configuration {}); the radial basis extrapolates there",
        file, below, configurations, below == 1 ? "has" : "have", min_dist, smallest, first_below);
}

MinDistanceCheck check_min_distance(const std::vector<double>& smallest_per_configuration, double min_dist) {
    MinDistanceCheck c;
    c.min_dist = min_dist;
    c.configurations = int(smallest_per_configuration.size());
    for (int k = 0; k < c.configurations; ++k) {
        const double d = smallest_per_configuration[k];
        c.smallest = std::min(c.smallest, d);
        if (d < min_dist && c.below++ == 0) c.first_below = k + 1;
    }
    return c;
}

MinDistanceCheck check_min_distance(const std::vector<NeighborList>& neighbor_lists, double min_dist) {
    std::vector<double> smallest(neighbor_lists.size());
    std::transform(neighbor_lists.begin(), neighbor_lists.end(), smallest.begin(), min_interatomic_distance);
    return check_min_distance(smallest, min_dist);
}

MinDistanceCheck check_min_distance(const std::vector<Configuration>& cfgs, double min_dist, int threads,
                                    const std::string& file) {
    const int n = int(cfgs.size());
    std::vector<double> smallest(n, std::numeric_limits<double>::infinity());
    // A non-positive min_dist has nothing below it (and NeighborList needs a positive cutoff).
    if (!(min_dist > 0)) return check_min_distance(smallest, min_dist);
    // Exceptions must not leave an OpenMP region: keep each one's message, throw the first in file order.
    std::vector<std::string> errors(n);
#pragma omp parallel for schedule(dynamic, 1) num_threads(threads > 0 ? threads : omp_get_max_threads())
    for (int k = 0; k < n; ++k) {
        try {
            const std::string where = cfgs[k].source_line > 0 ? fmt::format("{}:{}", file, cfgs[k].source_line) : file;
            smallest[k] = min_interatomic_distance(
                NeighborList(cfgs[k], min_dist, fmt::format("{}: configuration {}", where, k + 1)));
        } catch (const std::exception& e) {
            errors[k] = e.what();
        }
    }
    for (const auto& e : errors)
        if (!e.empty()) throw InputError(e);
    return check_min_distance(smallest, min_dist);
}

bool warn_if_below_min_distance(const MinDistanceCheck& check, const std::string& file) {
    if (check.below == 0) return false;
    spdlog::warn("{}", check.warning(file));
    return true;
}

}  // namespace mtpc
