// What the line searches of the low-rank optimisers share: the one-dimensional function they
// search along, their settings and their result, and the choice between the two searches.
#pragma once

#include <string>

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

/// Which search picks the step.
enum class LineSearchKind {
    /// Bracketing weak-Wolfe search from a first trial the optimiser chooses (weak_wolfe_search).
    kWeakWolfe,
    /// Algorithm 2 of Vorotnikov et al. 2025: α = 1, doubled while Armijo holds at 2α, then halved
    /// until it holds at α (armijo_doubling_search).  Armijo only, no curvature condition.
    kArmijoDoubling,
};

/// The option value naming `kind` ("wolfe" or "armijo_doubling").
std::string line_search_name(LineSearchKind kind);

struct LineSearchSettings {
    LineSearchKind kind = LineSearchKind::kWeakWolfe;
    double sufficient_decrease = 1e-3;  ///< μ (Armijo, c₁): φ(t) ≤ φ(0) + μ t φ'(0)
    double curvature = 0.9;             ///< c₂ (weak Wolfe only): φ'(t) ≥ c₂ φ'(0)
    int max_evaluations = 30;           ///< weak Wolfe; Algorithm 2's search has its own (see there)
};

struct LineSearchResult {
    bool decreased = false;  ///< an Armijo point was found (and kept): the loss strictly decreased
    bool wolfe = false;      ///< ... which also satisfies the curvature condition (weak Wolfe only)
    double step = 0;
    LineSample sample;       ///< φ and φ' at `step`
    int evaluations = 0;
};

/// Runs the search `settings.kind` names.  `first_trial` is the weak-Wolfe search's first step;
/// Algorithm 2's search ignores it and starts at α = 1 (so the direction's length is its scale).
LineSearchResult search_line(LineFunction& phi, LineSample at_zero, double first_trial,
                             const LineSearchSettings& settings);

}  // namespace mtpc::lowrank
