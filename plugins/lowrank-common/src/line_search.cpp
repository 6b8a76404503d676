#include "mtpc_lowrank/line_search.hpp"

#include "mtpc_lowrank/armijo_doubling_search.hpp"
#include "mtpc_lowrank/wolfe_line_search.hpp"

namespace mtpc::lowrank {

std::string line_search_name(LineSearchKind kind) {
    return kind == LineSearchKind::kArmijoDoubling ? "armijo_doubling" : "wolfe";
}

LineSearchResult search_line(LineFunction& phi, LineSample at_zero, double first_trial,
                             const LineSearchSettings& settings) {
    if (settings.kind == LineSearchKind::kArmijoDoubling)
        return armijo_doubling_search(phi, at_zero, settings.sufficient_decrease);
    return weak_wolfe_search(phi, at_zero, first_trial, settings);
}

}  // namespace mtpc::lowrank
