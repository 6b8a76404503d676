// `mtpc train MANIFEST [--resume] [--checkpoint-at-restart-points]`: run a training pipeline.
#include <fmt/format.h>

#include <iostream>

#include "command_registry.hpp"
#include "mtpc/train/trainer.hpp"

namespace {
mtpc::cli::Registrar reg(40, [](CLI::App& app) {
    auto* cmd = app.add_subcommand("train", "Train (compressed) MTPs as a JSON manifest describes");
    auto manifest = std::make_shared<std::string>();
    auto resume = std::make_shared<bool>(false);
    auto plain = std::make_shared<bool>(false);
    auto at_restart_points = std::make_shared<bool>(false);
    cmd->add_option("MANIFEST", *manifest, "Pipeline manifest (JSON)")->required();
    cmd->add_flag("--resume", *resume, "Continue from the checkpoints of an interrupted run");
    cmd->add_flag("--plain", *plain, "Plain progress lines even on a terminal");
    cmd->add_flag("--checkpoint-at-restart-points", *at_restart_points,
                  "On Ctrl-C/SIGTERM keep the checkpoint at the last restart point (a resume then equals an "
                  "uninterrupted run bit for bit, but repeats the iterations since) instead of the iterate reached");
    cmd->callback([=] {
        mtpc::TrainOptions opt;
        opt.resume = *resume;
        if (*plain) opt.progress_bar = 0;
        if (*at_restart_points) opt.checkpoint_on_stop = mtpc::TrainOptions::CheckpointOnStop::kRestartPoint;
        mtpc::Trainer trainer(mtpc::load_manifest(*manifest), opt);
        mtpc::install_stop_signal_handlers();
        const auto runs = trainer.run();
        std::cout << fmt::format("\n{:<28} {:>5} {:>8} {:>12} {:>12} {:>12} {:>12}\n", "variant", "seed", "radial",
                                 "loss", "E train meV", "E valid meV", "F valid eV/A");
        for (const auto& r : runs)
            std::cout << fmt::format("{:<28} {:>5} {:>8} {:>12.5e} {:>12.3f} {:>12} {:>12}\n", r.variant, r.seed,
                                     r.counts.radial_parameters, r.final_loss, r.train.energy_per_atom.rmse * 1e3,
                                     r.has_validation ? fmt::format("{:.3f}", r.validation.energy_per_atom.rmse * 1e3) : "-",
                                     r.has_validation ? fmt::format("{:.4f}", r.validation.forces.rmse) : "-");
    });
});
}  // namespace
