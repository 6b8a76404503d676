// `mtpc prune-basis POT.mtp TRAIN.cfg (--keep N | --tolerance T) -o OUT.mtp`: ℓ0 selection of
// basis functions (Shapeev 2016 §4.5.3) for the potential's radial functions, then the linear
// coefficients refitted on the kept ones; writes a smaller MLIP-2 potential.
#include <fmt/format.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "command_registry.hpp"
#include "mtpc/core/atomic_file.hpp"
#include "mtpc/core/error.hpp"
#include "mtpc/io/cfg_io.hpp"
#include "mtpc/io/mtp_io.hpp"
#include "mtpc/io/read_configurations.hpp"
#include "mtpc/mtp/basis_pruning.hpp"
#include "mtpc/mtp/mtp_model.hpp"
#include "mtpc/train/basis_selection.hpp"
#include "mtpc/train/normal_equations.hpp"
#include "mtpc/train/training_set.hpp"

namespace {

struct PruneBasisOptions {
    std::string potential, database, output, path_csv;
    std::vector<std::string> species;
    mtpc::LossWeights weights;
    mtpc::BasisSelectionOptions selection;
    int threads = 1;
};

void write_path(const std::string& file, const mtpc::BasisSelection& sel) {
    mtpc::write_file_atomically(file, [&](std::ostream& o) {
        o << "basis_functions,loss\n";
        for (size_t k = 0; k < sel.loss_path.size(); ++k) o << fmt::format("{},{:.17g}\n", k + 1, sel.loss_path[k]);
    });
}

void prune_basis_command(const PruneBasisOptions& o) {
    mtpc::check_output_path(o.output);
    mtpc::check_output_is_not_an_input(o.output, {o.potential, o.database});
    const mtpc::MtpPotential pot = mtpc::read_mtp(o.potential);
    if (!pot.trained() || pot.radial_coeffs.empty())
        throw mtpc::InputError(o.potential + ": not a trained potential (its radial functions are needed)");
    const mtpc::MtpModel model(pot);
    auto cfgs = mtpc::read_configurations(o.database, o.species);
    mtpc::require_configurations(cfgs, o.database);
    const mtpc::TrainingSet train(std::move(cfgs), model.species_count(), model.cutoff(), o.weights, o.database);
    const auto ne = mtpc::sum_of(mtpc::build_normal_equations(model, train, pot.radial_coeffs.data(), 1, o.threads));
    const mtpc::BasisSelection sel = mtpc::select_basis(ne, model.species_count(), o.selection);

    mtpc::MtpPotential out = mtpc::prune_basis(pot, sel.basis);
    const int nT = model.species_count();
    out.species_coeffs.assign(sel.theta.data(), sel.theta.data() + nT);
    out.moment_coeffs.clear();
    for (int s : sel.basis) out.moment_coeffs.push_back(sel.theta[nT + s]);
    mtpc::write_mtp(o.output, out);
    if (!o.path_csv.empty()) write_path(o.path_csv, sel);
    std::cout << fmt::format(
        "{}: {} of {} basis functions, {} of {} moments, {} of {} products; loss {:.6e} (all functions: {:.6e}), "
        "force RMSE {:.5f} eV/A on {}\n",
        o.output, sel.basis.size(), pot.alpha_scalar_moments(), out.alpha_moments_count, pot.alpha_moments_count,
        out.alpha_index_times.size(), pot.alpha_index_times.size(), sel.loss, sel.full_loss, sel.force_rmse, o.database);
}

mtpc::cli::Registrar reg(42, [](CLI::App& app) {
    auto o = std::make_shared<PruneBasisOptions>();
    auto* cmd = app.add_subcommand(
        "prune-basis", "Select a subset of basis functions by l0 regularisation (greedy + genetic) and refit");
    cmd->add_option("potential", o->potential, "Trained potential (.mtp); its radial functions are kept")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("database", o->database, "Training configurations (.cfg, or extended XYZ with --species)")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("-o,--output", o->output, "Pruned potential (.mtp), written atomically")->required();
    auto* keep = cmd->add_option("--keep", o->selection.keep, "Number of basis functions to keep")
                     ->check(CLI::Range(1, 1000000));
    cmd->add_option("--tolerance", o->selection.tolerance,
                    "Without --keep: the fewest functions whose loss is <= (1 + T) x the loss with all (default 0.05)")
        ->check(CLI::Range(0.0, 1e300))
        ->excludes(keep);
    cmd->add_option("--energy-weight", o->weights.energy, "Loss weight of energies (default 1)")->check(CLI::Range(0.0, 1e300));
    cmd->add_option("--force-weight", o->weights.forces, "Loss weight of forces (default 0.01)")->check(CLI::Range(0.0, 1e300));
    cmd->add_option("--stress-weight", o->weights.stress, "Loss weight of stresses (default 0)")->check(CLI::Range(0.0, 1e300));
    cmd->add_option("--weighting", o->weights.weighting, "Per-configuration weighting (default vibrations)")
        ->check(CLI::IsMember({"vibrations", "structures", "molecules"}));
    cmd->add_option("--l2", o->selection.l2, "Ridge gamma diag(X^T X) on the kept coefficients (default 0)")
        ->check(CLI::Range(0.0, 1e300));
    cmd->add_option("--population", o->selection.population, "Sets kept by the genetic algorithm (default 4)")
        ->check(CLI::Range(1, 64));
    cmd->add_option("--max-swaps", o->selection.max_swaps, "Local-search swaps per set and step (default 20)")
        ->check(CLI::Range(0, 1000000));
    cmd->add_option("--seed", o->selection.seed, "Seed of the crossover's random splits (default 1)");
    cmd->add_option("--path", o->path_csv, "Also write the best loss per number of basis functions (CSV)");
    cmd->add_option("--species", o->species, "Chemical symbols in type order, for XYZ input")->delimiter(',');
    cmd->add_option("--threads", o->threads, "Threads (over configurations); results do not depend on it")
        ->check(CLI::Range(1, 1024));
    cmd->callback([o] { prune_basis_command(*o); });
});

}  // namespace
