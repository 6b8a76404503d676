#include "mtpc_lowrank/optimizer_settings.hpp"

#include <stdexcept>

namespace mtpc::lowrank {

namespace {
double positive(const plugin_common::Options& opt, const char* plugin, const char* key, double fallback,
                bool allow_zero) {
    const double v = opt.get_double(key, fallback);
    if (!(allow_zero ? v >= 0 : v > 0))
        throw std::invalid_argument(std::string(plugin) + ": option '" + key + "' must be " +
                                    (allow_zero ? "non-negative" : "positive"));
    return v;
}
}  // namespace

OptimizerSettings OptimizerSettings::parse(const plugin_common::Options& opt, const std::string& plugin) {
    const char* who = plugin.c_str();
    OptimizerSettings s;
    s.max_iterations = opt.get_int("max_iterations", 0, s.max_iterations);
    s.gradient_tolerance = positive(opt, who, "gradient_tolerance", s.gradient_tolerance, true);
    s.function_tolerance = positive(opt, who, "function_tolerance", s.function_tolerance, true);
    s.sufficient_decrease = positive(opt, who, "sufficient_decrease", s.sufficient_decrease, false);
    // μ < 1/2 keeps the exact minimiser of a quadratic acceptable; it must also stay below the
    // curvature constant 0.9 or the Wolfe set can be empty.
    if (s.sufficient_decrease >= 0.5)
        throw std::invalid_argument(plugin + ": option 'sufficient_decrease' must be below 0.5");
    s.initial_step = positive(opt, who, "initial_step", s.initial_step, false);
    const std::string initial_hessian = opt.get_string("initial_hessian", "identity");
    if (initial_hessian != "identity" && initial_hessian != "scaled")
        throw std::invalid_argument(plugin + ": option 'initial_hessian' must be \"identity\" or \"scaled\"");
    s.scale_initial_hessian = initial_hessian == "scaled";
    const std::string line_search = opt.get_string("line_search", line_search_name(s.line_search));
    if (line_search != "wolfe" && line_search != "armijo_doubling")
        throw std::invalid_argument(plugin + ": option 'line_search' must be \"wolfe\" or \"armijo_doubling\"");
    s.line_search = line_search == "armijo_doubling" ? LineSearchKind::kArmijoDoubling : LineSearchKind::kWeakWolfe;
    s.linear_first = opt.get_int("linear_first", 0, s.linear_first);
    s.linear_every = opt.get_int("linear_every", 0, s.linear_every);
    return s;
}

nlohmann::json OptimizerSettings::to_json() const {
    return nlohmann::json{{"max_iterations", max_iterations},
                          {"gradient_tolerance", gradient_tolerance},
                          {"function_tolerance", function_tolerance},
                          {"sufficient_decrease", sufficient_decrease},
                          {"initial_step", initial_step},
                          {"initial_hessian", scale_initial_hessian ? "scaled" : "identity"},
                          {"line_search", line_search_name(line_search)},
                          {"linear_first", linear_first},
                          {"linear_every", linear_every}};
}

std::vector<std::string> OptimizerSettings::keys_and(std::initializer_list<const char*> own) {
    std::vector<std::string> keys;
    const nlohmann::json defaults = OptimizerSettings{}.to_json();  // items() must not outlive it
    for (const auto& item : defaults.items()) keys.push_back(item.key());
    keys.insert(keys.end(), own.begin(), own.end());
    return keys;
}

LineSearchSettings OptimizerSettings::line_search_settings() const {
    LineSearchSettings line;
    line.kind = line_search;
    line.sufficient_decrease = sufficient_decrease;
    return line;
}

int rank_in_options(const std::string& parameterization_options_json) {
    const auto j = nlohmann::json::parse(parameterization_options_json, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("rank") || !j.at("rank").is_number_integer()) return 0;
    return j.at("rank").get<int>();
}

std::string options_with_rank(const std::string& parameterization_options_json, int rank) {
    auto j = nlohmann::json::parse(parameterization_options_json.empty() ? "{}" : parameterization_options_json);
    j["rank"] = rank;
    return j.dump();
}

void check_start(const std::string& plugin, const sdk::Objective& objective, const sdk::RadialParameterization& param,
                 const sdk::OptimizerState& state) {
    const int p = objective.euclidean_size();
    if (param.shape() != objective.radial_shape())
        throw std::invalid_argument(plugin + ": the parameterization's radial shape differs from the objective's");
    if (state.x.size() != p)
        throw std::invalid_argument(plugin + ": start x has " + std::to_string(state.x.size()) +
                                    " entries, the objective expects " + std::to_string(p));
    if (state.theta.size() != param.num_parameters())
        throw std::invalid_argument(plugin + ": start theta has " + std::to_string(state.theta.size()) +
                                    " entries, the parameterization expects " + std::to_string(param.num_parameters()));
}

}  // namespace mtpc::lowrank
