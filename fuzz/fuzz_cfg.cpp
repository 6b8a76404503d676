// libFuzzer target: the .cfg reader, then neighbour lists and an evaluation of what it accepted
// (hostile geometry -- huge cells, far-apart atoms -- crashed the lists before issue 12).
#include <sstream>
#include <string>

#include "fuzz_support.hpp"
#include "mtpc/io/cfg_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    mtpc::fuzz::expect_input_errors_only([&] {
        for (const auto& cfg : mtpc::read_cfg(in, "fuzz.cfg")) mtpc::fuzz::evaluate(cfg);
    });
    return 0;
}
