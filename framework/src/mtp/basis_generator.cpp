#include "mtpc/mtp/basis_generator.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <string>
#include <tuple>

#include <fmt/format.h>

#include "basis_contraction_graph.hpp"
#include "basis_moment_program.hpp"
#include "mtpc/core/error.hpp"

namespace mtpc {

namespace {

void check_level(int level) {
    if (level < kMtpMinLevel || level > kMtpMaxLevel || level % 2 != 0)
        throw InputError("MTP level must be an even number from " + std::to_string(kMtpMinLevel) + " to " +
                         std::to_string(kMtpMaxLevel) + ", got " + std::to_string(level));
}

}  // namespace

MtpBasis generate_mtp_basis(int level) {
    using namespace basis_detail;
    check_level(level);
    const std::vector<ContractionGraph> scalars = enumerate_scalar_contractions(level);

    // The basic moments: every tensor that occurs, ordered by (μ, ν) as MLIP-2 lists them.
    auto label_order = [](const TensorLabel& a, const TensorLabel& b) {
        return std::tie(a.mu, a.nu) < std::tie(b.mu, b.nu);
    };
    std::set<TensorLabel, decltype(label_order)> used(label_order);
    for (const ContractionGraph& g : scalars)
        for (int v = 0; v < g.n; ++v) used.insert(g.label[v]);
    const std::vector<TensorLabel> basic_tensors(used.begin(), used.end());

    MomentProgramBuilder builder(basic_tensors);
    MtpBasis basis;
    basis.level = level;
    // Smaller contractions first, so the larger ones find their shared intermediates built.
    for (const ContractionGraph& g : scalars) basis.alpha_moment_mapping.push_back(builder.scalar_moment(g));
    basis.radial_funcs_count = 1 + std::max_element(basic_tensors.begin(), basic_tensors.end(),
                                                    [](const TensorLabel& a, const TensorLabel& b) {
                                                        return a.mu < b.mu;
                                                    })->mu;
    basis.alpha_moments_count = builder.moment_count();
    basis.alpha_index_basic = builder.basic();
    basis.alpha_index_times = builder.times();
    return basis;
}

MtpPotential make_untrained_mtp(int level, int species_count, double min_dist, double max_dist,
                                int radial_basis_size) {
    check_level(level);
    if (species_count < 1) throw InputError("species count must be at least 1, got " + std::to_string(species_count));
    if (!std::isfinite(min_dist) || !std::isfinite(max_dist) || min_dist < 0)
        throw InputError("min_dist and max_dist must be finite and min_dist >= 0");
    if (min_dist >= max_dist)
        throw InputError(fmt::format("min_dist ({}) must be smaller than max_dist ({})", min_dist, max_dist));
    if (radial_basis_size < 1)
        throw InputError("radial basis size must be at least 1, got " + std::to_string(radial_basis_size));

    MtpBasis basis = generate_mtp_basis(level);
    MtpPotential pot;
    pot.potential_name = "MTP";
    pot.species_count = species_count;
    pot.radial_basis_type = "RBChebyshev";
    pot.min_dist = min_dist;
    pot.max_dist = max_dist;
    pot.radial_basis_size = radial_basis_size;
    pot.radial_funcs_count = basis.radial_funcs_count;
    pot.alpha_moments_count = basis.alpha_moments_count;
    pot.alpha_index_basic = std::move(basis.alpha_index_basic);
    pot.alpha_index_times = std::move(basis.alpha_index_times);
    pot.alpha_moment_mapping = std::move(basis.alpha_moment_mapping);
    return pot;
}

}  // namespace mtpc
