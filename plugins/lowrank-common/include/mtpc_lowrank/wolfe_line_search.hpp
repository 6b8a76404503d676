// Weak-Wolfe line search by bracketing (Lewis & Overton 2013; Nocedal & Wright §3.5), shared by
// the Euclidean and the Riemannian BFGS: both only see the one-dimensional function
// φ(t) = L(step of length t) and its slope.
#pragma once

namespace mtpc::lowrank {

/// φ(t) and φ'(t) at one trial step.
struct LineSample {
    double value = 0;
    double slope = 0;
};

/// The curve searched along.  For a Riemannian method φ(t) = L(R_x(t η)) and the slope is
/// ⟨grad L(R_x(t η)), T(η)⟩ with T the vector transport (the usual Riemannian Wolfe condition,
/// Ring & Wirth 2012); for a Euclidean one simply L(x + t d) and ∇L·d.
class LineFunction {
public:
    virtual ~LineFunction() = default;
    /// Evaluates the objective at step t (one objective evaluation).
    virtual LineSample evaluate(double t) = 0;
    /// Makes the trial last passed to `evaluate` the search's current answer (the caller keeps
    /// its point and gradient, so the accepted step never has to be evaluated twice).
    virtual void keep_last() = 0;
};

struct LineSearchSettings {
    double sufficient_decrease = 1e-3;  ///< μ (Armijo, c₁): φ(t) ≤ φ(0) + μ t φ'(0)
    double curvature = 0.9;             ///< c₂ (weak Wolfe): φ'(t) ≥ c₂ φ'(0)
    int max_evaluations = 30;
};

struct LineSearchResult {
    bool decreased = false;  ///< an Armijo point was found (and kept): the loss strictly decreased
    bool wolfe = false;      ///< ... which also satisfies the curvature condition
    double step = 0;
    LineSample sample;       ///< φ and φ' at `step`
    int evaluations = 0;
};

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
