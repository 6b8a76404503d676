// `mtpc relax POT.mtp IN.cfg OUT.cfg`: relaxes the positions (and with --relax-cell the cell) of
// every configuration, L-BFGS on the energy or, with --pressure, the enthalpy E + P·V.  The output
// has the relaxed configurations with their energies, forces and PlusStress, each with a line
// `Feature relax_converged true|false`; configurations that did not reach the tolerances are also
// listed (1-based) on stderr.  The exit status is 0 either way: the file holds every result and
// says which ones to distrust.  Threads run over configurations; output is written atomically.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "command_registry.hpp"
#include "mtpc/io/cfg_io.hpp"
#include "mtpc/io/mtp_io.hpp"
#include "mtpc/io/read_configurations.hpp"
#include "mtpc/relax/relaxation.hpp"

namespace {

struct RelaxCommandOptions {
    std::string potential, input, output;
    std::vector<std::string> species;  ///< for extended XYZ input
    mtpc::RelaxOptions relax;
};

void relax_command(const RelaxCommandOptions& o) {
    o.relax.validate("mtpc relax");
    const mtpc::MtpModel model(mtpc::read_mtp(o.potential));
    const std::vector<mtpc::Configuration> cfgs = mtpc::read_configurations(o.input, o.species);
    mtpc::check_species(cfgs, model.species_count(), o.input);
    const std::vector<mtpc::RelaxResult> results = mtpc::relax_all(model, cfgs, o.relax, o.input);
    std::vector<mtpc::Configuration> relaxed;
    std::vector<int> failed;
    for (size_t k = 0; k < results.size(); ++k) {
        relaxed.push_back(results[k].configuration);
        if (!results[k].converged) failed.push_back(int(k) + 1);
    }
    mtpc::write_cfg(o.output, relaxed);
    std::cout << fmt::format("relaxed {} configurations: {} converged\n", results.size(),
                             results.size() - failed.size());
    for (int k : failed) {
        const auto& r = results[k - 1];
        const std::string stress = o.relax.relax_cell ? fmt::format(", max stress {:.3g} GPa", r.max_stress) : "";
        spdlog::warn("{}: configuration {} did not converge after {} iterations (max force {:.3g} eV/A{}; {}); "
                     "flagged `Feature {} false` in {}",
                     o.input, k, r.iterations, r.max_force, stress, r.message, mtpc::kRelaxConvergedFeature, o.output);
    }
}

mtpc::cli::Registrar reg(35, [](CLI::App& app) {
    auto opts = std::make_shared<RelaxCommandOptions>();
    auto* cmd = app.add_subcommand("relax", "Relax positions (and the cell) of every configuration (L-BFGS)");
    cmd->add_option("potential", opts->potential, "Potential (.mtp)")->required()->check(CLI::ExistingFile);
    cmd->add_option("input", opts->input, "Configurations (.cfg, or extended XYZ .xyz/.extxyz with --species)")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("output", opts->output, "Relaxed configurations (.cfg), written atomically")->required();
    cmd->add_option("--species", opts->species, "Chemical symbols in type order, for XYZ input (e.g. Nb,Mo,Ta,W)")
        ->delimiter(',');
    cmd->add_flag("--relax-cell", opts->relax.relax_cell, "Also relax the cell (symmetric strain; periodic only)");
    cmd->add_option("--pressure", opts->relax.pressure_gpa, "External pressure in GPa: minimise E + P V (needs --relax-cell)");
    cmd->add_option("--force-tolerance", opts->relax.force_tolerance, "Converged when every |force| <= F eV/A")
        ->capture_default_str();
    cmd->add_option("--stress-tolerance", opts->relax.stress_tolerance,
                    "... and every |stress + P delta| <= S GPa (with --relax-cell)")
        ->capture_default_str();
    cmd->add_option("--max-iterations", opts->relax.max_iterations, "L-BFGS iterations per configuration")
        ->capture_default_str();
    cmd->add_option("--threads", opts->relax.threads, "Threads (over configurations); results do not depend on it")
        ->check(CLI::PositiveNumber);
    cmd->callback([opts] { relax_command(*opts); });
});

}  // namespace
