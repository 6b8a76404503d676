// Contractions of moment tensors as small vertex-labelled multigraphs (private to the basis
// generator).
//
// A vertex is a moment tensor M_{μ,ν} (symmetric, rank ν); an edge of multiplicity c between two
// vertices contracts c index pairs between them.  A vertex whose degree is below ν keeps ν − degree
// "free" indices: the graph then describes a tensor (an intermediate), otherwise a scalar.
#pragma once

#include <array>
#include <vector>

namespace mtpc::basis_detail {

constexpr int kMaxTensors = 4;  ///< MLIP-2 contracts at most four moment tensors
constexpr int kMaxMu = 5;       ///< MLIP-2 caps N_f at 6
constexpr int kMaxNu = 10;      ///< MLIP-2 uses tensors of rank at most 10

struct TensorLabel {
    int mu = 0;
    int nu = 0;
    [[nodiscard]] int level() const { return 2 + 4 * mu + nu; }
};

/// Up to four tensors and the numbers of contracted index pairs between them (no self-contraction).
struct ContractionGraph {
    int n = 0;
    std::array<TensorLabel, kMaxTensors> label{};
    std::array<std::array<int, kMaxTensors>, kMaxTensors> mult{};  ///< symmetric, zero diagonal

    [[nodiscard]] int degree(int v) const;
    [[nodiscard]] int free_indices(int v) const { return label[v].nu - degree(v); }
    [[nodiscard]] bool closed() const;  ///< every index contracted: a scalar
    [[nodiscard]] int level() const;    ///< Σ (2 + 4μ + ν)
    /// The sub-graph induced by the vertices in bit mask `mask` (vertex order kept); the indices
    /// of edges leaving the subset become free indices.
    [[nodiscard]] ContractionGraph induced(unsigned mask) const;
    /// Serialisation used for canonical comparison: n, labels, upper-triangle multiplicities.
    [[nodiscard]] std::vector<int> serialise() const;
};

/// The isomorphism-class representative of `g` (lexicographically smallest serialisation over all
/// vertex relabellings).  `original_of[p]`, if given, receives the vertex of `g` placed at
/// canonical position p.
ContractionGraph canonical_form(const ContractionGraph& g, std::array<int, kMaxTensors>* original_of = nullptr);

/// The vertex permutations p with label[p[v]] = label[v] and mult[p[v]][p[w]] = mult[v][w] (the
/// identity included): relabellings that leave the contraction unchanged.
std::vector<std::array<int, kMaxTensors>> automorphisms(const ContractionGraph& g);

/// Every distinct closed contraction graph (the scalar basis functions) with level <= `level`, in
/// canonical form, sorted by (level, number of tensors, serialisation).
std::vector<ContractionGraph> enumerate_scalar_contractions(int level);

}  // namespace mtpc::basis_detail
