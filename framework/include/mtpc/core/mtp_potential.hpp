// The content of an MLIP-2 `.mtp` file (version 1.1.0), as data.
#pragma once

#include <array>
#include <string>
#include <utility>
#include <vector>

namespace mtpc {

/// Everything an MLIP-2 `.mtp` file holds.  Untrained templates have empty `radial_coeffs`,
/// `species_coeffs` and `moment_coeffs`.
struct MtpPotential {
    std::string version = "1.1.0";
    std::string potential_name = "MTP";
    double scaling = 1.0;  ///< multiplies every radial basis value (MLIP-2's `scaling`)
    int species_count = 0; ///< N_T
    std::string potential_tag;  ///< empty when absent
    std::string radial_basis_type = "RBChebyshev";
    double min_dist = 0, max_dist = 0;  ///< max_dist = R_cut
    int radial_basis_size = 0;          ///< N_b
    int radial_funcs_count = 0;         ///< N_f
    /// c^{(β)}_{μ,i,j} at index ((i·N_T + j)·N_f + μ)·N_b + β (file order); empty if untrained.
    std::vector<double> radial_coeffs;

    int alpha_moments_count = 0;
    std::vector<std::array<int, 4>> alpha_index_basic;  ///< {μ, a, b, c}
    std::vector<std::array<int, 4>> alpha_index_times;  ///< {i, j, k, t}: moment[t] += k·m[i]·m[j]
    std::vector<int> alpha_moment_mapping;              ///< the scalar moments (basis functions)

    std::vector<double> species_coeffs;  ///< N_T (trained)
    std::vector<double> moment_coeffs;   ///< alpha_moment_mapping.size() (trained)

    [[nodiscard]] bool trained() const { return !moment_coeffs.empty(); }
    [[nodiscard]] int alpha_scalar_moments() const { return static_cast<int>(alpha_moment_mapping.size()); }
};

}  // namespace mtpc
