// Defines the two extern "C" symbols of a plugin (see abi.h) for one C++ class.
//
//   class MyRadial : public mtpc::sdk::RadialParameterization {
//   public: explicit MyRadial(const std::string& options_json); ...
//   };
//   MTPC_DEFINE_PLUGIN(MTPC_KIND_RADIAL_PARAMETERIZATION, "radial-my", "1.0.0",
//                      "My parameterization", MyRadial, R"({"rank": {"type": "integer"}})")
//
// The constructor receives the options as JSON text and throws std::exception with a one-line
// message on bad options; the macro turns that into create()'s error string, so no exception
// crosses the boundary at creation.  Methods called later through the C++ interfaces (e.g.
// Optimizer::minimize) may throw std::exception: host and plugin share one C++ runtime (the SDK
// is built with the same compiler), and the host reports the message with the step it ran.
#pragma once

#include <cstring>
#include <exception>
#include <string>
#include <type_traits>

#include "mtpc/sdk/abi.h"
#include "mtpc/sdk/descriptor.hpp"
#include "mtpc/sdk/manifold.hpp"
#include "mtpc/sdk/optimizer.hpp"
#include "mtpc/sdk/radial_parameterization.hpp"

namespace mtpc::sdk {

/// The interface a plugin kind's `create` returns.
template <int Kind> struct InterfaceOf;
template <> struct InterfaceOf<MTPC_KIND_DESCRIPTOR> { using type = Descriptor; };
template <> struct InterfaceOf<MTPC_KIND_RADIAL_PARAMETERIZATION> { using type = RadialParameterization; };
template <> struct InterfaceOf<MTPC_KIND_MANIFOLD> { using type = Manifold; };
template <> struct InterfaceOf<MTPC_KIND_OPTIMIZER> { using type = Optimizer; };

namespace detail {
inline void write_error(char* err, size_t n, const char* what) {
    if (err == nullptr || n == 0) return;
    std::strncpy(err, what, n - 1);
    err[n - 1] = '\0';
    for (size_t i = 0; i < n && err[i] != '\0'; ++i)  // keep it one line
        if (err[i] == '\n' || err[i] == '\r') err[i] = ' ';
}

template <int Kind, class Impl>
void* create(const char* json, char* err, size_t n) noexcept {
    using Iface = typename InterfaceOf<Kind>::type;
    static_assert(std::is_base_of_v<Iface, Impl>, "plugin class does not implement its kind's interface");
    try {
        Iface* obj = new Impl(std::string(json != nullptr ? json : "{}"));
        return static_cast<void*>(obj);
    } catch (const std::exception& e) {
        write_error(err, n, e.what());
    } catch (...) {
        write_error(err, n, "unknown exception in plugin constructor");
    }
    return nullptr;
}

template <int Kind>
void destroy(void* p) noexcept {
    delete static_cast<typename InterfaceOf<Kind>::type*>(p);
}
}  // namespace detail
}  // namespace mtpc::sdk

#define MTPC_DEFINE_PLUGIN(KIND, NAME, VERSION, DESCRIPTION, CLASS, OPTIONS_SCHEMA_JSON)                   \
    extern "C" {                                                                                          \
    MTPC_PLUGIN_EXPORT extern const uint32_t mtpc_plugin_abi_version;                                     \
    const uint32_t mtpc_plugin_abi_version = MTPC_PLUGIN_ABI_VERSION;                                     \
    MTPC_PLUGIN_EXPORT const MtpcPluginInfo* mtpc_plugin_info(void) {                                     \
        static const MtpcPluginInfo info = {sizeof(MtpcPluginInfo),                                       \
                                            MTPC_PLUGIN_ABI_VERSION,                                      \
                                            (KIND),                                                       \
                                            (NAME),                                                       \
                                            (VERSION),                                                    \
                                            (DESCRIPTION),                                                \
                                            MTPC_BUILD_FINGERPRINT,                                       \
                                            &::mtpc::sdk::detail::create<(KIND), CLASS>,                  \
                                            &::mtpc::sdk::detail::destroy<(KIND)>,                        \
                                            (OPTIONS_SCHEMA_JSON)};                                       \
        return &info;                                                                                     \
    }                                                                                                     \
    }
