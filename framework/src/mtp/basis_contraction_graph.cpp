#include "basis_contraction_graph.hpp"

#include <algorithm>
#include <numeric>
#include <set>
#include <tuple>

namespace mtpc::basis_detail {

int ContractionGraph::degree(int v) const {
    int d = 0;
    for (int w = 0; w < n; ++w) d += mult[v][w];
    return d;
}

bool ContractionGraph::closed() const {
    for (int v = 0; v < n; ++v)
        if (free_indices(v) != 0) return false;
    return true;
}

int ContractionGraph::level() const {
    int l = 0;
    for (int v = 0; v < n; ++v) l += label[v].level();
    return l;
}

ContractionGraph ContractionGraph::induced(unsigned mask) const {
    ContractionGraph sub;
    std::array<int, kMaxTensors> vertex{};
    for (int v = 0; v < n; ++v)
        if (mask & (1u << v)) vertex[sub.n++] = v;
    for (int p = 0; p < sub.n; ++p) {
        sub.label[p] = label[vertex[p]];
        for (int q = 0; q < sub.n; ++q) sub.mult[p][q] = mult[vertex[p]][vertex[q]];
    }
    return sub;
}

std::vector<int> ContractionGraph::serialise() const {
    std::vector<int> s;
    s.reserve(1 + 2 * n + n * (n - 1) / 2);
    s.push_back(n);
    for (int v = 0; v < n; ++v) {
        s.push_back(label[v].mu);
        s.push_back(label[v].nu);
    }
    for (int v = 0; v < n; ++v)
        for (int w = v + 1; w < n; ++w) s.push_back(mult[v][w]);
    return s;
}

ContractionGraph canonical_form(const ContractionGraph& g, std::array<int, kMaxTensors>* original_of) {
    std::array<int, kMaxTensors> perm{};
    std::iota(perm.begin(), perm.begin() + g.n, 0);
    ContractionGraph best;
    std::vector<int> best_key;
    std::array<int, kMaxTensors> best_perm{};
    // At most 4! = 24 relabellings: brute force is the simplest exact canonical form.
    do {
        ContractionGraph h;
        h.n = g.n;
        for (int p = 0; p < g.n; ++p) {
            h.label[p] = g.label[perm[p]];
            for (int q = 0; q < g.n; ++q) h.mult[p][q] = g.mult[perm[p]][perm[q]];
        }
        std::vector<int> key = h.serialise();
        if (best_key.empty() || key < best_key) {
            best_key = std::move(key);
            best = h;
            best_perm = perm;
        }
    } while (std::next_permutation(perm.begin(), perm.begin() + g.n));
    if (original_of) *original_of = best_perm;
    return best;
}

std::vector<std::array<int, kMaxTensors>> automorphisms(const ContractionGraph& g) {
    std::vector<std::array<int, kMaxTensors>> result;
    std::array<int, kMaxTensors> p{};
    std::iota(p.begin(), p.begin() + g.n, 0);
    do {
        bool same = true;
        for (int v = 0; v < g.n && same; ++v) {
            same = g.label[p[v]].mu == g.label[v].mu && g.label[p[v]].nu == g.label[v].nu;
            for (int w = 0; w < g.n && same; ++w) same = g.mult[p[v]][p[w]] == g.mult[v][w];
        }
        if (same) result.push_back(p);
    } while (std::next_permutation(p.begin(), p.begin() + g.n));
    return result;
}

namespace {

/// All labels (μ,ν) whose tensor fits in `level` on its own.
std::vector<TensorLabel> admissible_labels(int level) {
    std::vector<TensorLabel> labels;
    for (int mu = 0; mu <= kMaxMu; ++mu)
        for (int nu = 0; nu <= kMaxNu; ++nu)
            if (TensorLabel{mu, nu}.level() <= level) labels.push_back({mu, nu});
    return labels;
}

/// Calls `emit` for every symmetric zero-diagonal multiplicity matrix whose row sums are the ranks.
template <class Emit>
void for_each_full_contraction(ContractionGraph& g, int pair, std::array<int, kMaxTensors>& remaining,
                               const Emit& emit) {
    // Pairs (v,w), v < w, in row-major order; after the last pair of vertex v, v must be saturated.
    std::array<std::pair<int, int>, 6> pairs{};
    int pair_count = 0;
    for (int v = 0; v < g.n; ++v)
        for (int w = v + 1; w < g.n; ++w) pairs[pair_count++] = {v, w};
    if (pair == pair_count) {
        for (int v = 0; v < g.n; ++v)
            if (remaining[v] != 0) return;
        emit(g);
        return;
    }
    const auto [v, w] = pairs[pair];
    for (int c = 0; c <= std::min(remaining[v], remaining[w]); ++c) {
        remaining[v] -= c;
        remaining[w] -= c;
        // v's last pair is (v, n−1): it must be saturated afterwards.
        const bool v_done = (w == g.n - 1);
        if (!v_done || remaining[v] == 0) {
            g.mult[v][w] = g.mult[w][v] = c;
            for_each_full_contraction(g, pair + 1, remaining, emit);
        }
        remaining[v] += c;
        remaining[w] += c;
    }
    g.mult[v][w] = g.mult[w][v] = 0;
}

}  // namespace

std::vector<ContractionGraph> enumerate_scalar_contractions(int level) {
    const std::vector<TensorLabel> labels = admissible_labels(level);
    std::set<std::vector<int>> seen;
    std::vector<ContractionGraph> graphs;
    // Multisets of labels as non-decreasing index sequences.
    std::array<int, kMaxTensors> pick{};
    auto visit_multiset = [&](int count) {
        ContractionGraph g;
        g.n = count;
        int rank_sum = 0;
        for (int p = 0; p < count; ++p) {
            g.label[p] = labels[pick[p]];
            rank_sum += g.label[p].nu;
        }
        if (g.level() > level || rank_sum % 2 != 0) return;
        std::array<int, kMaxTensors> remaining{};
        for (int p = 0; p < count; ++p) remaining[p] = g.label[p].nu;
        if (count == 1) {
            if (remaining[0] == 0 && seen.insert(g.serialise()).second) graphs.push_back(g);
            return;
        }
        for_each_full_contraction(g, 0, remaining, [&](const ContractionGraph& full) {
            ContractionGraph c = canonical_form(full);
            if (seen.insert(c.serialise()).second) graphs.push_back(c);
        });
    };
    const int label_count = static_cast<int>(labels.size());
    for (int count = 1; count <= kMaxTensors; ++count) {
        // Odometer over non-decreasing sequences pick[0] <= ... <= pick[count-1].
        std::fill(pick.begin(), pick.end(), 0);
        while (true) {
            visit_multiset(count);
            int p = count - 1;
            while (p >= 0 && pick[p] == label_count - 1) --p;
            if (p < 0) break;
            ++pick[p];
            for (int q = p + 1; q < count; ++q) pick[q] = pick[p];
        }
    }
    std::sort(graphs.begin(), graphs.end(), [](const ContractionGraph& a, const ContractionGraph& b) {
        return std::make_tuple(a.level(), a.n, a.serialise()) < std::make_tuple(b.level(), b.n, b.serialise());
    });
    return graphs;
}

}  // namespace mtpc::basis_detail
