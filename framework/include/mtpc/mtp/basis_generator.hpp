// The MTP basis of a given level, generated in MLIP-2's representation (basic moments, pairwise
// "times" products, scalar moments), plus a small reference evaluator of its basis functions.
//
// Function space (identical to MLIP-2's untrained templates, levels 2..28): every distinct full
// contraction of at most four moment tensors M_{μ,ν} = Σ_j f_μ(r_j) û_j^{⊗ν} with
// Σ (2 + 4μ + ν) <= level, μ <= 5 and ν <= 10; a tensor is never contracted with itself, products
// of separately contracted groups count, and two contractions are the same when a relabelling of
// the tensors maps one onto the other (isomorphic vertex-labelled multigraphs).  The limits
// μ <= 5 (N_f <= 6) and ν <= 10 only bite at levels 26 and 28, where they reproduce MLIP-2's counts.
//
// Representation: the intermediate tensors are exact partial contractions of a subset of the
// tensors, stored as one block of symmetric components (a,b,c) per tensor that still has free
// indices; each component is one "alpha moment" and is a sum of products of two earlier moments
// with integer multiplicities.  The contraction order of every basis function is chosen to
// minimise the number of products, reusing intermediates shared between basis functions.
#pragma once

#include <Eigen/Core>

#include <array>
#include <vector>

#include "mtpc/core/mtp_potential.hpp"

namespace mtpc {

constexpr int kMtpMinLevel = 2;
constexpr int kMtpMaxLevel = 28;

/// An MTP basis in MLIP-2's `alpha_*` representation.
struct MtpBasis {
    int level = 0;
    int radial_funcs_count = 0;   ///< N_f = 1 + largest μ used
    int alpha_moments_count = 0;  ///< basic moments + intermediate moments
    std::vector<std::array<int, 4>> alpha_index_basic;  ///< {μ, a, b, c}
    std::vector<std::array<int, 4>> alpha_index_times;  ///< {i, j, k, t}: moment[t] += k·m[i]·m[j]
    std::vector<int> alpha_moment_mapping;              ///< moment index of each basis function
};

/// Generates the basis of an even `level` in [2, 28].  Deterministic.  Throws InputError for an
/// odd or out-of-range level.
MtpBasis generate_mtp_basis(int level);

/// An untrained MLIP-2 potential (no coefficients) with the generated basis of `level` and a
/// Chebyshev radial basis.  Throws InputError on invalid arguments (level as above, species_count
/// < 1, min_dist < 0, min_dist >= max_dist, radial_basis_size < 1).
MtpPotential make_untrained_mtp(int level, int species_count, double min_dist, double max_dist,
                                int radial_basis_size = 8);

/// One neighbour for evaluate_basis_functions: its offset from the central atom and the values of
/// the radial functions f_μ at its distance (index μ; at least N_f of them).
struct BasisNeighbour {
    Eigen::Vector3d r;
    std::vector<double> radial;
};

/// Values of the scalar basis functions (in alpha_moment_mapping order) on one neighbourhood:
/// basic moments Σ_j f_μ(r_j) x^a y^b z^c / |r_j|^{a+b+c}, then the times products in list order.
/// A straightforward reference evaluator (no derivatives) for tests and tools; throws InputError
/// when an index is out of range or a neighbour has too few radial values.
std::vector<double> evaluate_basis_functions(int alpha_moments_count,
                                             const std::vector<std::array<int, 4>>& alpha_index_basic,
                                             const std::vector<std::array<int, 4>>& alpha_index_times,
                                             const std::vector<int>& alpha_moment_mapping,
                                             const std::vector<BasisNeighbour>& neighbourhood);
std::vector<double> evaluate_basis_functions(const MtpBasis& basis,
                                             const std::vector<BasisNeighbour>& neighbourhood);

}  // namespace mtpc
