#include "mtpc/train/basis_selection.hpp"

#include <Eigen/Dense>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <limits>
#include <random>
#include <stdexcept>

#include "mtpc/train/linear_fit.hpp"

namespace mtpc {

namespace {

/// A candidate whose Schur complement is below this fraction of its diagonal is (numerically) a
/// combination of the set already chosen: adding it changes nothing but the conditioning.
constexpr double kDependent = 1e-10;

using Set = std::vector<int>;  ///< columns of θ (n_species + s), ascending

struct SubsetFit {
    Set set;
    std::vector<int> cols;  ///< species columns, then `set`
    Eigen::LLT<Eigen::MatrixXd> llt;
    Eigen::VectorXd x;
    double loss = std::numeric_limits<double>::infinity();
};

/// Fits and ranks subsets of the columns on (A + γ diag(A) on ξ, b, c).
class SubsetSolver {
public:
    SubsetSolver(const NormalEquations& ne, int n_species, double gamma) : A_(ne.A), b_(ne.b), c_(ne.c) {
        for (int a = 0; a < ne.size(); ++a) {
            if (a >= n_species) A_(a, a) += gamma * ne.A(a, a);
            if (!(ne.A(a, a) > 0)) continue;  // unseen by the data: stays 0
            (a < n_species ? species_ : candidates_).push_back(a);
        }
    }
    [[nodiscard]] const Set& candidates() const { return candidates_; }

    [[nodiscard]] SubsetFit fit(Set set) const {
        std::sort(set.begin(), set.end());
        SubsetFit f;
        f.cols = species_;
        f.cols.insert(f.cols.end(), set.begin(), set.end());
        f.set = std::move(set);
        if (f.cols.empty()) {
            // A computed 0×0 factor: a default-constructed LLT's status is uninitialised, and
            // copying the fit (the population is copied) would read it (UBSan found this).
            f.llt.compute(Eigen::MatrixXd(0, 0));
            f.loss = c_;
            return f;
        }
        f.llt.compute(A_(f.cols, f.cols));
        if (f.llt.info() != Eigen::Success) return f;
        const Eigen::VectorXd bs = b_(f.cols);
        f.x = f.llt.solve(bs);
        f.loss = c_ - bs.dot(f.x);
        return f;
    }

    /// The column outside f.set whose addition lowers the loss most, or −1.
    [[nodiscard]] int best_addition(const SubsetFit& f) const {
        Set outside;
        std::set_difference(candidates_.begin(), candidates_.end(), f.set.begin(), f.set.end(),
                            std::back_inserter(outside));
        if (outside.empty() || f.x.size() != long(f.cols.size())) return -1;  // empty, or a failed fit
        Eigen::VectorXd residual = b_(outside), schur(outside.size());
        for (size_t q = 0; q < outside.size(); ++q) schur[q] = A_(outside[q], outside[q]);
        if (!f.cols.empty()) {
            const Eigen::MatrixXd cross = A_(f.cols, outside);
            residual -= cross.transpose() * f.x;
            schur -= f.llt.matrixL().solve(cross).colwise().squaredNorm().transpose();
        }
        int best = -1;
        double best_gain = 0;
        for (size_t q = 0; q < outside.size(); ++q) {
            const double diag = A_(outside[q], outside[q]);
            if (!(schur[q] > kDependent * diag)) continue;
            const double gain = residual[q] * residual[q] / schur[q];
            if (gain > best_gain || best < 0) {
                best_gain = gain;
                best = outside[q];
            }
        }
        return best;
    }

    /// The member of f.set whose removal raises the loss least (x_j² / (A_SS⁻¹)_jj), or −1.
    [[nodiscard]] int best_removal(const SubsetFit& f) const {
        if (f.set.empty() || f.x.size() == 0) return -1;
        const int n = int(f.cols.size()), first = int(species_.size());
        const Eigen::MatrixXd inverse = f.llt.solve(Eigen::MatrixXd::Identity(n, n));
        int best = -1;
        double best_cost = std::numeric_limits<double>::infinity();
        for (int p = first; p < n; ++p) {
            const double cost = f.x[p] * f.x[p] / inverse(p, p);
            if (cost < best_cost) {
                best_cost = cost;
                best = f.cols[p];
            }
        }
        return best;
    }

    /// Greedy additions (step 2) until the set has `size` members or nothing helps.
    [[nodiscard]] SubsetFit grow(SubsetFit f, size_t size) const {
        while (f.set.size() < size) {
            const int i = best_addition(f);
            if (i < 0) break;
            Set next = f.set;
            next.push_back(i);
            f = fit(std::move(next));
        }
        return f;
    }

