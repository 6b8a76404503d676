// The line search of Algorithm 2 (RBFGS) of Vorotnikov et al. 2025, supplementary material.
#pragma once

#include "mtpc_lowrank/line_search.hpp"

namespace mtpc::lowrank {

/// Algorithm 2's step size, with c = φ'(0) < 0 and μ = settings.sufficient_decrease:
///
///     α ← 1
///     while φ(2α) − φ(0) < 2μαc:  α ← 2α        (doubling: Armijo still holds at 2α)
///     while φ(α) − φ(0) ≥ μαc:    α ← α/2       (halving: until Armijo holds at α)
///
/// Each trial is evaluated once: after the doubling loop has doubled at least once, its last α
/// was the "2α" of a passed test, so the halving loop accepts it without a new evaluation (the
/// point was kept then).  A non-finite φ counts as a failed test in both loops (the literal
/// `≥` would accept a NaN).  Two safeguards the paper's loops do not need in exact arithmetic
/// on a loss bounded below: at most `kMaxDoublings` doublings (the last passing α is accepted),
/// and at most `kMaxHalvings` halvings (then no decrease: `decreased` = false).  No curvature
/// condition is checked, so a quasi-Newton caller must skip updates with ⟨s, y⟩ ≤ 0
/// (InverseBfgs::update does).
LineSearchResult armijo_doubling_search(LineFunction& phi, LineSample at_zero, double sufficient_decrease);

/// 2^60 ≈ 1e18: far beyond any meaningful step of a normalised direction.
inline constexpr int kMaxDoublings = 60;
/// 2^-60 ≈ 1e-18: below double precision relative to α = 1.
inline constexpr int kMaxHalvings = 60;

}  // namespace mtpc::lowrank
