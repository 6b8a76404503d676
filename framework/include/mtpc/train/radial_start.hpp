// Where the radial parameters θ start when a fit starts from scratch.
#pragma once

#include <cstdint>

#include "mtpc/sdk/radial_parameterization.hpp"

namespace mtpc {

/// Random θ (deterministic in `seed`) whose materialised radial functions have unit norm on
/// average: rms_μ ‖c_μ‖ ≈ 1, c_μ the coefficients of f_μ over all species pairs (the sphere
/// RadialOrthonormalityPenalty holds them on).  Starting there matters: the trainer fixes the
/// scale of the linear coefficients from the start point, and a start far from the sphere
/// would be pulled onto it, changing every basis function's size by a power of the change.
/// Plugins promise entries of magnitude ~scale (sdk::RadialParameterization::initialize_random);
/// one measured correction makes the norm right whatever their exact distribution.
/// `explicit_scale` > 0 (manifest radial.init_scale) is used as is, without normalisation.
void random_radial_start(const sdk::RadialParameterization& radial, std::uint64_t seed, double explicit_scale,
                         double* theta);

/// rms over μ of ‖c_μ‖ for a materialised C.
double rms_radial_function_norm(const sdk::RadialShape& shape, const double* C);

}  // namespace mtpc
