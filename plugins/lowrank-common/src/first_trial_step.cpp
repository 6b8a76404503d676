#include "mtpc_lowrank/first_trial_step.hpp"

#include <algorithm>
#include <cmath>

namespace mtpc::lowrank {

double first_trial_step(double initial_step, bool fresh, double gradient_norm, double previous_decrease,
                        double slope) {
    if (fresh || !(previous_decrease > 0) || !(slope < 0)) return initial_step * std::min(1.0, 1.0 / gradient_norm);
    const double predicted = 2 * previous_decrease / -slope;
    return initial_step * (std::isfinite(predicted) ? std::min(1.0, predicted) : 1.0);
}

}  // namespace mtpc::lowrank
