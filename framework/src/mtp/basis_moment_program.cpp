#include "basis_moment_program.hpp"

#include <limits>
#include <stdexcept>
#include <utility>

namespace mtpc::basis_detail {

int symmetric_component_count(int rank) { return (rank + 1) * (rank + 2) / 2; }

int symmetric_component_index(int a, int b, int c) {
    (void)b;
    const int n = a + b + c;
    // (n−a)(n−a+1)/2 components have a larger a; within equal a, b descends, i.e. c ascends.
    return (n - a) * (n - a + 1) / 2 + c;
}

const std::vector<std::array<int, 3>>& symmetric_components(int rank) {
    // Ranks are small (at most 2·kMaxNu); the table is built once (thread-safe static init).
    static const std::vector<std::vector<std::array<int, 3>>> table = [] {
        std::vector<std::vector<std::array<int, 3>>> t(2 * kMaxNu + 1);
        for (int n = 0; n <= 2 * kMaxNu; ++n)
            for (int a = n; a >= 0; --a)
                for (int b = n - a; b >= 0; --b) t[n].push_back({a, b, n - a - b});
        return t;
    }();
    return table.at(rank);
}

namespace {

long long multinomial(const std::array<int, 3>& e) {
    // (a+b+c)! / (a! b! c!) as a product of binomials, exact in 64 bits for these ranks.
    auto binomial = [](int n, int k) {
        long long r = 1;
        for (int i = 1; i <= k; ++i) r = r * (n - k + i) / i;
        return r;
    };
    return binomial(e[0] + e[1], e[1]) * binomial(e[0] + e[1] + e[2], e[2]);
}

/// Calls f(indices) for every tuple of symmetric-component indices of the given ranks, the last
/// position varying fastest (the mixed-radix order used for multi-block components).
template <class F>
void for_each_component_tuple(const std::vector<int>& ranks, const F& f) {
    std::vector<int> idx(ranks.size(), 0);
    while (true) {
        f(idx);
        int p = static_cast<int>(ranks.size()) - 1;
        while (p >= 0 && idx[p] + 1 == symmetric_component_count(ranks[p])) idx[p--] = 0;
        if (p < 0) return;
        ++idx[p];
    }
}

unsigned full_mask(int n) { return (1u << n) - 1u; }

}  // namespace

MomentProgramBuilder::MomentProgramBuilder(const std::vector<TensorLabel>& basic_tensors) {
    for (const TensorLabel& t : basic_tensors) {
        ContractionGraph g;
        g.n = 1;
        g.label[0] = t;
        Node node = make_node(g);
        for (const auto& e : symmetric_components(t.nu)) basic_.push_back({t.mu, e[0], e[1], e[2]});
        node_of_key_.emplace(g.serialise(), static_cast<int>(nodes_.size()));
        nodes_.push_back(std::move(node));
    }
}

MomentProgramBuilder::Node MomentProgramBuilder::node_layout(const ContractionGraph& canonical) {
    Node node;
    std::array<int, kMaxTensors> block_of{};
    int tuples = 1;
    for (int v = 0; v < canonical.n; ++v) {
        const int f = canonical.free_indices(v);
        block_of[v] = f > 0 ? static_cast<int>(node.block_vertex.size()) : -1;
        if (f > 0) {
            node.block_vertex.push_back(v);
            node.block_rank.push_back(f);
            tuples *= symmetric_component_count(f);
        }
    }
    // Orbits of the component tuples under the automorphisms (a group, so the smallest image of a
    // tuple is the smallest member of its orbit).
    const auto autos = automorphisms(canonical);
    const std::size_t blocks = node.block_vertex.size();
    std::vector<int> radix(blocks), idx(blocks), image(blocks);
    for (std::size_t b = 0; b < blocks; ++b) radix[b] = symmetric_component_count(node.block_rank[b]);
    node.moment_of_tuple.assign(tuples, 0);
    node.computed.assign(tuples, 0);
    for (int t = 0; t < tuples; ++t) {
        for (int b = static_cast<int>(blocks) - 1, rest = t; b >= 0; --b) {
            idx[b] = rest % radix[b];
            rest /= radix[b];
        }
        int smallest = t;
        for (const auto& p : autos) {
            for (std::size_t b = 0; b < blocks; ++b) image[block_of[p[node.block_vertex[b]]]] = idx[b];
            int code = 0;
            for (std::size_t b = 0; b < blocks; ++b) code = code * radix[b] + image[b];
            smallest = std::min(smallest, code);
        }
        if (smallest == t) {
            node.computed[t] = 1;
            node.moment_of_tuple[t] = node.components++;
        } else {
            node.moment_of_tuple[t] = node.moment_of_tuple[smallest];  // smallest < t: already set
        }
    }
    return node;
}

MomentProgramBuilder::Node MomentProgramBuilder::make_node(const ContractionGraph& canonical) {
    Node node = node_layout(canonical);
    node.first_moment = moment_count_;
    for (int& m : node.moment_of_tuple) m += moment_count_;
    moment_count_ += node.components;
    return node;
}

long long MomentProgramBuilder::distinct_components(const ContractionGraph& canonical) const {
    std::vector<int> key = canonical.serialise();
    auto it = distinct_components_cache_.find(key);
    if (it == distinct_components_cache_.end())
        it = distinct_components_cache_.emplace(std::move(key), node_layout(canonical).components).first;
    return it->second;
}

int MomentProgramBuilder::scalar_moment(const ContractionGraph& closed_canonical_graph) {
    if (!closed_canonical_graph.closed()) throw std::logic_error("scalar_moment: graph has free indices");
    return nodes_.at(build(closed_canonical_graph)).first_moment;
}

long long MomentProgramBuilder::estimated_products(const ContractionGraph& g, unsigned mask) const {
    long long products = distinct_components(g);
    for (int u = 0; u < g.n; ++u)
        for (int w = 0; w < g.n; ++w)
            if ((mask >> u & 1u) && !(mask >> w & 1u) && g.mult[u][w] > 0)
                products *= symmetric_component_count(g.mult[u][w]);
    return products;
}

long long MomentProgramBuilder::plan_cost(const ContractionGraph& canonical,
                                          std::map<std::vector<int>, long long>& memo) const {
    std::vector<int> key = canonical.serialise();
    if (node_of_key_.count(key)) return 0;
    if (canonical.n == 1) throw std::logic_error("basis generator: a moment tensor is missing from the basic list");
    if (auto it = memo.find(key); it != memo.end()) return it->second;
    long long best = std::numeric_limits<long long>::max();
    const unsigned full = full_mask(canonical.n);
    // Unordered splits: the part holding vertex 0 is enumerated.
    for (unsigned mask = 1; mask < full; mask += 2) {
        const long long cost = estimated_products(canonical, mask) +
                               plan_cost(canonical_form(canonical.induced(mask)), memo) +
                               plan_cost(canonical_form(canonical.induced(full & ~mask)), memo);
        if (cost < best) best = cost;
    }
    memo.emplace(std::move(key), best);
    return best;
}

int MomentProgramBuilder::build(const ContractionGraph& canonical) {
    if (auto it = node_of_key_.find(canonical.serialise()); it != node_of_key_.end()) return it->second;
    if (canonical.n == 1) throw std::logic_error("basis generator: a moment tensor is missing from the basic list");

    // Cheapest split, counting products of not-yet-built intermediates too (first one on ties).
    const unsigned full = full_mask(canonical.n);
    std::map<std::vector<int>, long long> memo;
    unsigned best_mask = 0;
    long long best = std::numeric_limits<long long>::max();
    for (unsigned mask = 1; mask < full; mask += 2) {
        const long long cost = estimated_products(canonical, mask) +
                               plan_cost(canonical_form(canonical.induced(mask)), memo) +
                               plan_cost(canonical_form(canonical.induced(full & ~mask)), memo);
        if (cost < best) {
            best = cost;
            best_mask = mask;
        }
    }

    // The two factors, with their blocks expressed as vertices of `canonical`.
    struct Factor {
        std::vector<int> block_vertex, block_rank;
        std::vector<int> moment_of_tuple;
    };
    auto factor = [&](unsigned mask) {
        std::array<int, kMaxTensors> vertex_of_sub{};
        int k = 0;
        for (int v = 0; v < canonical.n; ++v)
            if (mask >> v & 1u) vertex_of_sub[k++] = v;
        std::array<int, kMaxTensors> sub_of_canonical{};
        const ContractionGraph part = canonical_form(canonical.induced(mask), &sub_of_canonical);
        const Node node = nodes_.at(build(part));  // copy: build() may grow nodes_
        Factor f;
        for (std::size_t b = 0; b < node.block_vertex.size(); ++b) {
            f.block_vertex.push_back(vertex_of_sub[sub_of_canonical[node.block_vertex[b]]]);
            f.block_rank.push_back(node.block_rank[b]);
        }
        f.moment_of_tuple = node.moment_of_tuple;
        return f;
    };
    const Factor x = factor(best_mask);
    const Factor y = factor(full & ~best_mask);
    const Node z = make_node(canonical);

    // Contracted bundles between the parts; enumeration ranks: Z's blocks, then the bundles.
    std::vector<std::array<int, 2>> bundle;
    std::vector<int> ranks = z.block_rank;
    for (int u = 0; u < canonical.n; ++u)
        for (int w = 0; w < canonical.n; ++w)
            if ((best_mask >> u & 1u) && !(best_mask >> w & 1u) && canonical.mult[u][w] > 0) {
                bundle.push_back({u, w});
                ranks.push_back(canonical.mult[u][w]);
            }
    const std::size_t zb = z.block_rank.size();
    auto moment_of = [](const Factor& f, const std::array<std::array<int, 3>, kMaxTensors>& e) {
        int tuple = 0;
        for (std::size_t b = 0; b < f.block_vertex.size(); ++b) {
            const auto& ev = e[f.block_vertex[b]];
            tuple = tuple * symmetric_component_count(f.block_rank[b]) + symmetric_component_index(ev[0], ev[1], ev[2]);
        }
        return f.moment_of_tuple[tuple];
    };
    std::vector<std::map<std::pair<int, int>, long long>> products(z.components);
    for_each_component_tuple(ranks, [&](const std::vector<int>& idx) {
        std::array<std::array<int, 3>, kMaxTensors> exponent{};
        int z_tuple = 0;
        for (std::size_t b = 0; b < zb; ++b) z_tuple = z_tuple * symmetric_component_count(ranks[b]) + idx[b];
        if (!z.computed[z_tuple]) return;  // equal to an earlier tuple by symmetry
        for (std::size_t b = 0; b < zb; ++b) {
            const auto& e = symmetric_components(ranks[b])[idx[b]];
            for (int d = 0; d < 3; ++d) exponent[z.block_vertex[b]][d] += e[d];
        }
        long long multiplicity = 1;
        for (std::size_t q = 0; q < bundle.size(); ++q) {
            const auto& lambda = symmetric_components(ranks[zb + q])[idx[zb + q]];
            for (int d = 0; d < 3; ++d) {
                exponent[bundle[q][0]][d] += lambda[d];
                exponent[bundle[q][1]][d] += lambda[d];
            }
            multiplicity *= multinomial(lambda);
        }
        int i = moment_of(x, exponent);
        int j = moment_of(y, exponent);
        if (i > j) std::swap(i, j);
        products[z.moment_of_tuple[z_tuple] - z.first_moment][{i, j}] += multiplicity;
    });
    for (int c = 0; c < z.components; ++c)
        for (const auto& [ij, k] : products[c]) {
            if (k > std::numeric_limits<int>::max()) throw std::logic_error("basis generator: multiplicity overflow");
            times_.push_back({ij.first, ij.second, static_cast<int>(k), z.first_moment + c});
        }

    node_of_key_.emplace(canonical.serialise(), static_cast<int>(nodes_.size()));
    nodes_.push_back(z);
    return static_cast<int>(nodes_.size()) - 1;
}

}  // namespace mtpc::basis_detail
