// `mtpc describe MANIFEST`: validates a manifest and shows parameter counts per block, no training.
#include <fmt/format.h>

#include <iostream>

#include "command_registry.hpp"
#include "mtpc/train/trainer.hpp"

namespace {
mtpc::cli::Registrar reg(30, [](CLI::App& app) {
    auto* cmd = app.add_subcommand("describe", "Validate a manifest and print parameter counts (no training)");
    auto manifest = std::make_shared<std::string>();
    auto as_json = std::make_shared<bool>(false);
    cmd->add_option("MANIFEST", *manifest, "Pipeline manifest (JSON)")->required();
    cmd->add_flag("--json", *as_json, "Print the counts as JSON");
    cmd->callback([=] {
        mtpc::Trainer trainer(mtpc::load_manifest(*manifest), {});
        trainer.validate();
        const auto counts = trainer.describe();
        if (*as_json) {
            nlohmann::json j = nlohmann::json::array();
            for (const auto& c : counts) j.push_back(c.to_json());
            std::cout << j.dump(2) << '\n';
            return;
        }
        std::cout << fmt::format("{:<28} {:<14} {:>5} {:>4} {:>4} {:>8} {:>7} {:>9} {:>8} {:>7} {:>7}\n", "variant",
                                 "radial plugin", "level", "N_T", "N_f", "species", "linear", "radial", "full C",
                                 "ratio", "total");
        for (const auto& c : counts)
            std::cout << fmt::format("{:<28} {:<14} {:>5} {:>4} {:>4} {:>8} {:>7} {:>9} {:>8} {:>6.1f}% {:>7}\n",
                                     c.variant, c.radial_plugin, c.level, c.species, c.radial_funcs, c.species,
                                     c.scalar, c.radial_parameters, c.radial_full,
                                     100.0 * c.radial_parameters / std::max(1, c.radial_full), c.total());
        if (!counts.empty())
            std::cout << fmt::format("basis: {} basic moments, {} alpha moments, {} products, N_b = {}\n",
                                     counts.front().basic_moments, counts.front().alpha_moments, counts.front().times,
                                     counts.front().radial_basis);
    });
});
}  // namespace
