// The exported symbols of libmtpc_manifold_fixed_rank.so: the geometry RBFGS uses, on its own.
#include "mtpc/sdk/plugin.hpp"

#include "FixedRankManifold.hpp"

MTPC_DEFINE_PLUGIN(MTPC_KIND_MANIFOLD, "manifold-fixed-rank", "1.0.0",
                   "Manifold of m x n matrices of rank r (projection, SVD retraction, projection transport)",
                   mtpc::rbfgs::FixedRankManifold,
                   R"json({"rank": "integer >= 1 (required)",
 "rows": "integer (or the radial shape below)", "cols": "integer",
 "n_species": "integer (set by host): rows = n_species^2",
 "n_funcs": "integer (set by host)", "n_basis": "integer (set by host): cols = n_funcs * n_basis",
 "examples": [{"rank": 2}]})json")
