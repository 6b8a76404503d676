// `mtpc check-plugin PATH.so`: loads exactly one plugin file and runs the conformance checks of
// its kind (mtpc/plugin/conformance.hpp) -- what a plugin author runs before shipping.
#include <fmt/format.h>

#include <filesystem>
#include <iostream>
#include <memory>

#include "command_registry.hpp"
#include "mtpc/core/error.hpp"
#include "mtpc/plugin/conformance.hpp"
#include "mtpc/plugin/plugin_host.hpp"

namespace {

struct CheckPluginArgs {
    std::string path;
    mtpc::conformance::CheckSettings settings;
};

/// Returns true if every check passed.
bool check_plugin_file(const CheckPluginArgs& args) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(args.path, ec)) throw mtpc::InputError(args.path + ": no such file");
    mtpc::PluginHost host;
    // Only this file: no search path, so a plugin of the same name elsewhere cannot interfere.
    if (!host.load(args.path)) {
        const std::string reason = host.failures().empty() ? "unknown reason" : host.failures().back().reason;
        throw mtpc::InputError(args.path + ": cannot be loaded as an mtpc plugin: " + reason);
    }
    const mtpc::PluginRecord rec = host.plugins().front();
    const std::string options = mtpc::conformance::test_options(rec, args.settings);  // throws on bad --options
    std::cout << fmt::format("Plugin {} {} ({}) from {}\n", rec.name, rec.version, mtpc::plugin_kind_name(rec.kind),
                             rec.path);
    std::cout << "Test options: " << options << "\n\n";

    const auto results = mtpc::conformance::check_plugin(host, rec.name, args.settings);
    size_t failed = 0;
    for (const auto& r : results) {
        std::cout << fmt::format("{} {:<30} {}\n", r.passed ? "PASS" : "FAIL", r.name, r.detail);
        failed += r.passed ? 0 : 1;
    }
    std::cout << fmt::format("\n{} checks: {} passed, {} failed\n", results.size(), results.size() - failed, failed);
    return mtpc::conformance::all_passed(results);
}

mtpc::cli::Registrar reg(15, [](CLI::App& app) {
    auto* cmd = app.add_subcommand("check-plugin",
                                   "Load one plugin file and run the conformance checks of its kind "
                                   "(exit status 0 only if all pass)");
    auto args = std::make_shared<CheckPluginArgs>();
    cmd->add_option("plugin", args->path, "The plugin shared library (libmtpc_<name>.so)")->required();
    cmd->add_option("--options", args->settings.extra_options_json,
                    "The plugin's own options as a JSON object, e.g. '{\"rank\": 2}'")
        ->capture_default_str();
    cmd->add_option("--n-species", args->settings.n_species, "Radial shape used for the checks: N_T")
        ->check(CLI::Range(1, 100))
        ->capture_default_str();
    cmd->add_option("--n-funcs", args->settings.n_funcs, "Radial shape: N_f")->check(CLI::Range(1, 1000))->capture_default_str();
    cmd->add_option("--n-basis", args->settings.n_basis, "Radial shape: N_b")->check(CLI::Range(2, 1000))->capture_default_str();
    cmd->add_option("--seed", args->settings.seed, "Seed of the checks' random inputs")->capture_default_str();
    cmd->callback([args] {
        if (!check_plugin_file(*args)) throw std::runtime_error("check-plugin: " + args->path + " failed some checks");
    });
});

}  // namespace
