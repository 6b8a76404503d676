// mtpc: the command-line host.  Subcommands register themselves (command_registry.hpp).
#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

#include <exception>
#include <iostream>

#include "command_registry.hpp"

int main(int argc, char** argv) {
    CLI::App app{"mtpc: train and run (compressed) Moment Tensor Potentials"};
    app.set_version_flag("--version", std::string("mtpc ") + MTPC_VERSION);
    app.require_subcommand(0, 1);
    bool verbose = false;
    app.add_flag("-v,--verbose", verbose, "Log debugging details to stderr");
    mtpc::cli::add_registered_commands(app);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e);
    } catch (const std::exception& e) {
        // Bad input ends here: one line, non-zero exit (outputs are written atomically elsewhere).
        std::cerr << "mtpc: error: " << e.what() << '\n';
        return 1;
    }
    if (app.get_subcommands().empty()) {
        std::cout << app.help();
    }
    return 0;
}
