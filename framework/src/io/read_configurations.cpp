#include "mtpc/io/read_configurations.hpp"

#include <filesystem>
#include <map>

#include "mtpc/core/error.hpp"
#include "mtpc/io/cfg_io.hpp"
#include "mtpc/io/extxyz_io.hpp"

namespace mtpc {

bool is_extxyz_path(const std::string& path) {
    const std::string ext = std::filesystem::path(path).extension().string();
    return ext == ".xyz" || ext == ".extxyz";
}

std::vector<Configuration> read_configurations(const std::string& path, const std::vector<std::string>& species) {
    if (!is_extxyz_path(path)) return read_cfg(path);
    if (species.empty())
        throw InputError(path + ": extended XYZ names elements; give the species in type order (e.g. --species Nb,Mo,Ta,W)");
    std::map<std::string, int> map;
    for (size_t k = 0; k < species.size(); ++k)
        if (!map.emplace(species[k], static_cast<int>(k)).second)
            throw InputError(path + ": species '" + species[k] + "' given twice in the species list");
    return read_extxyz(path, map);
}

void require_configurations(const std::vector<Configuration>& cfgs, const std::string& path) {
    if (cfgs.empty()) throw InputError(path + ": holds no configurations");
}

}  // namespace mtpc
