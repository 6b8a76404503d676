// RadialParameterization: how the radial tensor C is built from free parameters θ.
#pragma once

#include <cstdint>
#include <string>

#include "mtpc/sdk/types.hpp"

namespace mtpc::sdk {

/// Maps parameters θ ∈ R^P to the full radial tensor C = C(θ) and pulls gradients back.
///
/// The framework only ever asks for C and for ∂L/∂θ given ∂L/∂C (chain rule), so a new
/// compression scheme is exactly these few functions.  Plugins of kind
/// MTPC_KIND_RADIAL_PARAMETERIZATION return one of these from `create`; the JSON options always
/// carry "n_species", "n_funcs", "n_basis" (the shape, set by the host from the model) plus the
/// method's own keys (e.g. "rank").
class MTPC_SDK_VISIBLE RadialParameterization {
public:
    virtual ~RadialParameterization() = default;

    /// Shape of the C this parameterization produces (fixed at creation).
    [[nodiscard]] virtual RadialShape shape() const = 0;
    /// P, the number of free parameters θ.
    [[nodiscard]] virtual int num_parameters() const = 0;
    /// The options in effect as JSON text (defaults filled in), e.g. for saving and `describe`.
    [[nodiscard]] virtual std::string options_json() const = 0;

    /// C = C(θ).  `theta` has num_parameters() entries, `C` has shape().size().
    virtual void materialize(const double* theta, double* C) const = 0;
    /// ∂L/∂θ = (∂C/∂θ)ᵀ ∂L/∂C, written (not added) to dL_dtheta.
    virtual void pull_back(const double* theta, const double* dL_dC, double* dL_dtheta) const = 0;

    /// Random initial θ, deterministic in `seed`; the materialised entries of C should be of
    /// magnitude ~`scale` (the host chooses it from the radial basis).
    virtual void initialize_random(std::uint64_t seed, double scale, double* theta) const = 0;
    /// θ approximating a given C (e.g. truncated SVD, TT-SVD): "compress a trained potential".
    virtual void initialize_from(const double* C, double* theta) const = 0;
};

}  // namespace mtpc::sdk
