#include "mtpc_lowrank/wolfe_line_search.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

namespace mtpc::lowrank {

LineSearchResult weak_wolfe_search(LineFunction& phi, LineSample at_zero, double initial_step,
                                   const LineSearchSettings& settings) {
    LineSearchResult result;
    if (!(at_zero.slope < 0) || !(initial_step > 0) || !std::isfinite(at_zero.value)) return result;

    const double inf = std::numeric_limits<double>::infinity();
    double lo = 0, hi = inf;  // the Wolfe set is bracketed in [lo, hi]
    LineSample at_lo = at_zero;
    double at_hi_value = inf;
    double t = initial_step;

    for (int k = 0; k < settings.max_evaluations; ++k) {
        const LineSample s = phi.evaluate(t);
        ++result.evaluations;
        const bool armijo = std::isfinite(s.value) && std::isfinite(s.slope) &&
                            s.value <= at_zero.value + settings.sufficient_decrease * t * at_zero.slope;
        if (!armijo) {
            hi = t;
            at_hi_value = s.value;
        } else {
            const bool wolfe = s.slope >= settings.curvature * at_zero.slope;
            if (wolfe || !result.decreased || s.value <= result.sample.value) {
                phi.keep_last();
                result.decreased = true;
                result.step = t;
                result.sample = s;
            }
            if (wolfe) {
                result.wolfe = true;
                return result;
            }
            lo = t;
            at_lo = s;
        }

        if (hi == inf) {
            t *= 2;  // still descending steeply: expand
            continue;
        }
        const double width = hi - lo;
        if (width <= 1e-14 * hi) break;  // bracket collapsed to rounding level
        double next = lo + 0.1 * width;  // for non-finite φ(hi): a cautious step back
        if (std::isfinite(at_hi_value)) {
            // Minimiser of the quadratic through φ(lo), φ'(lo), φ(hi).
            const double curv = (at_hi_value - at_lo.value - at_lo.slope * width) / (width * width);
            next = curv > 0 ? lo - at_lo.slope / (2 * curv) : lo + 0.5 * width;
        }
        t = std::clamp(next, lo + 0.1 * width, lo + 0.5 * width);
    }
    return result;
}

}  // namespace mtpc::lowrank
