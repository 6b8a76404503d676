#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
    CLI::App app{"mtpc: compressed Moment Tensor Potentials"};
    app.set_version_flag("--version", std::string("mtpc ") + MTPC_VERSION);
    CLI11_PARSE(app, argc, argv);
    return 0;
}
