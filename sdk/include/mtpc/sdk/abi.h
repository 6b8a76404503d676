/* mtpc plugin ABI: the only symbols a plugin shared library exports.
 *
 * Plain C on purpose (KIM API / OpenMM style): the host can read the ABI version integer and the
 * info struct of any .so without trusting its C++ layout, and reject it with a reason before it
 * calls a single virtual function.  Everything past `create` is C++ (the interfaces in this SDK),
 * which is only safe when host and plugin were built by the same compiler, standard library and
 * Eigen; the `build_fingerprint` string is how the host checks that.
 *
 * Bump MTPC_PLUGIN_ABI_VERSION on ANY change to this struct, to a vtable of the SDK interfaces, or to
 * the layout of a struct they pass (an array of them changes stride even when a field is appended).
 */
#ifndef MTPC_SDK_ABI_H
#define MTPC_SDK_ABI_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
/* The fingerprint names the Eigen version, so Eigen's version macros must be defined here. */
#include <Eigen/Core>
#endif

#define MTPC_PLUGIN_ABI_VERSION 3u  /* 3: sdk::Objective gained solve_linear (its vtable grew); 2: sdk::LossTarget gained stress_voigt */

#if defined(_WIN32)
#define MTPC_PLUGIN_EXPORT __declspec(dllexport)
#else
#define MTPC_PLUGIN_EXPORT __attribute__((visibility("default")))
#endif

/* What a plugin's `create` returns (a pointer to the matching C++ interface of the SDK). */
typedef enum MtpcPluginKind {
    MTPC_KIND_DESCRIPTOR = 1,              /* mtpc::sdk::Descriptor */
    MTPC_KIND_RADIAL_PARAMETERIZATION = 2, /* mtpc::sdk::RadialParameterization */
    MTPC_KIND_MANIFOLD = 3,                /* mtpc::sdk::Manifold */
    MTPC_KIND_OPTIMIZER = 4                /* mtpc::sdk::Optimizer */
} MtpcPluginKind;

/* Plain data; the host reads only the first `struct_size` bytes, so fields may be appended. */
typedef struct MtpcPluginInfo {
    uint32_t struct_size;  /* sizeof(MtpcPluginInfo) as compiled into the plugin */
    uint32_t abi_version;  /* == MTPC_PLUGIN_ABI_VERSION of the plugin's SDK */
    int32_t kind;          /* an MtpcPluginKind */
    const char* name;      /* e.g. "radial-mf": what manifests refer to */
    const char* version;   /* semantic version of the plugin, e.g. "1.0.0" */
    const char* description;
    const char* build_fingerprint; /* MTPC_BUILD_FINGERPRINT of the plugin's build */
    /* Creates an object from JSON options text.  On failure returns NULL and writes a one-line
     * reason (NUL-terminated, at most err_size bytes) into err.  Never throws. */
    void* (*create)(const char* options_json, char* err, size_t err_size);
    /* Destroys an object made by `create` (it must be deleted by the library that allocated it). */
    void (*destroy)(void* object);
    /* JSON text describing the accepted options (keys, types, defaults), shown by `mtpc plugins`;
     * `mtpc check-plugin` checks that it parses and constructs the plugin with its first
     * "examples" entry.  Manifests are not validated against it: the plugin's constructor checks
     * its options (and names a bad one in create()'s error).  May be NULL. */
    const char* options_schema_json;
} MtpcPluginInfo;

/* The two exported symbols, looked up by these names. */
#define MTPC_ABI_VERSION_SYMBOL "mtpc_plugin_abi_version"
#define MTPC_INFO_SYMBOL "mtpc_plugin_info"
typedef const MtpcPluginInfo* (*MtpcPluginInfoFn)(void);

/* ---- build fingerprint: what must match for C++ objects to cross the boundary ---------------- */
#define MTPC_STR_IMPL_(x) #x
#define MTPC_STR_(x) MTPC_STR_IMPL_(x)

#if defined(__clang__)
#define MTPC_COMPILER_ID_ "clang-" MTPC_STR_(__clang_major__)
#elif defined(__GNUC__)
#define MTPC_COMPILER_ID_ "gcc-" MTPC_STR_(__GNUC__)
#else
#define MTPC_COMPILER_ID_ "unknown-compiler"
#endif

#if defined(_GLIBCXX_USE_CXX11_ABI)
#define MTPC_STDLIB_ID_ "libstdc++-cxx11abi" MTPC_STR_(_GLIBCXX_USE_CXX11_ABI)
#elif defined(_LIBCPP_VERSION)
#define MTPC_STDLIB_ID_ "libc++-" MTPC_STR_(_LIBCPP_VERSION)
#else
#define MTPC_STDLIB_ID_ "unknown-stdlib"
#endif

#if defined(EIGEN_WORLD_VERSION)
#define MTPC_EIGEN_ID_ \
    "eigen-" MTPC_STR_(EIGEN_WORLD_VERSION) "." MTPC_STR_(EIGEN_MAJOR_VERSION) "." MTPC_STR_(EIGEN_MINOR_VERSION)
#else
#define MTPC_EIGEN_ID_ "eigen-none"
#endif

/* Only meaningful in C++ translation units that included Eigen first (all SDK headers do). */
#define MTPC_BUILD_FINGERPRINT \
    "abi" MTPC_STR_(MTPC_PLUGIN_ABI_VERSION) ";" MTPC_COMPILER_ID_ ";" MTPC_STDLIB_ID_ ";" MTPC_EIGEN_ID_

#endif /* MTPC_SDK_ABI_H */
