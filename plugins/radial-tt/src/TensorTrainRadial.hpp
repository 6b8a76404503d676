// TensorTrainRadial: the "TF" (tensor-train) compression of the low-rank paper.
#pragma once

#include <array>
#include <string>

#include "mtpc/sdk/radial_parameterization.hpp"

namespace mtpc::radial_tt {

/// The radial tensor C ∈ R^{N_T×N_T×N_f×N_b} as a tensor train over the modes (z_i, z_j, μ, β):
///
///     C[i,j,μ,β] = G1[:,i,:] · G2[:,j,:] · G3[:,μ,:] · G4[:,β,:]
///
/// with cores G1 (1×N_T×r1), G2 (r1×N_T×r2), G3 (r2×N_f×r3), G4 (r3×N_b×1), each stored
/// row-major over (left rank, mode index, right rank) and concatenated in that order in θ:
/// r1·N_T + r1·N_T·r2 + r2·N_f·r3 + r3·N_b parameters.
///
/// Evaluation goes through the two half-trains L12[(i,j), b] = Σ_a G1[i,a] G2[a,j,b] (N_T²×r2)
/// and R34[b, (μ,β)] = Σ_c G3[b,μ,c] G4[c,β] (r2×N_f·N_b), so Ĉ = L12 · R34 is a rank-r2 matrix
/// factorisation whose factors are themselves factorised; gradients contract G = ∂L/∂Ĉ with the
/// opposite half-train and then with the partner core.
///
/// Ranks must be consistent with the shape, r_k ≤ r_{k-1}·n_k and r_k ≤ n_{k+1}·r_{k+1}
/// (r0 = r4 = 1, n = (N_T, N_T, N_f, N_b)); this also gives r1 ≤ N_T, r2 ≤ min(N_T², N_f·N_b),
/// r3 ≤ N_b.  Larger ranks can never be attained by any tensor of this shape, so they would only
/// add dead parameters; they are REJECTED with a message naming the violated bound, never clamped,
/// because the parameter count is part of the model a user asked for.
class TensorTrainRadial final : public sdk::RadialParameterization {
public:
    /// Options: {"n_species", "n_funcs", "n_basis"} (set by the host) and "ranks": [r1, r2, r3]
    /// (required, positive integers satisfying the bounds above).  Throws std::invalid_argument
    /// naming the bad option.
    explicit TensorTrainRadial(const std::string& options_json);

    [[nodiscard]] sdk::RadialShape shape() const override { return shape_; }
    [[nodiscard]] int num_parameters() const override;
    [[nodiscard]] std::string options_json() const override;
    [[nodiscard]] const std::array<int, 3>& ranks() const { return ranks_; }

    void materialize(const double* theta, double* C) const override;
    void pull_back(const double* theta, const double* dL_dC, double* dL_dtheta) const override;
    /// Core entries i.i.d. normal with one common standard deviation s, s⁸·r1·r2·r3 = scale²: an
    /// entry of C is a sum of r1·r2·r3 products of four such numbers, so its standard deviation
    /// is `scale`.
    void initialize_random(std::uint64_t seed, double scale, double* theta) const override;
    /// TT-SVD (Oseledets 2011) with the requested ranks: sequential truncated SVDs of the
    /// unfoldings [N_T × N_T N_f N_b], [r1 N_T × N_f N_b], [r2 N_f × N_b].  G1..G3 come out
    /// left-orthonormal and G4 carries the norm; exact when C has TT-ranks ≤ (r1, r2, r3), and in
    /// general ‖C − C_TT‖² ≤ Σ_k (discarded σ² of step k).  Signs follow lowrank::truncated_svd,
    /// so the result is reproducible.
    void initialize_from(const double* C, double* theta) const override;

private:
    /// Offsets of the four cores in θ (and the total in [4]).
    [[nodiscard]] std::array<std::int64_t, 5> core_offsets() const;

    sdk::RadialShape shape_;
    std::array<int, 3> ranks_{};
};

}  // namespace mtpc::radial_tt
