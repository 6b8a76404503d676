// A potential as a KIM API parameterized model for mtpc's KIM model driver (kim/), so that KIM
// simulators (LAMMPS's `kim init` / `kim interactions`) run it.
#pragma once

#include <string>
#include <vector>

namespace mtpc {

struct KimExport {
    std::string potential;             ///< trained .mtp, or a training run's parameters.json
    std::vector<std::string> species;  ///< chemical symbols in type order
    std::string name;                  ///< KIM model name (a C identifier); empty: default_kim_model_name
    std::string out_dir;               ///< gets model/ and driver/
    std::string driver_name;           ///< KIM name of this mtpc's driver
    std::string driver_dir;            ///< this mtpc's driver item directory (lib/mtpc/kim/driver)
};

/// The .mtp a potential argument stands for: itself, or the `potential` a parameters.json names
/// (a compressed run's materialised potential).  Throws InputError naming the file.
std::string resolve_potential_file(const std::string& path);

/// "mtpc_<stem>_<El1>_<El2>..." made into a C identifier (stem: the .mtp's file name, or the run
/// directory of a parameters.json).
std::string default_kim_model_name(const std::string& potential, const std::vector<std::string>& species);

/// The two KIM items: `out_dir`/model/ (CMakeLists.txt, potential.mtp, species.txt) and
/// `out_dir`/driver/ (a copy of driver_dir).  Validates first (trained potential, one known
/// chemical symbol per species, a C-identifier name); replaces earlier exports' regular files but
/// never a directory, link or other non-regular file in their place.  Throws InputError.
void write_kim_items(const KimExport& e);

}  // namespace mtpc
