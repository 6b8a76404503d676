// Turns contraction graphs into MLIP-2's moment program: basic moments (components of the moment
// tensors) and pairwise products accumulated into intermediate moments (private to the generator).
//
// Every intermediate is the exact contraction of a subset of a graph's tensors (an "open" graph):
// a tensor whose free indices come in one symmetric block per tensor that still has free indices.
// Each block is stored by its symmetric components (a,b,c), a+b+c = block rank, so an intermediate
// with blocks of ranks r1, r2, ... has Π (r+1)(r+2)/2 components, each one alpha moment.  A node
// is computed from a split of its tensors into two parts X, Y: every component is
//   Z[ρ] = Σ_λ Π_bundles multinomial(λ) · X[ρ_X + λ] · Y[ρ_Y + λ],
// summing over the symmetric components λ of every bundle of index pairs contracted between a
// tensor of X and a tensor of Y (the multinomial counts the index assignments with those
// components).  Products with equal factors are merged, so the multiplicities are integers.
// Intermediates are identified by the canonical form of their open graph and shared.
#pragma once

#include <array>
#include <map>
#include <vector>

#include "basis_contraction_graph.hpp"

namespace mtpc::basis_detail {

/// Symmetric components (a,b,c) of a rank-n tensor, in MLIP-2's order (a descending, then b).
int symmetric_component_count(int rank);
int symmetric_component_index(int a, int b, int c);
const std::vector<std::array<int, 3>>& symmetric_components(int rank);

class MomentProgramBuilder {
public:
    /// Creates the basic moments: every component of every listed tensor, in the given order.
    explicit MomentProgramBuilder(const std::vector<TensorLabel>& basic_tensors);

    /// Builds (or finds) the scalar of a closed, canonical graph and returns its moment index.
    int scalar_moment(const ContractionGraph& closed_canonical_graph);

    [[nodiscard]] const std::vector<std::array<int, 4>>& basic() const { return basic_; }
    [[nodiscard]] const std::vector<std::array<int, 4>>& times() const { return times_; }
    [[nodiscard]] int moment_count() const { return moment_count_; }

private:
    /// An intermediate (or a basic tensor): its component tuples (one symmetric component per
    /// block, the last block varying fastest) and their moments.  Tuples that an automorphism of
    /// the open graph maps onto each other are equal and share one moment, computed once.
    struct Node {
        std::vector<int> block_vertex;     ///< canonical vertices with free indices, ascending
        std::vector<int> block_rank;       ///< their numbers of free indices
        std::vector<int> moment_of_tuple;  ///< moment index of every component tuple
        std::vector<char> computed;        ///< tuple is the first of its orbit (its moment's product list)
        int first_moment = 0;              ///< its moments are first_moment .. first_moment+components-1
        int components = 0;
    };

    int build(const ContractionGraph& canonical);
    long long plan_cost(const ContractionGraph& canonical, std::map<std::vector<int>, long long>& memo) const;
    [[nodiscard]] long long estimated_products(const ContractionGraph& g, unsigned mask) const;
    [[nodiscard]] long long distinct_components(const ContractionGraph& canonical) const;
    /// Blocks and orbit representatives of a canonical graph (moment indices relative to 0).
    [[nodiscard]] static Node node_layout(const ContractionGraph& canonical);
    Node make_node(const ContractionGraph& canonical);

    std::map<std::vector<int>, int> node_of_key_;
    std::vector<Node> nodes_;
    std::vector<std::array<int, 4>> basic_;
    std::vector<std::array<int, 4>> times_;
    int moment_count_ = 0;
    mutable std::map<std::vector<int>, long long> distinct_components_cache_;
};

}  // namespace mtpc::basis_detail
