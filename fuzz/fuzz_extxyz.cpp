// libFuzzer target: the extended XYZ reader (it reads files, so each input goes through one).
#include <fstream>
#include <map>
#include <string>

#include <unistd.h>

#include "fuzz_support.hpp"
#include "mtpc/io/extxyz_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const std::string path = "/tmp/mtpc_fuzz_" + std::to_string(::getpid()) + ".xyz";
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(data), std::streamsize(size));
    static const std::map<std::string, int> species{{"Nb", 0}, {"Mo", 1}, {"Ta", 2}, {"W", 3}};
    mtpc::fuzz::expect_input_errors_only([&] {
        for (const auto& cfg : mtpc::read_extxyz(path, species)) mtpc::fuzz::evaluate(cfg);
    });
    return 0;
}
