// The exported symbols of libmtpc_radial_full.so.
#include "mtpc/sdk/plugin.hpp"

#include "FullRadial.hpp"

MTPC_DEFINE_PLUGIN(MTPC_KIND_RADIAL_PARAMETERIZATION, "radial-full", "1.0.0",
                   "Full radial tensor, theta = C (the base MTP, no compression)",
                   mtpc::radial_full::FullRadial,
                   R"json({"n_species": "integer (set by host)", "n_funcs": "integer (set by host)", "n_basis": "integer (set by host)"})json")
