// `mtpc calc-errors POT.mtp DB.cfg`: errors of a potential on a database, as MLIP-2's
// `mlp calc-errors` reports them (energy per atom, forces, stress in GPa: RMSE, MAE, max).
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "command_registry.hpp"
#include "mtpc/io/cfg_io.hpp"
#include "mtpc/io/read_configurations.hpp"
#include "mtpc/io/mtp_io.hpp"
#include "mtpc/mtp/mtp_model.hpp"
#include "mtpc/train/error_metrics.hpp"

namespace {

struct CalcErrorsOptions {
    std::string potential, database;
    std::vector<std::string> species;  ///< for extended XYZ input
    int threads = 1;
    bool json = false;
};

mtpc::cli::Registrar reg(31, [](CLI::App& app) {
    auto opts = std::make_shared<CalcErrorsOptions>();
    auto* cmd = app.add_subcommand("calc-errors", "Errors (RMSE, MAE, max) of a potential on a database");
    cmd->add_option("potential", opts->potential, "Potential (.mtp)")->required()->check(CLI::ExistingFile);
    cmd->add_option("database", opts->database,
                    "Configurations with reference values (.cfg, or extended XYZ .xyz/.extxyz with --species)")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--species", opts->species, "Chemical symbols in type order, for XYZ input (e.g. Nb,Mo,Ta,W)")
        ->delimiter(',');
    cmd->add_option("--threads", opts->threads, "Threads (over configurations); results do not depend on it")
        ->check(CLI::PositiveNumber);
    cmd->add_flag("--json", opts->json, "Print the report as JSON");
    cmd->callback([opts] {
        const mtpc::MtpModel model(mtpc::read_mtp(opts->potential));
        const auto cfgs = mtpc::read_configurations(opts->database, opts->species);
        mtpc::check_species(cfgs, model.species_count(), opts->database);
        const auto report =
            mtpc::compute_errors(model, model.parameters(), cfgs, nullptr, opts->threads, opts->database);
        if (opts->json)
            std::cout << report.to_json().dump(2) << '\n';
        else
            std::cout << report.to_text();
    });
});

}  // namespace
