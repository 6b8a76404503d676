// mtpc: the command-line host.  Subcommands register themselves (command_registry.hpp).
#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <exception>
#include <iostream>

#include "command_registry.hpp"
#include "mtpc/core/atomic_file.hpp"

namespace {
/// Output that could not be written (a full disk, a closed pipe) is an error, not a success.
bool stdout_written() {
    std::cout.flush();
    return std::cout.good() && std::fflush(stdout) == 0 && std::ferror(stdout) == 0;
}
}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"mtpc: train and run (compressed) Moment Tensor Potentials"};
    app.set_version_flag("--version", std::string("mtpc ") + MTPC_VERSION);
    app.require_subcommand(0, 1);
    // Logs go to stderr so that stdout stays machine-readable; -v shows debugging details (e.g.
    // why a plugin file was skipped while scanning).  Set while parsing, before any subcommand runs.
    spdlog::set_default_logger(spdlog::stderr_color_mt("mtpc"));
    spdlog::set_pattern("%^[%l]%$ %v");
    app.add_flag_callback("-v,--verbose", [] { spdlog::set_level(spdlog::level::debug); },
                          "Log debugging details to stderr");
    mtpc::cli::add_registered_commands(app);
    mtpc::install_temporary_file_cleanup();  // an interrupted write leaves no temporary behind
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        // Usage errors in the same one-line form as every other error (CLI11's own form is two lines).
        std::cerr << "mtpc: error: " << e.what() << " (run with --help for usage)\n";
        return e.get_exit_code() != 0 ? e.get_exit_code() : 2;
    } catch (const std::exception& e) {
        // Bad input ends here: one line, non-zero exit (outputs are written atomically elsewhere).
        std::cerr << "mtpc: error: " << e.what() << '\n';
        return 1;
    }
    if (app.get_subcommands().empty()) {
        std::cout << app.help();
    }
    if (!stdout_written()) {
        std::cerr << "mtpc: error: cannot write to standard output\n";
        return 1;
    }
    return 0;
}
