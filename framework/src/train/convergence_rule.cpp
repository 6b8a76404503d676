#include "mtpc/train/convergence_rule.hpp"

#include <fmt/format.h>

#include <cmath>

namespace mtpc {

bool ConvergenceRule::converged(int iteration, double loss) {
    if (!options_.enabled() || !std::isfinite(loss) || iteration <= last_iteration_) return false;
    last_iteration_ = iteration;
    if (std::isnan(window_start_loss_)) {  // the step's start, or the first report after a resume
        window_start_loss_ = loss;
        return false;
    }
    if (iteration % options_.window != 0) return false;
    const double decrease = (window_start_loss_ - loss) / std::abs(loss);
    const bool stop = decrease < options_.relative_decrease && decrease < previous_decrease_;
    previous_decrease_ = decrease;
    last_decrease_ = decrease;
    window_start_loss_ = loss;
    if (stop) stopped_at_ = iteration;
    return stop;
}

std::string ConvergenceRule::reason() const {
    return fmt::format("converged: loss decreased by {:.2e} (relative) in the {} iterations to {}, below {:.0e}",
                       last_decrease_, options_.window, stopped_at_, options_.relative_decrease);
}

nlohmann::json ConvergenceRule::state() const {
    return {{"window_start_loss", window_start_loss_}, {"previous_decrease", previous_decrease_},
            {"last_iteration", last_iteration_}};
}

void ConvergenceRule::restore(const nlohmann::json& s) {
    // A NaN start loss is written as null by nlohmann::json.
    window_start_loss_ = s.at("window_start_loss").is_number() ? s.at("window_start_loss").get<double>()
                                                               : std::numeric_limits<double>::quiet_NaN();
    previous_decrease_ = s.at("previous_decrease").get<double>();
    last_iteration_ = s.at("last_iteration").get<int>();
}

}  // namespace mtpc
