// libFuzzer target: the .mtp reader, and building a model from what it accepted.
#include <sstream>
#include <string>

#include "fuzz_support.hpp"
#include "mtpc/io/mtp_io.hpp"
#include "mtpc/mtp/mtp_model.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    mtpc::fuzz::expect_input_errors_only([&] { const mtpc::MtpModel model(mtpc::read_mtp(in, "fuzz.mtp")); });
    return 0;
}
