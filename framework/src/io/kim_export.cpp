// Writing KIM items.  The model is parameterized: its parameter files are the potential and the
// species list, which KIM embeds in the model's shared library when it is built (so the installed
// model does not depend on the export directory).
#include "mtpc/io/kim_export.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "mtpc/core/atomic_file.hpp"
#include "mtpc/core/error.hpp"
#include "mtpc/io/mtp_io.hpp"
#include "mtpc/mtp/mtp_model.hpp"

namespace mtpc {

namespace fs = std::filesystem;

namespace {

/// The chemical elements (KIM's species names for elements).
const std::set<std::string>& element_symbols() {
    static const std::set<std::string> symbols = [] {
        std::istringstream in(
            "H He Li Be B C N O F Ne Na Mg Al Si P S Cl Ar K Ca Sc Ti V Cr Mn Fe Co Ni Cu Zn Ga Ge As Se Br Kr "
            "Rb Sr Y Zr Nb Mo Tc Ru Rh Pd Ag Cd In Sn Sb Te I Xe Cs Ba La Ce Pr Nd Pm Sm Eu Gd Tb Dy Ho Er Tm "
            "Yb Lu Hf Ta W Re Os Ir Pt Au Hg Tl Pb Bi Po At Rn Fr Ra Ac Th Pa U Np Pu Am Cm Bk Cf Es Fm Md No "
            "Lr Rf Db Sg Bh Hs Mt Ds Rg Cn Nh Fl Mc Lv Ts Og");
        return std::set<std::string>{std::istream_iterator<std::string>(in), std::istream_iterator<std::string>()};
    }();
    return symbols;
}

bool is_c_identifier(const std::string& s) {
    if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
    return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; });
}

std::string read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw InputError(path + ": cannot open");
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void check_symbols(const std::vector<std::string>& species, int expected, const std::string& potential) {
    if (int(species.size()) != expected)
        throw InputError("--species: " + std::to_string(species.size()) + " symbols, but " + potential + " has " +
                         std::to_string(expected) + " species");
    std::set<std::string> seen;
    for (const auto& s : species) {
        if (!element_symbols().count(s)) throw InputError("--species: '" + s + "' is not a chemical element symbol");
        if (!seen.insert(s).second) throw InputError("--species: '" + s + "' is given twice");
    }
}

/// A directory we may write into: created if missing; an existing non-directory (or a link to
/// one) is never replaced.
void ensure_directory(const fs::path& dir) {
    const fs::file_status st = fs::symlink_status(dir);
    if (fs::exists(st) && !fs::is_directory(st))
        throw InputError(dir.string() + ": exists and is not a directory (not replaced)");
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw InputError(dir.string() + ": cannot create: " + ec.message());
}

/// Writes `bytes` to `path` atomically, replacing only a regular file.
void write_output(const fs::path& path, const std::string& bytes) {
    const fs::file_status st = fs::symlink_status(path);
    if (fs::exists(st) && !fs::is_regular_file(st))
        throw InputError(path.string() + ": exists and is not a regular file (not replaced)");
    write_file_atomically(path.string(), [&](std::ostream& o) { o << bytes; });
}

std::string model_cmake(const std::string& name, const std::string& driver) {
    return "# KIM API parameterized model " + name + " for the model driver " + driver +
           " (written by mtpc export-kim).\n"
           "# Install: kim-api-collections-management install user <this directory> (driver first).\n"
           "cmake_minimum_required(VERSION 3.10)\n\n"
           "list(APPEND CMAKE_PREFIX_PATH $ENV{KIM_API_CMAKE_PREFIX_DIR})\n"
           "find_package(KIM-API-ITEMS 2.2 REQUIRED CONFIG)\n"
           "kim_api_items_setup_before_project(ITEM_TYPE \"portableModel\")\n"
           "project(" + name + ")\n"
           "kim_api_items_setup_after_project(ITEM_TYPE \"portableModel\")\n\n"
           "add_kim_api_model_library(\n"
           "  NAME            ${PROJECT_NAME}\n"
           "  DRIVER_NAME     \"" + driver + "\"\n"
           "  PARAMETER_FILES \"potential.mtp\" \"species.txt\")\n";
}

}  // namespace

std::string resolve_potential_file(const std::string& path) {
    if (fs::path(path).extension() != ".json") return path;
    std::ifstream in(path);
    if (!in) throw InputError(path + ": cannot open");
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
        throw InputError(path + ": not valid JSON: " + e.what());
    }
    if (!j.contains("potential") || !j["potential"].is_string())
        throw InputError(path + ": potential: missing (not an mtpc parameters file)");
    return (fs::path(path).parent_path() / j["potential"].get<std::string>()).string();
}

std::string default_kim_model_name(const std::string& potential, const std::vector<std::string>& species) {
    const fs::path p(potential);
    std::string stem = p.extension() == ".json" ? fs::absolute(p).parent_path().filename().string() : p.stem().string();
    std::string name = "mtpc_" + stem;
    for (const auto& s : species) name += "_" + s;
    for (char& c : name)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return name;
}

void write_kim_items(const KimExport& e) {
    const std::string mtp_file = resolve_potential_file(e.potential);
    const std::string mtp_bytes = read_bytes(mtp_file);
    std::istringstream mtp_stream(mtp_bytes);
    const MtpPotential pot = read_mtp(mtp_stream, mtp_file);
    if (!pot.trained()) throw InputError(mtp_file + ": an untrained potential (no moment_coeffs) cannot be exported");
    const MtpModel model(pot);  // the driver's own consistency checks, before anything is written
    check_symbols(e.species, model.species_count(), mtp_file);
    const std::string name = e.name.empty() ? default_kim_model_name(e.potential, e.species) : e.name;
    if (!is_c_identifier(name)) throw InputError("--name: '" + name + "' is not a C identifier (KIM item names are)");
    const fs::path driver_in(e.driver_dir);
    for (const char* f : {"CMakeLists.txt", "libmtpc_kim_driver.a"})
        if (!fs::is_regular_file(driver_in / f))
            throw InputError(e.driver_dir + ": no " + f + " (this mtpc was built without the KIM API: install "
                             "libkim-api-dev and rebuild)");

    const fs::path out(e.out_dir), model_dir = out / "model", driver_dir = out / "driver";
    ensure_directory(out);
    ensure_directory(model_dir);
    ensure_directory(driver_dir);
    std::string species_text;
    for (const auto& s : e.species) species_text += s + "\n";
    write_output(model_dir / "potential.mtp", mtp_bytes);
    write_output(model_dir / "species.txt", species_text);
    write_output(model_dir / "CMakeLists.txt", model_cmake(name, e.driver_name));
    for (const char* f : {"CMakeLists.txt", "libmtpc_kim_driver.a"})
        write_output(driver_dir / f, read_bytes((driver_in / f).string()));
}

}  // namespace mtpc