    /// Step 4: swap the least useful member for the best outsider while that lowers the loss.
    [[nodiscard]] SubsetFit local_search(SubsetFit f, int max_swaps) const {
        for (int swap = 0; swap < max_swaps; ++swap) {
            const int j = best_removal(f);
            if (j < 0) break;
            Set reduced = f.set;
            reduced.erase(std::find(reduced.begin(), reduced.end(), j));
            const SubsetFit without = fit(reduced);
            const int i = best_addition(without);
            if (i < 0 || i == j) break;
            reduced.push_back(i);
            SubsetFit next = fit(std::move(reduced));
            if (!(next.loss < f.loss)) break;  // rounding ties must not cycle
            f = std::move(next);
        }
        return f;
    }

private:
    Eigen::MatrixXd A_;
    Eigen::VectorXd b_;
    double c_;
    Set species_, candidates_;
};

/// Fisher–Yates with the generator's raw output (std::shuffle's result is library-specific).
void shuffle(Set& s, std::mt19937_64& rng) {
    for (size_t i = s.size(); i > 1; --i) std::swap(s[i - 1], s[rng() % i]);
}

/// Step 3: every pair split at one random point into (A1, A2), (A1', A2'), children A1 ∪ A2' and
/// A1' ∪ A2; a child smaller than N_nz (shared members) is refilled greedily.
std::vector<SubsetFit> crossover(const std::vector<SubsetFit>& pop, size_t nnz, const SubsetSolver& solver,
                                 std::mt19937_64& rng) {
    std::vector<SubsetFit> children;
    if (nnz < 2) return children;
    for (size_t p = 0; p < pop.size(); ++p)
        for (size_t q = p + 1; q < pop.size(); ++q) {
            Set a = pop[p].set, b = pop[q].set;
            if (std::min(a.size(), b.size()) < 2) continue;
            shuffle(a, rng);
            shuffle(b, rng);
            const size_t h = 1 + rng() % (std::min(a.size(), b.size()) - 1);
            for (int side = 0; side < 2; ++side) {
                const Set& first = side == 0 ? a : b;
                const Set& second = side == 0 ? b : a;
                Set child(first.begin(), first.begin() + long(h));
                for (size_t k = h; k < second.size(); ++k)
                    if (std::find(child.begin(), child.end(), second[k]) == child.end()) child.push_back(second[k]);
                children.push_back(solver.grow(solver.fit(std::move(child)), nnz));
            }
        }
    return children;
}

/// Step 5: distinct sets, best first, at most `size`.
void keep_best(std::vector<SubsetFit>& pop, int size) {
    std::sort(pop.begin(), pop.end(), [](const SubsetFit& x, const SubsetFit& y) {
        return x.loss != y.loss ? x.loss < y.loss : x.set < y.set;
    });
    std::vector<SubsetFit> distinct;
    for (auto& f : pop) {
        const bool seen = std::any_of(distinct.begin(), distinct.end(), [&](const SubsetFit& d) { return d.set == f.set; });
        if (!seen && int(distinct.size()) < size) distinct.push_back(std::move(f));
    }
    pop = std::move(distinct);
}

}  // namespace

BasisSelection select_basis(const NormalEquations& ne, int n_species, const BasisSelectionOptions& o) {
    if (o.population < 1) throw std::invalid_argument("select_basis: population must be positive");
    const SubsetSolver solver(ne, n_species, o.l2);
    BasisSelection out;
    LinearRegularization reg;
    reg.n_species = n_species;
    out.full_loss = ne.loss(solve_linear_fit(ne, o.l2, reg));
    const size_t target = o.keep > 0 ? std::min<size_t>(o.keep, solver.candidates().size()) : solver.candidates().size();
    const double goal = (1 + o.tolerance) * out.full_loss;

    std::mt19937_64 rng(o.seed);
    std::vector<SubsetFit> pop{solver.fit({})};  // step 1
    for (size_t nnz = 1; nnz <= target; ++nnz) {
        for (auto& f : pop) f = solver.grow(std::move(f), nnz);  // step 2
        if (pop.size() > 1)
            for (auto& child : crossover(pop, nnz, solver, rng)) pop.push_back(std::move(child));
        const size_t parents = pop.size();
        for (size_t k = 0; k < parents; ++k) {
            SubsetFit better = solver.local_search(pop[k], o.max_swaps);
            if (better.set != pop[k].set) pop.push_back(std::move(better));
        }
        keep_best(pop, o.population);
        out.loss_path.push_back(pop.front().loss);
        spdlog::debug("basis selection: {} basis functions, loss {:.6e}", nnz, pop.front().loss);
        if (o.keep == 0 && pop.front().loss <= goal) break;
    }

    const SubsetFit& best = pop.front();
    out.theta = Eigen::VectorXd::Zero(ne.size());
    for (size_t p = 0; p < best.cols.size(); ++p) out.theta[best.cols[p]] = best.x[long(p)];
    for (int col : best.set) out.basis.push_back(col - n_species);
    out.loss = ne.loss(out.theta);
    out.force_rmse = ne.force_rmse(out.theta);
    return out;
}

}  // namespace mtpc
