// Weak-Wolfe line search by bracketing (Lewis & Overton 2013; Nocedal & Wright §3.5), shared by
// the Euclidean and the Riemannian BFGS: both only see the one-dimensional function
// φ(t) = L(step of length t) and its slope.
#pragma once

#include "mtpc_lowrank/line_search.hpp"

namespace mtpc::lowrank {

/// Searches t > 0 from `initial_step` for a weak-Wolfe point of φ, given φ(0) and φ'(0) < 0.
///
/// Armijo failures (or non-finite values) shrink the step by safeguarded quadratic interpolation
/// into [lo + 0.1Δ, lo + 0.5Δ]; Armijo points that still descend steeply (φ'(t) < c₂ φ'(0)) double
/// it.  When the evaluation budget runs out, the lowest Armijo point seen is returned without the
/// curvature guarantee (the caller then skips a quasi-Newton update with ⟨s, y⟩ ≤ 0).  Every
/// accepted point satisfies Armijo, so accepted losses are strictly decreasing.
LineSearchResult weak_wolfe_search(LineFunction& phi, LineSample at_zero, double initial_step,
                                   const LineSearchSettings& settings);

}  // namespace mtpc::lowrank
