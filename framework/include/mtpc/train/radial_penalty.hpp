// Penalties on the radial tensor C that keep the radial functions f_μ well scaled.
#pragma once

#include "mtpc/sdk/types.hpp"

namespace mtpc {

/// MLIP-2's soft orthonormality constraint on the radial functions (dev_src/mtpr.cpp,
/// AddPenaltyGrad): with c_μ ∈ R^{N_T² N_b} the coefficients of radial function μ over every
/// species pair (z_i, z_j) and every Chebyshev polynomial β,
///
///     P(C) = Σ_μ (‖c_μ‖² − 1)² + Σ_{μ<ν} (c_μ·c_ν)²  =  ½‖G − I‖²_F + ½ Σ_μ (G_μμ − 1)²,
///
/// G = the N_f × N_f Gram matrix of the c_μ.
///
/// Why: the MTP energy is unchanged when every f_μ is scaled by a and each ξ_α by a^{−d_α}
/// (d_α moments in B_α), and nearly unchanged along many more directions that the training
/// environments do not see (e.g. products of moments of different neighbour species, which only
/// occur in ternary and richer environments).  Unpenalised, the optimiser drifts along them: the
/// radial functions grow and their contributions cancel on the training data only.  Fixing each
/// c_μ near the unit sphere removes the scale gauge and bounds every pair's radial function.
class RadialOrthonormalityPenalty {
public:
    explicit RadialOrthonormalityPenalty(sdk::RadialShape shape) : shape_(shape) {}
    /// P(C); adds weight·∂P/∂C to `grad` when it is non-null.  Returns weight·P.
    double add(double weight, const double* C, double* grad) const;
    /// The N_f × N_f Gram matrix G_μν = c_μ·c_ν.
    [[nodiscard]] sdk::Matrix gram(const double* C) const;

private:
    sdk::RadialShape shape_;
};

/// The spread of each centre species' radial functions over its neighbour species:
///
///     S(C) = Σ_{z_i} Σ_{z_j<z_k} ‖c_{z_i z_j} − c_{z_i z_k}‖²  =  N_T Σ_{z_i} Σ_{z_j} ‖c_{z_i z_j} − c̄_{z_i}‖²,
///
/// c_{z_i z_j} ∈ R^{N_f N_b} all coefficients of the pair, c̄_{z_i} their mean over z_j.
///
/// Why: a moment sums over all neighbours, so a basis function (a product of moments) holds
/// cross terms f(z_i, z_j)·f(z_i, z_k) between neighbour species.  Unary and binary training data
/// fix those of at most two neighbour species per centre; in ternary and richer environments the
/// others appear, and nothing in the data controls them.  Pulling the pair functions of one
/// centre towards a common function (each species keeping what the data ask of it) makes those
/// terms interpolate between the ones the data fixed.  Zero for one species.
class NeighborSpeciesSpreadPenalty {
public:
    explicit NeighborSpeciesSpreadPenalty(sdk::RadialShape shape) : shape_(shape) {}
    /// weight·S(C); adds weight·∂S/∂C to `grad` when it is non-null.
    double add(double weight, const double* C, double* grad) const;

private:
    sdk::RadialShape shape_;
};

/// The curvature of every radial function f_{z_i z_j μ}(r) = Σ_β c_β Q_β(r) over the basis'
/// interval [min_dist, max_dist]:
///
///     K(C) = Σ_{z_i, z_j, μ} c_{z_i z_j μ}ᵀ H c_{z_i z_j μ},   H_βγ ∝ ∫_{−1}^{1} g_β''(ξ) g_γ''(ξ) dξ,
///
/// g_β(ξ) = T_β(ξ) (ξ − 1)², the Chebyshev basis of ChebyshevRadialBasis as a function of its
/// reduced distance ξ (Q_β = s (w/2)² g_β with w = max_dist − min_dist, so that d²Q_β/dr² =
/// s g_β''(ξ): the penalty does not depend on the interval or on `scaling`).  H is scaled to
/// trace N_b, so that K ≈ ‖C‖² for coefficients spread evenly over the basis.
///
/// Why: between the closest pair distance the training data show and min_dist a radial function
/// is whatever polynomial continuation the fit left there.  On Nb-Mo-Ta-W's train_tiny (closest
/// Ta–Ta pair 2.17 Å) the force between two isolated Ta atoms 2.0 Å apart ranged over six fits
/// from 34 eV/Å repulsive to 13 eV/Å attractive, and one fit was 62 eV/Å off on a hot Ta test
/// cell that reaches 2.0 Å.  Penalising curvature (a smoothing spline's prior) makes the
/// continuation the least-bent one the data allow.
class RadialCurvaturePenalty {
public:
    explicit RadialCurvaturePenalty(sdk::RadialShape shape);
    /// weight·K(C); adds weight·∂K/∂C to `grad` when it is non-null.
    double add(double weight, const double* C, double* grad) const;
    /// H (N_b × N_b, symmetric positive definite: no combination of the g_β is straight; trace N_b).
    [[nodiscard]] const sdk::Matrix& curvature_gram() const { return gram_; }

private:
    sdk::RadialShape shape_;
    sdk::Matrix gram_;
};

}  // namespace mtpc
