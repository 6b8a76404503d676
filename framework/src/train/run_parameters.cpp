#include "mtpc/train/run_parameters.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

#include "mtpc/core/error.hpp"
#include "mtpc/io/mtp_io.hpp"
#include "mtpc/plugin/plugin_host.hpp"
#include "mtpc/sdk/radial_parameterization.hpp"

namespace mtpc {
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const json& field(const json& doc, const char* key, const std::string& file) {
    if (!doc.contains(key)) throw InputError(file + ": " + key + ": missing (not an mtpc parameters file?)");
    return doc.at(key);
}

std::vector<double> numbers(const json& doc, const char* key, const std::string& file) {
    const json& a = field(doc, key, file);
    if (!a.is_array()) throw InputError(file + ": " + key + ": must be an array of numbers");
    std::vector<double> v;
    for (const auto& x : a) {
        if (!x.is_number()) throw InputError(file + ": " + key + ": must be an array of numbers");
        v.push_back(x.get<double>());
    }
    return v;
}

std::string text(const json& doc, const char* key, const std::string& file) {
    const json& s = field(doc, key, file);
    if (!s.is_string()) throw InputError(file + ": " + key + ": must be a string");
    return s.get<std::string>();
}

}  // namespace

RunParameters load_run_parameters(const std::string& path, const std::vector<std::string>& plugin_paths) {
    const fs::path file_path = fs::is_directory(path) ? fs::path(path) / "parameters.json" : fs::path(path);
    const std::string file = file_path.string();
    std::ifstream in(file_path);
    if (!in) throw InputError(file + ": cannot open");
    json doc;
    try {
        doc = json::parse(in);
    } catch (const json::exception& e) {
        throw InputError(file + ": not valid JSON: " + e.what());
    }
    if (!doc.is_object()) throw InputError(file + ": not an mtpc parameters file (not a JSON object)");

    RunParameters r;
    r.potential = read_mtp((file_path.parent_path() / text(doc, "potential", file)).string());
    for (const auto& s : field(doc, "species", file)) {
        if (!s.is_string()) throw InputError(file + ": species: must be an array of strings");
        r.species.push_back(s.get<std::string>());
    }
    if (int(r.species.size()) != r.potential.species_count)
        throw InputError(file + ": species: " + std::to_string(r.species.size()) + " names, but the potential has " +
                         std::to_string(r.potential.species_count) + " species");
    r.radial_plugin = text(doc, "radial_plugin", file);
    r.radial_options = field(doc, "radial_options", file).dump();
    r.theta = numbers(doc, "theta", file);
    r.potential.species_coeffs = numbers(doc, "species_coeffs", file);
    r.potential.moment_coeffs = numbers(doc, "moment_coeffs", file);

    PluginHost host;
    host.scan(PluginHost::search_path(plugin_paths));
    PluginPtr<sdk::RadialParameterization> radial;
    try {
        radial = host.create<sdk::RadialParameterization>(r.radial_plugin, r.radial_options);
    } catch (const InputError& e) {
        throw InputError(file + ": radial_plugin: " + e.what());
    }
    if (radial->num_parameters() != int(r.theta.size()))
        throw InputError(file + ": theta: " + std::to_string(r.theta.size()) + " values, but " + r.radial_plugin +
                         " with these options has " + std::to_string(radial->num_parameters()));
    const sdk::RadialShape shape = radial->shape();
    if (shape.n_species != r.potential.species_count || shape.n_funcs != r.potential.radial_funcs_count ||
        shape.n_basis != r.potential.radial_basis_size)
        throw InputError(file + ": radial_options: the shape does not match " + text(doc, "potential", file));
    r.potential.radial_coeffs.assign(shape.size(), 0.0);
    radial->materialize(r.theta.data(), r.potential.radial_coeffs.data());
    validate_mtp(r.potential, file);
    return r;
}

}  // namespace mtpc
