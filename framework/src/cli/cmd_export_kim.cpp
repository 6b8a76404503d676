// `mtpc export-kim POT.mtp --species El1,El2,... [--name NAME] OUT_DIR [--install user]`: the
// potential as a KIM API parameterized model for mtpc's KIM model driver, so that a stock LAMMPS
// runs it with `kim init NAME metal` / `kim interactions El1 El2 ...`.  With --install, hands
// driver and model to kim-api-collections-management (driver first: the model needs it).
#include <fmt/format.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "command_registry.hpp"
#include "mtpc/core/error.hpp"
#include "mtpc/io/kim_export.hpp"

namespace {

namespace fs = std::filesystem;

struct ExportKimOptions {
    mtpc::KimExport e;
    std::string install;  ///< KIM collection, or empty: do not install
};

/// lib/mtpc/kim/driver beside this executable's bin/ (build tree and install tree alike).
std::string driver_item_dir() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (ec) throw mtpc::InputError("cannot locate the mtpc executable (/proc/self/exe): " + ec.message());
    return (exe.parent_path().parent_path() / MTPC_KIM_SUBDIR / "driver").lexically_normal().string();
}

std::string shell_quote(const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

/// --force: a driver of this mtpc (or a model of this name) already installed is replaced, so the
/// collection always holds what was just exported.
void install_item(const std::string& collection, const fs::path& item) {
    const std::string cmd = "kim-api-collections-management install --force " + collection + " " +
                            shell_quote(fs::absolute(item).string());
    std::cerr << "export-kim: " << cmd << '\n';
    std::cout.flush();
    const int status = std::system(cmd.c_str());
    if (status != 0)
        throw mtpc::InputError(fmt::format("kim-api-collections-management failed to install {} (status {})",
                                           item.string(), status));
}

void export_kim(ExportKimOptions& o) {
    o.e.driver_dir = driver_item_dir();
    o.e.driver_name = MTPC_KIM_DRIVER_NAME;
    if (o.e.name.empty()) o.e.name = mtpc::default_kim_model_name(o.e.potential, o.e.species);
    mtpc::write_kim_items(o.e);
    std::cout << fmt::format("KIM model {} (driver {}) written to {}\n", o.e.name, o.e.driver_name, o.e.out_dir);
    if (o.install.empty()) return;
    install_item(o.install, fs::path(o.e.out_dir) / "driver");
    install_item(o.install, fs::path(o.e.out_dir) / "model");
    std::cout << fmt::format("installed into the {} collection: kim init {} metal\n", o.install, o.e.name);
}

mtpc::cli::Registrar reg(45, [](CLI::App& app) {
    auto opts = std::make_shared<ExportKimOptions>();
    auto* cmd = app.add_subcommand("export-kim", "Write a KIM API model (for LAMMPS's kim init / kim interactions)");
    cmd->add_option("potential", opts->e.potential, "Trained potential (.mtp) or a training run's parameters.json")
        ->required()
        ->check(CLI::ExistingFile);
    cmd->add_option("--species", opts->e.species, "Chemical symbols in type order (e.g. K,Cl,Th)")
        ->required()
        ->delimiter(',');
    cmd->add_option("--name", opts->e.name, "KIM model name (default mtpc_<potential>_<species>)");
    cmd->add_option("out_dir", opts->e.out_dir, "Output directory (gets model/ and driver/)")->required();
    cmd->add_option("--install", opts->install, "Also install driver and model into this KIM collection")
        ->check(CLI::IsMember({"user", "system", "environment"}));
    cmd->callback([opts] { export_kim(*opts); });
});

}  // namespace
