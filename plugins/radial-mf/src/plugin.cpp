// The exported symbols of libmtpc_radial_mf.so.
#include "mtpc/sdk/plugin.hpp"

#include "MatrixFactorizationRadial.hpp"

MTPC_DEFINE_PLUGIN(MTPC_KIND_RADIAL_PARAMETERIZATION, "radial-mf", "1.0.0",
                   "Matrix factorisation of the reshaped radial tensor, C^ = U V^T (rank r)",
                   mtpc::radial_mf::MatrixFactorizationRadial,
                   R"json({"n_species": "integer (set by host)", "n_funcs": "integer (set by host)", "n_basis": "integer (set by host)", "rank": "integer, required, 1 <= rank <= min(n_species^2, n_funcs*n_basis)", "examples": [{"rank": 2}]})json")
