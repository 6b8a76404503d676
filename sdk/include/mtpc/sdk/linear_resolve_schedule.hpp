// When an optimiser re-solves the linear coefficients exactly (MLIP-2's periodic re-solve, through
// Objective::solve_linear): shared by the built-in BFGS steps and the low-rank optimiser plugins,
// so that every parameterization trains with the same recipe.
#pragma once

namespace mtpc::sdk {

/// The iterations after which the linear coefficients are re-solved: the first after `first`
/// iterations, then at intervals that double (first, 2·first, 4·first, …) until they reach
/// `every`, then every `every`.  Why not a fixed period: early in a fit the radial functions move
/// fast and the linear coefficients lag behind them; a fit stopped there (a short fit, or a
/// transient the data do not pin) extrapolates badly unless they are re-solved often (measured on
/// train_tiny.cfg, bench/README.md).  Later, each re-solve costs the solver its curvature history,
/// so the period grows.  `first` ≤ 0 or ≥ `every` gives the fixed period `every`; `every` ≤ 0
/// never re-solves.  The points depend on the iteration count only, so a resumed run re-solves
/// where an uninterrupted one does.
class LinearResolveSchedule {
public:
    /// The recipe's default (README "Training"): re-solves after 50, 150, 350, 750 iterations, then
    /// every 500.  A manifest's bfgs/lbfgs step and the low-rank optimisers start from these.
    static constexpr int kDefaultFirst = 50;
    static constexpr int kDefaultEvery = 500;

    LinearResolveSchedule(int first, int every) : first_(first > 0 && first < every ? first : every), every_(every) {}

    [[nodiscard]] bool enabled() const { return every_ > 0; }

    /// True when a re-solve falls after `done` iterations (done > 0).
    [[nodiscard]] bool resolves_after(int done) const { return enabled() && done > 0 && next_after(done - 1) == done; }

    /// The first re-solve point greater than `done` (enabled() only).
    [[nodiscard]] int next_after(int done) const {
        long long point = first_, interval = first_;
        while (interval < every_ && point <= done) {  // the doubling intervals (a few)
            interval = interval * 2 < every_ ? interval * 2 : every_;
            point += interval;
        }
        if (point <= done) point += (done - point) / every_ * every_ + every_;  // then every `every`
        return int(point);
    }

private:
    int first_, every_;
};

}  // namespace mtpc::sdk
