// The KIM API routines of mtpc's MTP model driver other than create (KIM calls them through the
// pointers create publishes).
#pragma once

#include "KIM_ModelDriverHeaders.hpp"

namespace mtpc::kim {

/// Energy, per-atom energies, forces (also on padding atoms), virial and per-atom virials of the
/// contributing atoms, with MtpModel's site gradients.
int compute(KIM::ModelCompute const* const compute, KIM::ModelComputeArguments const* const args);
int compute_arguments_create(KIM::ModelCompute const* const compute, KIM::ModelComputeArgumentsCreate* const args);
int compute_arguments_destroy(KIM::ModelCompute const* const compute, KIM::ModelComputeArgumentsDestroy* const args);
int destroy(KIM::ModelDestroy* const destroy);

}  // namespace mtpc::kim
