#include "FullRadial.hpp"

#include <algorithm>

#include "mtpc_plugin_common/options.hpp"
#include "mtpc_plugin_common/seeded_random.hpp"

namespace mtpc::radial_full {

FullRadial::FullRadial(const std::string& options_json) {
    plugin_common::Options opt("radial-full", options_json);
    opt.allow_only({"n_species", "n_funcs", "n_basis"});
    shape_ = opt.radial_shape();
}

std::string FullRadial::options_json() const {
    return nlohmann::json{{"n_species", shape_.n_species}, {"n_funcs", shape_.n_funcs}, {"n_basis", shape_.n_basis}}
        .dump();
}

void FullRadial::materialize(const double* theta, double* C) const { std::copy_n(theta, shape_.size(), C); }

void FullRadial::pull_back(const double*, const double* dL_dC, double* dL_dtheta) const {
    std::copy_n(dL_dC, shape_.size(), dL_dtheta);
}

void FullRadial::initialize_random(std::uint64_t seed, double scale, double* theta) const {
    plugin_common::SeededRandom rng(seed);
    for (std::int64_t k = 0; k < shape_.size(); ++k) theta[k] = scale * (2.0 * rng.uniform() - 1.0);
}

void FullRadial::initialize_from(const double* C, double* theta) const { std::copy_n(C, shape_.size(), theta); }

}  // namespace mtpc::radial_full
