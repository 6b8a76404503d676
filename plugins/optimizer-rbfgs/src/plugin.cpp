// The exported symbols of libmtpc_optimizer_rbfgs.so.
#include "mtpc/sdk/plugin.hpp"

#include "RiemannianBfgs.hpp"

MTPC_DEFINE_PLUGIN(MTPC_KIND_OPTIMIZER, "optimizer-rbfgs", "1.0.0",
                   "Riemannian BFGS on the fixed-rank manifold of the reshaped radial tensor (R-MF training)",
                   mtpc::rbfgs::RiemannianBfgs,
                   R"json({"rank": "integer >= 1 (default: the parameterization's rank)",
 "max_iterations": "integer, default 1000",
 "gradient_tolerance": "number, default 1e-8",
 "function_tolerance": "number, default 1e-12",
 "sufficient_decrease": "number in (0, 0.5), default 1e-3",
 "initial_step": "number > 0, default 1: scale of the line search's first trial step",
 "initial_hessian": "\"identity\" (default) or \"scaled\" (Shanno-Phua scaling at the first BFGS update)",
 "line_search": "\"wolfe\" (default: weak-Wolfe search) or \"armijo_doubling\" (Algorithm 2 of the low-rank paper: alpha = 1, doubling, then halving; Armijo only)",
 "hessian_transport": "\"symmetrized\" (default: symmetric part of T H T^-1) or \"plain\" (T H T^-1 as in Algorithm 2)",
 "radial_metric": "\"factor\" (default: H0 of the radial block in the balanced-factor metric) or \"euclidean\" (H0 = identity, Algorithm 2)",
 "restart_every": "integer >= 0, default 0 (never): reset the Hessian approximation (a restart point) every N iterations",
 "linear_first": "integer >= 0, default 50: the first exact re-solve of the linear coefficients (Objective::solve_linear) after this many iterations, the intervals then doubling to linear_every",
 "linear_every": "integer >= 0, default 500: re-solve every N iterations after the doubling start, and at the end; 0 = never",
 "examples": [{"rank": 2}]})json")
