// FullRadial: the base MTP radial part, θ = C (no compression).
#pragma once

#include <string>

#include "mtpc/sdk/radial_parameterization.hpp"

namespace mtpc::radial_full {

/// θ is the radial tensor itself: N_T²·N_f·N_b parameters, materialize is a copy and the
/// pull-back is the identity.  The reference every compressed parameterization is measured against.
class FullRadial final : public sdk::RadialParameterization {
public:
    /// Options: {"n_species", "n_funcs", "n_basis"} (set by the host).
    explicit FullRadial(const std::string& options_json);

    [[nodiscard]] sdk::RadialShape shape() const override { return shape_; }
    [[nodiscard]] int num_parameters() const override { return static_cast<int>(shape_.size()); }
    [[nodiscard]] std::string options_json() const override;
    void materialize(const double* theta, double* C) const override;
    void pull_back(const double* theta, const double* dL_dC, double* dL_dtheta) const override;
    void initialize_random(std::uint64_t seed, double scale, double* theta) const override;
    void initialize_from(const double* C, double* theta) const override;

private:
    sdk::RadialShape shape_;
};

}  // namespace mtpc::radial_full
