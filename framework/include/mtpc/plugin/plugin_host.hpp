// PluginHost: finds plugin shared libraries at run time, checks them, and creates objects.
//
// Every check happens before the host calls into a plugin's C++ code: the file must load, export
// both ABI symbols (abi.h), carry our MTPC_PLUGIN_ABI_VERSION, a complete info struct and exactly
// our build fingerprint.  A plugin that fails any of these is skipped and listed in failures()
// with a one-line reason; the host never aborts because of a bad plugin.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "mtpc/sdk/abi.h"
#include "mtpc/sdk/plugin.hpp"

namespace mtpc {

/// Why `file` cannot be a loadable 64-bit ELF shared library, or "" if it may be one.  dlopen on a
/// FIFO blocks for ever, on a truncated library it maps pages past the end of the file (SIGBUS
/// when touched), and on anything else it gives an obscure message: these checks come first.
std::string plugin_file_problem(const std::string& file);

/// A plugin that loaded and passed every check.
struct PluginRecord {
    std::string name;
    std::string version;
    std::string description;
    std::string path;            ///< the .so it came from
    std::string options_schema;  ///< JSON text or empty
    int kind = 0;                ///< MtpcPluginKind
};

/// A file that looked like a plugin but was skipped (or whose create() failed).
struct PluginLoadFailure {
    std::string path;
    std::string reason;  ///< one line
};

/// Human-readable kind ("radial-parameterization", ...), "unknown(<n>)" otherwise.
std::string plugin_kind_name(int kind);

/// Owns an object created by a plugin.  The deleter calls the plugin's destroy() and holds a
/// reference to the library, so the .so stays loaded while any object from it lives (Boost.DLL
/// tutorial 8's pattern).
struct PluginObjectDeleter {
    void (*destroy)(void*) = nullptr;
    std::shared_ptr<void> library;  ///< type-erased boost::dll::shared_library
    void* object = nullptr;         ///< as create() returned it (before any cast)
    template <class T> void operator()(T*) const {
        if (destroy != nullptr && object != nullptr) destroy(object);
    }
};
template <class Iface> using PluginPtr = std::unique_ptr<Iface, PluginObjectDeleter>;

class PluginHost {
public:
    PluginHost();
    ~PluginHost();
    PluginHost(const PluginHost&) = delete;
    PluginHost& operator=(const PluginHost&) = delete;
    PluginHost(PluginHost&&) noexcept;
    PluginHost& operator=(PluginHost&&) noexcept;

    /// The search path in priority order: `manifest_paths`, then each entry of $MTPC_PLUGIN_PATH
    /// (colon-separated), then the plugin directory next to the executable
    /// (<exe dir>/../lib/mtpc/plugins).  Entries may be directories or single .so files.
    static std::vector<std::string> search_path(const std::vector<std::string>& manifest_paths = {});
    /// The plugin directory next to the running executable.
    static std::string bundled_plugin_dir();

    /// Loads and checks every `libmtpc_*.so` (or any `*.so` given explicitly) on the path.
    /// A name found again later on the path is ignored (the earlier entry wins) and noted.
    void scan(const std::vector<std::string>& path);
    /// Loads and checks one file; returns false (and records a failure) if it is not usable.
    bool load(const std::string& file);

    [[nodiscard]] const std::vector<PluginRecord>& plugins() const;
    [[nodiscard]] const std::vector<PluginLoadFailure>& failures() const;
    [[nodiscard]] const PluginRecord* find(const std::string& name) const;

    /// Creates an object of plugin `name`, which must be of interface kind `Iface`.
    /// Throws InputError: unknown plugin (listing those available and the load failures that
    /// might explain it), wrong kind, or create() failed (with the plugin's own reason; the
    /// failure is also recorded in failures()).
    template <class Iface> PluginPtr<Iface> create(const std::string& name, const std::string& options_json);

private:
    struct Loaded;
    void* create_raw(const std::string& name, int kind, const std::string& options_json,
                     PluginObjectDeleter& deleter);
    std::vector<PluginRecord> plugins_;
    std::vector<PluginLoadFailure> failures_;
    std::vector<std::unique_ptr<Loaded>> loaded_;  // parallel to plugins_
};

template <class Iface> struct KindOf;
template <> struct KindOf<sdk::Descriptor> { static constexpr int value = MTPC_KIND_DESCRIPTOR; };
template <> struct KindOf<sdk::RadialParameterization> { static constexpr int value = MTPC_KIND_RADIAL_PARAMETERIZATION; };
template <> struct KindOf<sdk::Manifold> { static constexpr int value = MTPC_KIND_MANIFOLD; };
template <> struct KindOf<sdk::Optimizer> { static constexpr int value = MTPC_KIND_OPTIMIZER; };

template <class Iface>
PluginPtr<Iface> PluginHost::create(const std::string& name, const std::string& options_json) {
    PluginObjectDeleter deleter;
    void* raw = create_raw(name, KindOf<Iface>::value, options_json, deleter);
    // create() returned static_cast<void*>(Iface*) (sdk/plugin.hpp), so this cast is exact.
    return PluginPtr<Iface>(static_cast<Iface*>(raw), std::move(deleter));
}

}  // namespace mtpc
