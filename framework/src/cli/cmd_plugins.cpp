// `mtpc plugins`: what the host found on the plugin search path, and what it had to skip.
#include <fmt/format.h>

#include <iostream>

#include "command_registry.hpp"
#include "mtpc/plugin/plugin_host.hpp"

namespace {
mtpc::cli::Registrar reg(10, [](CLI::App& app) {
    auto* cmd = app.add_subcommand("plugins", "List plugins (name, kind, version, path) and load failures");
    auto paths = std::make_shared<std::vector<std::string>>();
    cmd->add_option("--path", *paths, "Extra plugin directories or files, searched first");
    auto strict = std::make_shared<bool>(false);
    cmd->add_flag("--strict", *strict, "Exit with status 1 if any plugin file failed to load");
    cmd->callback([paths, strict] {
        mtpc::PluginHost host;
        const auto search = mtpc::PluginHost::search_path(*paths);
        host.scan(search);
        std::cout << "Search path:\n";
        for (const auto& p : search) std::cout << "  " << p << '\n';
        std::cout << fmt::format("\n{:<22} {:<24} {:<8} {}\n", "NAME", "KIND", "VERSION", "PATH");
        for (const auto& p : host.plugins())
            std::cout << fmt::format("{:<22} {:<24} {:<8} {}\n", p.name, mtpc::plugin_kind_name(p.kind), p.version,
                                     p.path);
        if (host.plugins().empty()) std::cout << "(none)\n";
        if (!host.failures().empty()) {
            std::cout << "\nLoad failures:\n";
            for (const auto& f : host.failures()) std::cout << "  " << f.path << ": " << f.reason << '\n';
        }
        if (*strict && !host.failures().empty()) throw std::runtime_error(
            std::to_string(host.failures().size()) + " plugin file(s) failed to load");
    });
});
}  // namespace
