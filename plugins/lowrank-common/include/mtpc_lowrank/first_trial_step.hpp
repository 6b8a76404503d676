// The first trial step of a quasi-Newton line search.
#pragma once

namespace mtpc::lowrank {

/// First trial step t₀ of the line search along a direction d with slope φ'(0) = ⟨g, d⟩ < 0.
///
///  - `fresh` (no curvature information: first iteration or just after a reset of H):
///    t₀ = initial_step · min(1, 1/|g|), a step of length at most initial_step along −g;
///  - otherwise t₀ = initial_step · min(1, 2 (L_prev − L) / (−φ'(0))): the minimiser of the
///    quadratic with slope φ'(0) that decreases L by as much as the previous iteration did
///    (Nocedal & Wright, eq. 3.60), capped at the quasi-Newton step 1.  This is Ceres's rule
///    for its line-search minimiser; while H is still a poor model of the inverse Hessian (a few
///    iterations after a reset, H = I on a problem whose curvature is far from 1) the unit step
///    is far too long and the cap by the last decrease saves most of the backtracking
///    evaluations, and once H is good the ratio exceeds 1 and the unit step is tried.
///
/// `previous_decrease` = L_prev − L of the last accepted step (ignored when `fresh`).
double first_trial_step(double initial_step, bool fresh, double gradient_norm, double previous_decrease,
                        double slope);

}  // namespace mtpc::lowrank
