// CpRadial: the radial tensor as a rank-R CP (canonical polyadic) decomposition.
#pragma once

#include <cstdint>
#include <string>

#include "mtpc/sdk/radial_parameterization.hpp"

namespace radial_cp {

/// C[i,j,μ,β] = Σ_{k<R} a_k[i] b_k[j] c_k[μ] d_k[β]: one vector per mode and rank-one term.
///
/// θ layout (R(2N_T + N_f + N_b) doubles), each factor stored row-major (index, then k):
///   A = θ[0 .. N_T·R)          A[i,k] = a_k[i]   (species of the central atom)
///   B = next N_T·R             B[j,k] = b_k[j]   (species of the neighbour)
///   M = next N_f·R             M[μ,k] = c_k[μ]   (radial function index)
///   D = next N_b·R             D[β,k] = d_k[β]   (Chebyshev polynomial index)
///
/// Options (JSON object):
///   "n_species", "n_funcs", "n_basis"  the shape, set by the host
///   "rank"        integer ≥ 1, required: R
///   "als_sweeps"  integer ≥ 1, default 200: at most this many ALS sweeps in initialize_from
class CpRadial final : public mtpc::sdk::RadialParameterization {
public:
    /// Parses and validates the options; throws std::invalid_argument with a one-line reason.
    explicit CpRadial(const std::string& options_json);

    [[nodiscard]] mtpc::sdk::RadialShape shape() const override { return shape_; }
    [[nodiscard]] int num_parameters() const override;
    [[nodiscard]] std::string options_json() const override;

    void materialize(const double* theta, double* C) const override;
    void pull_back(const double* theta, const double* dL_dC, double* dL_dtheta) const override;
    /// Every factor entry uniform with variance s², s chosen so that C's entries have RMS `scale`.
    void initialize_random(std::uint64_t seed, double scale, double* theta) const override;
    /// ALS fit of C (cp_als.hpp): exact (to ~1e-13) for a C of CP rank ≤ R, a least-squares
    /// approximation otherwise.
    void initialize_from(const double* C, double* theta) const override;

private:
    mtpc::sdk::RadialShape shape_;
    int rank_ = 0;
    int als_sweeps_ = 200;
};

}  // namespace radial_cp
