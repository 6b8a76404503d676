// MatrixFactorizationRadial: the "MF" compression of the low-rank paper, Ĉ = U Vᵀ.
#pragma once

#include <string>

#include "mtpc/sdk/radial_parameterization.hpp"

namespace mtpc::radial_mf {

/// The reshaped radial tensor Ĉ ∈ R^{m×n} (m = N_T² species pairs, n = N_f·N_b) as a product of
/// two thin factors, Ĉ = U Vᵀ with U ∈ R^{m×r}, V ∈ R^{n×r}: r(m + n) parameters instead of m·n.
///
/// θ layout: [U row-major (m·r entries), V row-major (n·r entries)].
/// Gradients: with G = ∂L/∂Ĉ, ∂L/∂U = G V and ∂L/∂V = Gᵀ U.
/// The factorisation has a GL(r) gauge freedom (U A, V A⁻ᵀ give the same Ĉ); nothing here removes
/// it -- that is the job of the Riemannian (R-MF) variant.
class MatrixFactorizationRadial final : public sdk::RadialParameterization {
public:
    /// Options: {"n_species", "n_funcs", "n_basis"} (set by the host) and "rank" (required,
    /// 1 ≤ rank ≤ min(N_T², N_f·N_b)).  Throws std::invalid_argument naming the bad option.
    explicit MatrixFactorizationRadial(const std::string& options_json);

    [[nodiscard]] sdk::RadialShape shape() const override { return shape_; }
    [[nodiscard]] int num_parameters() const override { return rank_ * (shape_.rows() + shape_.cols()); }
    [[nodiscard]] std::string options_json() const override;
    [[nodiscard]] int rank() const { return rank_; }

    void materialize(const double* theta, double* C) const override;
    void pull_back(const double* theta, const double* dL_dC, double* dL_dtheta) const override;
    /// U and V entries i.i.d. normal with standard deviation √(scale/√r): an entry of Ĉ is a sum of
    /// r products of two such numbers, so its standard deviation is `scale`.
    void initialize_random(std::uint64_t seed, double scale, double* theta) const override;
    /// Truncated SVD Ĉ ≈ U_r Σ_r V_rᵀ (the Eckart–Young optimum), stored as the balanced factors
    /// U = U_r Σ_r^{1/2}, V = V_r Σ_r^{1/2} (equal norms, which suits gradient-based refinement),
    /// with the sign convention of lowrank::truncated_svd so the result is reproducible.
    void initialize_from(const double* C, double* theta) const override;

private:
    sdk::RadialShape shape_;
    int rank_ = 0;
};

}  // namespace mtpc::radial_mf
