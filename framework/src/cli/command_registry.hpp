// Each `mtpc` subcommand lives in its own cli/cmd_<name>.cpp and registers itself here, so adding
// a subcommand touches no other file.
//
//   static mtpc::cli::Registrar reg(/*order in --help*/ 30, [](CLI::App& app) {
//       auto* cmd = app.add_subcommand("calc-efs", "...");
//       ...
//       cmd->callback([=] { ...; });   // throw mtpc::InputError on bad input
//   });
//
// main() prints any exception from a callback as one line "mtpc: error: <what>" and exits 1.
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace mtpc::cli {

using CommandAdder = std::function<void(CLI::App&)>;

struct Registrar {
    Registrar(int order, CommandAdder add);
};

/// Adds every registered subcommand to `app`, in `order`.
void add_registered_commands(CLI::App& app);

}  // namespace mtpc::cli
