#include "mtpc_lowrank/armijo_doubling_search.hpp"

#include <cmath>

namespace mtpc::lowrank {

namespace {
/// Armijo's test at α, false for a non-finite value.
bool sufficient(const LineSample& trial, double alpha, LineSample at_zero, double mu) {
    return std::isfinite(trial.value) && trial.value - at_zero.value < mu * alpha * at_zero.slope;
}
}  // namespace

LineSearchResult armijo_doubling_search(LineFunction& phi, LineSample at_zero, double sufficient_decrease) {
    LineSearchResult result;
    if (!(at_zero.slope < 0) || !std::isfinite(at_zero.value)) return result;
    const double mu = sufficient_decrease;
    const auto accept = [&](double alpha, const LineSample& sample) {
        phi.keep_last();
        result.decreased = true;
        result.step = alpha;
        result.sample = sample;
    };

    double alpha = 1;
    for (int k = 0; k < kMaxDoublings; ++k) {  // while φ(2α) − φ(0) < 2μαc: α ← 2α
        const LineSample trial = phi.evaluate(2 * alpha);
        ++result.evaluations;
        if (!sufficient(trial, 2 * alpha, at_zero, mu)) break;
        alpha *= 2;
        accept(alpha, trial);
    }
    if (result.decreased) return result;  // the doubled α passed Armijo: the halving loop stops at once

    for (int k = 0; k <= kMaxHalvings; ++k, alpha *= 0.5) {  // while φ(α) − φ(0) ≥ μαc: α ← α/2
        const LineSample trial = phi.evaluate(alpha);
        ++result.evaluations;
        if (sufficient(trial, alpha, at_zero, mu)) {
            accept(alpha, trial);
            return result;
        }
    }
    return result;
}

}  // namespace mtpc::lowrank
