// libFuzzer target: the checkpoint reader behind `mtpc train --resume` (JSON text -> checks of
// the fingerprint, step, iteration and evaluation counts, finite vectors of the right length).
#include <nlohmann/json.hpp>

#include <sstream>
#include <string>

#include "fuzz_support.hpp"
#include "mtpc/train/checkpoint.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // A manifest of two steps (1000 and 500 iterations) whose model has 5 linear coefficients.
    static const mtpc::CheckpointExpectations expected{
        nlohmann::json{{"settings", {{"train", "t.cfg"}}}, {"data", {{"t.cfg", "0123456789abcdef"}}}}, {1000, 500}, 5};
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    mtpc::fuzz::expect_input_errors_only([&] { (void)mtpc::read_checkpoint(in, expected, "checkpoint.json"); });
    return 0;
}
