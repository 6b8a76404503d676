#include "mtpc/plugin/plugin_host.hpp"

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>
#include <spdlog/spdlog.h>

#include <elf.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "mtpc/core/atomic_file.hpp"
#include "mtpc/core/error.hpp"

namespace mtpc {
namespace fs = std::filesystem;

struct PluginHost::Loaded {
    std::shared_ptr<boost::dll::shared_library> library;
    const MtpcPluginInfo* info = nullptr;
};

std::string plugin_kind_name(int kind) {
    switch (kind) {
        case MTPC_KIND_DESCRIPTOR: return "descriptor";
        case MTPC_KIND_RADIAL_PARAMETERIZATION: return "radial-parameterization";
        case MTPC_KIND_MANIFOLD: return "manifold";
        case MTPC_KIND_OPTIMIZER: return "optimizer";
        default: return "unknown(" + std::to_string(kind) + ")";
    }
}

PluginHost::PluginHost() = default;
PluginHost::~PluginHost() = default;
PluginHost::PluginHost(PluginHost&&) noexcept = default;
PluginHost& PluginHost::operator=(PluginHost&&) noexcept = default;

std::string PluginHost::bundled_plugin_dir() {
    boost::dll::fs::error_code ec;
    const auto exe = boost::dll::program_location(ec);
    if (ec) return {};
    return (fs::path(exe.string()).parent_path().parent_path() / MTPC_PLUGIN_SUBDIR).lexically_normal().string();
}

std::vector<std::string> PluginHost::search_path(const std::vector<std::string>& manifest_paths) {
    std::vector<std::string> path(manifest_paths);
    if (const char* env = std::getenv("MTPC_PLUGIN_PATH"); env != nullptr) {
        std::string s(env);
        size_t start = 0;
        while (start <= s.size()) {
            const size_t end = std::min(s.find(':', start), s.size());
            if (end > start) path.push_back(s.substr(start, end - start));
            start = end + 1;
        }
    }
    if (auto dir = bundled_plugin_dir(); !dir.empty()) path.push_back(dir);
    return path;
}

void PluginHost::scan(const std::vector<std::string>& path) {
    for (const auto& entry : path) {
        std::error_code ec;
        if (fs::is_directory(entry, ec)) {
            // Only files named like our plugins: a plugin directory may hold other libraries.
            std::vector<std::string> files;
            for (const auto& f : fs::directory_iterator(entry, ec)) {
                const auto fname = f.path().filename().string();
                if (fname.rfind("libmtpc_", 0) == 0 && f.path().extension() == ".so") files.push_back(f.path().string());
            }
            std::sort(files.begin(), files.end());  // deterministic order
            for (const auto& f : files) load(f);
        } else if (fs::exists(entry, ec) || fs::is_symlink(entry, ec)) {
            load(entry);  // load() says why it is not a plugin (a FIFO, a link loop, ...)
        } else {
            spdlog::debug("plugin path entry '{}' does not exist", entry);
        }
    }
}

std::string plugin_file_problem(const std::string& file) {
    std::error_code ec;
    const fs::file_status st = fs::status(file, ec);
    if (ec) return "cannot examine: " + ec.message();  // e.g. a symbolic link loop
    if (st.type() != fs::file_type::regular) return std::string("not a shared library (") + file_type_name(st.type()) + ")";
    const auto size = fs::file_size(file, ec);
    if (ec) return "cannot examine: " + ec.message();
    std::ifstream in(file, std::ios::binary);
    Elf64_Ehdr h{};
    in.read(reinterpret_cast<char*>(&h), sizeof h);
    if (in.gcount() < 4 || std::memcmp(h.e_ident, ELFMAG, SELFMAG) != 0) return "not a shared library (no ELF header)";
    if (std::size_t(in.gcount()) < sizeof h || h.e_ident[EI_CLASS] != ELFCLASS64)
        return "not a 64-bit ELF shared library";
    // The tables the loader reads, and every segment it maps, must lie inside the file.
    const auto inside = [size](std::uint64_t offset, std::uint64_t bytes) { return offset <= size && bytes <= size - offset; };
    if (!inside(h.e_phoff, std::uint64_t(h.e_phnum) * h.e_phentsize) ||
        !inside(h.e_shoff, std::uint64_t(h.e_shnum) * h.e_shentsize) || h.e_phentsize != sizeof(Elf64_Phdr))
        return "truncated or corrupt ELF file (" + std::to_string(size) + " bytes; its headers point past the end)";
    in.seekg(std::streamoff(h.e_phoff));
    for (int k = 0; k < h.e_phnum; ++k) {
        Elf64_Phdr ph{};
        in.read(reinterpret_cast<char*>(&ph), sizeof ph);
        if (!in || !inside(ph.p_offset, ph.p_filesz))
            return "truncated or corrupt ELF file (" + std::to_string(size) + " bytes; segment " + std::to_string(k) +
                   " ends past the end)";
    }
    return "";
}

namespace {

std::string one_line(std::string s) {
    std::replace(s.begin(), s.end(), '\n', ' ');
    return s;
}
}  // namespace

bool PluginHost::load(const std::string& file) {
    auto fail = [&](const std::string& reason) {
        failures_.push_back({file, one_line(reason)});
        spdlog::debug("plugin {} skipped: {}", file, reason);
        return false;
    };
    if (const std::string problem = plugin_file_problem(file); !problem.empty()) return fail(problem);

    auto lib = std::make_shared<boost::dll::shared_library>();
    try {
        lib->load(boost::dll::fs::path(file),
                  boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
    } catch (const std::exception& e) {
        return fail(std::string("cannot load: ") + e.what());
    }
    if (!lib->has(MTPC_ABI_VERSION_SYMBOL)) return fail("missing symbol " MTPC_ABI_VERSION_SYMBOL " (not an mtpc plugin)");
    if (!lib->has(MTPC_INFO_SYMBOL)) return fail("missing symbol " MTPC_INFO_SYMBOL " (not an mtpc plugin)");

    // The version integer is read first: nothing else of a plugin is trusted until it matches.
    const uint32_t abi = lib->get<const uint32_t>(MTPC_ABI_VERSION_SYMBOL);
    if (abi != MTPC_PLUGIN_ABI_VERSION)
        return fail("ABI version " + std::to_string(abi) + ", this mtpc needs " + std::to_string(MTPC_PLUGIN_ABI_VERSION));

    const auto info_fn = lib->get<const MtpcPluginInfo*()>(MTPC_INFO_SYMBOL);
    const MtpcPluginInfo* info = info_fn();
    if (info == nullptr) return fail(MTPC_INFO_SYMBOL "() returned NULL");
    // Only the fields within the plugin's struct_size exist; all of ours are required.
    if (info->struct_size < sizeof(MtpcPluginInfo))
        return fail("info struct too small (" + std::to_string(info->struct_size) + " bytes, need " +
                    std::to_string(sizeof(MtpcPluginInfo)) + ")");
    if (info->abi_version != MTPC_PLUGIN_ABI_VERSION)
        return fail("info struct ABI version " + std::to_string(info->abi_version) + " disagrees with the exported " +
                    std::to_string(abi));
    const std::string fingerprint = info->build_fingerprint != nullptr ? info->build_fingerprint : "";
    if (fingerprint != MTPC_BUILD_FINGERPRINT)
        return fail("build fingerprint '" + fingerprint + "' differs from mtpc's '" MTPC_BUILD_FINGERPRINT
                    "' (rebuild the plugin with the same compiler, standard library and Eigen)");
    if (info->name == nullptr || info->name[0] == '\0') return fail("plugin has no name");
    if (info->create == nullptr || info->destroy == nullptr) return fail("plugin has no create/destroy function");
    if (info->kind < MTPC_KIND_DESCRIPTOR || info->kind > MTPC_KIND_OPTIMIZER)
        return fail("unknown plugin kind " + std::to_string(info->kind));

    const std::string name = info->name;
    if (const PluginRecord* prev = find(name); prev != nullptr) {
        if (fs::equivalent(prev->path, file)) return true;  // same file listed twice on the path
        return fail("plugin '" + name + "' already loaded from " + prev->path + " (earlier on the search path wins)");
    }
    PluginRecord rec;
    rec.name = name;
    rec.version = info->version != nullptr ? info->version : "";
    rec.description = info->description != nullptr ? info->description : "";
    rec.path = fs::absolute(file).lexically_normal().string();
    rec.options_schema = info->options_schema_json != nullptr ? info->options_schema_json : "";
    rec.kind = info->kind;
    plugins_.push_back(std::move(rec));
    auto loaded = std::make_unique<Loaded>();
    loaded->library = std::move(lib);
    loaded->info = info;
    loaded_.push_back(std::move(loaded));
    return true;
}

const std::vector<PluginRecord>& PluginHost::plugins() const { return plugins_; }
const std::vector<PluginLoadFailure>& PluginHost::failures() const { return failures_; }

const PluginRecord* PluginHost::find(const std::string& name) const {
    for (const auto& p : plugins_)
        if (p.name == name) return &p;
    return nullptr;
}

void* PluginHost::create_raw(const std::string& name, int kind, const std::string& options_json,
                             PluginObjectDeleter& deleter) {
    size_t idx = plugins_.size();
    for (size_t i = 0; i < plugins_.size(); ++i)
        if (plugins_[i].name == name) idx = i;
    if (idx == plugins_.size()) {
        std::string msg = "unknown plugin '" + name + "' of kind " + plugin_kind_name(kind) + " (available:";
        bool any = false;
        for (const auto& p : plugins_)
            if (p.kind == kind) { msg += " " + p.name; any = true; }
        msg += any ? ")" : " none)";
        if (!failures_.empty()) msg += "; " + std::to_string(failures_.size()) + " plugin file(s) failed to load, see `mtpc plugins`";
        throw InputError(msg);
    }
    const auto& rec = plugins_[idx];
    if (rec.kind != kind)
        throw InputError("plugin '" + name + "' is a " + plugin_kind_name(rec.kind) + ", not a " + plugin_kind_name(kind));
    const auto& loaded = *loaded_[idx];
    std::array<char, 1024> err{};
    void* obj = loaded.info->create(options_json.c_str(), err.data(), err.size());
    if (obj == nullptr) {
        const std::string reason = err[0] != '\0' ? std::string(err.data()) : std::string("create() returned NULL");
        failures_.push_back({rec.path, "create failed: " + reason});
        throw InputError("plugin '" + name + "' (" + rec.path + "): " + reason);
    }
    deleter.destroy = loaded.info->destroy;
    deleter.library = loaded.library;
    deleter.object = obj;
    return obj;
}

}  // namespace mtpc
