// The exported symbols of libmtpc_radial_cp.so: this line is all that makes CpRadial a plugin.
#include "mtpc/sdk/plugin.hpp"

#include "CpRadial.hpp"

MTPC_DEFINE_PLUGIN(MTPC_KIND_RADIAL_PARAMETERIZATION,  // what create() returns
                   "radial-cp",                         // the name manifests use
                   "1.0.0",                             // semantic version of the plugin
                   "CP (canonical polyadic) decomposition of the radial tensor, rank R",
                   radial_cp::CpRadial,                 // constructed from the options JSON text
                   R"json({"n_species": "integer (set by host)", "n_funcs": "integer (set by host)", "n_basis": "integer (set by host)", "rank": "integer >= 1, required: number of rank-one terms R", "als_sweeps": "integer >= 1, default 200: maximum ALS sweeps in initialize_from"})json")
