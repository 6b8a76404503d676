// The exported symbols of libmtpc_radial_tt.so.
#include "mtpc/sdk/plugin.hpp"

#include "TensorTrainRadial.hpp"

MTPC_DEFINE_PLUGIN(MTPC_KIND_RADIAL_PARAMETERIZATION, "radial-tt", "1.0.0",
                   "Tensor-train factorisation of the radial tensor over (z_i, z_j, mu, beta), ranks [r1, r2, r3]",
                   mtpc::radial_tt::TensorTrainRadial,
                   R"json({"n_species": "integer (set by host)", "n_funcs": "integer (set by host)", "n_basis": "integer (set by host)", "ranks": "array of 3 integers [r1, r2, r3], required; r_k <= r_(k-1)*n_k and r_k <= n_(k+1)*r_(k+1) with n = (n_species, n_species, n_funcs, n_basis), r0 = r4 = 1; larger ranks are rejected, not clamped", "examples": [{"ranks": [2, 2, 2]}]})json")
