// `mtpc init-mtp --level L --species N --min-dist A --max-dist B [--radial-basis-size 8] OUT.mtp`:
// writes an untrained MLIP-2 potential with the generated basis of level L (the counterpart of
// MLIP-2's untrained_mtps/L.mtp templates, which had to be edited by hand).
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <string>

#include "command_registry.hpp"
#include "mtpc/core/error.hpp"
#include "mtpc/io/mtp_io.hpp"
#include "mtpc/mtp/basis_generator.hpp"

namespace {

struct InitMtpArgs {
    int level = 0;
    int species = 0;
    double min_dist = 0;
    double max_dist = 0;
    int radial_basis_size = 8;
    std::string output;
};

void init_mtp(const InitMtpArgs& a) {
    mtpc::MtpPotential pot;
    try {
        pot = mtpc::make_untrained_mtp(a.level, a.species, a.min_dist, a.max_dist, a.radial_basis_size);
    } catch (const mtpc::InputError& e) {
        throw mtpc::InputError(std::string("init-mtp: ") + e.what());
    }
    mtpc::write_mtp(a.output, pot);
    std::cout << fmt::format("{}: level {} MTP, {} species, {} basis functions, {} radial functions, {} moments, "
                             "{} products\n",
                             a.output, a.level, a.species, pot.alpha_scalar_moments(), pot.radial_funcs_count,
                             pot.alpha_moments_count, pot.alpha_index_times.size());
}

mtpc::cli::Registrar reg(20, [](CLI::App& app) {
    auto* cmd = app.add_subcommand("init-mtp", "Write an untrained MTP potential (MLIP-2 format) of a given level");
    auto args = std::make_shared<InitMtpArgs>();
    cmd->add_option("--level", args->level, "MTP level: even, 2..28")->required();
    cmd->add_option("--species", args->species, "Number of species N_T")->required();
    cmd->add_option("--min-dist", args->min_dist, "Smallest interatomic distance of the radial basis (Å)")->required();
    cmd->add_option("--max-dist", args->max_dist, "Cutoff radius (Å)")->required();
    cmd->add_option("--radial-basis-size", args->radial_basis_size, "Number of Chebyshev radial basis functions N_b")
        ->capture_default_str();
    cmd->add_option("output", args->output, "The potential file to write (.mtp)")->required();
    cmd->callback([args] { init_mtp(*args); });
});

}  // namespace
