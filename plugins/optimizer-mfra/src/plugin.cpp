// The exported symbols of libmtpc_optimizer_mfra.so.
#include "mtpc/sdk/plugin.hpp"

#include "RankAugmentingBfgs.hpp"

MTPC_DEFINE_PLUGIN(MTPC_KIND_OPTIMIZER, "optimizer-mfra", "1.0.0",
                   "BFGS on the factors U, V of the reshaped radial tensor with rank augmentation (MFRA)",
                   mtpc::mfra::RankAugmentingBfgs,
                   R"json({"rank_min": "integer >= 1 (default: the parameterization's rank, else 1)",
 "rank_max": "integer >= rank_min (default: min(N_T^2, N_f*N_b))",
 "augment_every": "integer >= 1, default 80: BFGS steps between rank augmentations",
 "rank_step": "integer >= 1, default 1: rank added per augmentation",
 "augment_hessian": "\"keep\" (default: the Hessian approximation grows with the new factor columns) or \"reset\"",
 "iteration_count": "\"all_steps\" (default: augmentations are iterations, s counted from the last one) or \"bfgs_steps\" (Algorithm 1: augment after BFGS steps s, 2s, ...; only BFGS steps are iterations)",
 "augmentation_split": "\"balanced\" (default: sqrt(h) on both new factor columns) or \"paper\" (Algorithm 1: U <- [U, h U_D S_D^1/2], V <- [V, V_D S_D^1/2])",
 "line_search": "\"wolfe\" (default) or \"armijo_doubling\" (Algorithm 2 of the low-rank paper)",
 "max_iterations": "integer, default 1000 (see iteration_count)",
 "gradient_tolerance": "number, default 1e-8",
 "function_tolerance": "number, default 1e-12",
 "sufficient_decrease": "number in (0, 0.5), default 1e-3",
 "initial_step": "number > 0, default 1: scale of the line search's first trial step",
 "initial_hessian": "\"identity\" (default) or \"scaled\" (Shanno-Phua scaling at the first BFGS update)",
 "linear_first": "integer >= 0, default 50: the first exact re-solve of the linear coefficients (Objective::solve_linear) after this many iterations, the intervals then doubling to linear_every",
 "linear_every": "integer >= 0, default 500: re-solve every N iterations after the doubling start, and at the end; 0 = never"})json")
