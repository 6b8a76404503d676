// `mtpc calc-efs POT.mtp IN.cfg OUT.cfg`: energies, forces and PlusStress of every configuration
// (like MLIP-2's `mlp calc-efs`).  Threads run over configurations; the output is written
// atomically, so a bad input leaves no output file.  Pairs closer than the potential's min_dist
// (where the radial basis extrapolates) draw one warning on stderr.
#include <fmt/format.h>

#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "command_registry.hpp"
#include "mtpc/core/atomic_file.hpp"
#include "mtpc/core/error.hpp"
#include "mtpc/io/cfg_io.hpp"
#include "mtpc/io/read_configurations.hpp"
#include "mtpc/io/mtp_io.hpp"
#include "mtpc/mtp/min_distance.hpp"
#include "mtpc/mtp/mtp_model.hpp"

namespace {

struct CalcEfsOptions {
    std::string potential, input, output;
    std::vector<std::string> species;  ///< for extended XYZ input
    int threads = 1;
};

void calc_efs(const CalcEfsOptions& o) {
    // Refused before the work, not after it.
    mtpc::check_output_path(o.output);
    mtpc::check_output_is_not_an_input(o.output, {o.potential, o.input});
    const mtpc::MtpModel model(mtpc::read_mtp(o.potential));
    std::vector<mtpc::Configuration> cfgs = mtpc::read_configurations(o.input, o.species);
    mtpc::require_configurations(cfgs, o.input);
    mtpc::check_species(cfgs, model.species_count(), o.input);
    const int n = int(cfgs.size());
    // Exceptions must not leave an OpenMP region: keep each configuration's error, report the
    // first one in file order.
    std::vector<std::exception_ptr> errors(n);
    // Each configuration's smallest distance comes from the list built for the evaluation anyway.
    std::vector<double> smallest(n);
#pragma omp parallel for schedule(dynamic, 1) num_threads(std::max(1, o.threads)) if (o.threads > 1)
    for (int k = 0; k < n; ++k) {
        try {
            auto& cfg = cfgs[k];
            const std::string where = cfg.source_line > 0
                                          ? fmt::format("{}:{}: configuration {}", o.input, cfg.source_line, k + 1)
                                          : fmt::format("{}: configuration {}", o.input, k + 1);
            // Types were checked by check_species above (what compute_efs(cfg) would check again).
            const mtpc::NeighborList nl(cfg, model.cutoff(), where);
            smallest[k] = mtpc::min_interatomic_distance(nl);
            const mtpc::EfsResult r = model.compute_efs(nl, cfg.types.data(), model.parameters(), 1);
            cfg.energy = r.energy;
            cfg.forces = r.forces;
            cfg.plus_stress = r.virial;
        } catch (...) {
            errors[k] = std::current_exception();
        }
    }
    for (const auto& e : errors)
        if (e) std::rethrow_exception(e);
    mtpc::warn_if_below_min_distance(mtpc::check_min_distance(smallest, model.radial_basis().min_dist()), o.input);
    mtpc::write_cfg(o.output, cfgs);
}

mtpc::cli::Registrar reg(30, [](CLI::App& app) {
    auto opts = std::make_shared<CalcEfsOptions>();
    auto* cmd = app.add_subcommand("calc-efs", "Compute energies, forces and stresses (PlusStress) with a potential");
    cmd->add_option("potential", opts->potential, "Potential (.mtp)")->required()->check(CLI::ExistingFile);
    cmd->add_option("input", opts->input, "Configurations (.cfg, or extended XYZ .xyz/.extxyz with --species)")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--species", opts->species, "Chemical symbols in type order, for XYZ input (e.g. Nb,Mo,Ta,W)")
        ->delimiter(',');
    cmd->add_option("output", opts->output, "Output configurations (.cfg), written atomically")->required();
    cmd->add_option("--threads", opts->threads, "Threads (over configurations); results do not depend on it")
        ->check(CLI::Range(1, 1024));
    cmd->callback([opts] { calc_efs(*opts); });
});

}  // namespace
