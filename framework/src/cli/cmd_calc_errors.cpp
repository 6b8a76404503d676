// `mtpc calc-errors POT.mtp DB.cfg`: errors of a potential on a database, as MLIP-2's
// `mlp calc-errors` reports them (energy per atom, forces, stress in GPa: RMSE, MAE, max);
// `--by-feature NAME` adds a row per value of the configurations' `Feature NAME value`.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "command_registry.hpp"
#include "mtpc/io/cfg_io.hpp"
#include "mtpc/io/read_configurations.hpp"
#include "mtpc/io/mtp_io.hpp"
#include "mtpc/mtp/min_distance.hpp"
#include "mtpc/mtp/mtp_model.hpp"
#include "mtpc/train/error_metrics.hpp"

namespace {

struct CalcErrorsOptions {
    std::string potential, database;
    std::vector<std::string> species;  ///< for extended XYZ input
    int threads = 1;
    bool json = false;
    std::string by_feature;  ///< a feature name: also report per value (empty: overall only)
};

void calc_errors(const CalcErrorsOptions& o) {
    const mtpc::MtpModel model(mtpc::read_mtp(o.potential));
    const auto cfgs = mtpc::read_configurations(o.database, o.species);
    mtpc::require_configurations(cfgs, o.database);
    mtpc::check_species(cfgs, model.species_count(), o.database);
    // One evaluation serves the overall report, the groups and the min_dist check.
    std::vector<double> smallest;
    const auto results =
        mtpc::evaluate_configurations(model, model.parameters(), cfgs, nullptr, o.threads, o.database, &smallest);
    mtpc::warn_if_below_min_distance(mtpc::check_min_distance(smallest, model.radial_basis().min_dist()), o.database);
    const mtpc::ErrorReport report = mtpc::errors_of(cfgs, results);
    if (o.json) {
        nlohmann::json j = report.to_json();
        if (!o.by_feature.empty()) j["by_feature"] = mtpc::errors_by_feature(cfgs, results, o.by_feature).to_json();
        std::cout << j.dump(2) << '\n';
    } else {
        std::cout << report.to_text();
        if (!o.by_feature.empty()) std::cout << '\n' << mtpc::errors_by_feature(cfgs, results, o.by_feature).to_text();
    }
}

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
        ->check(CLI::Range(1, 1024));
    cmd->add_flag("--json", opts->json, "Print the report as JSON");
    cmd->add_option("--by-feature", opts->by_feature,
                    "Also report errors per value of the configurations' `Feature NAME value` lines")
        ->type_name("NAME");
    cmd->callback([opts] { calc_errors(*opts); });
});

}  // namespace
