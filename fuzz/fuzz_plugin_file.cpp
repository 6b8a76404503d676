// libFuzzer target: the plugin loader's checks of a file before dlopen may see it (a truncated
// library was a bus error before issue 12).  Only plugin_file_problem runs: dlopen on arbitrary
// bytes is the system loader's business, and the host never calls it on a file these checks refuse.
#include <fstream>
#include <string>

#include <unistd.h>

#include "mtpc/plugin/plugin_host.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::string path = "/tmp/mtpc_fuzz_" + std::to_string(::getpid()) + ".so";
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(data), std::streamsize(size));
    (void)mtpc::plugin_file_problem(path);
    return 0;
}
