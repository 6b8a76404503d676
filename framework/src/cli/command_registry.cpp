#include "command_registry.hpp"

#include <algorithm>
#include <utility>
#include <vector>

namespace mtpc::cli {
namespace {
std::vector<std::pair<int, CommandAdder>>& registry() {
    static std::vector<std::pair<int, CommandAdder>> r;  // function-local: no init-order fiasco
    return r;
}
}  // namespace

Registrar::Registrar(int order, CommandAdder add) { registry().emplace_back(order, std::move(add)); }

void add_registered_commands(CLI::App& app) {
    auto& r = registry();
    std::stable_sort(r.begin(), r.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [order, add] : r) add(app);
}

}  // namespace mtpc::cli
