// libFuzzer target: manifest validation (JSON text -> parse_manifest), the training front door.
#include <nlohmann/json.hpp>

#include <string>

#include "fuzz_support.hpp"
#include "mtpc/train/manifest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const auto doc = nlohmann::json::parse(data, data + size, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return 0;  // not JSON: load_manifest reports that itself
    mtpc::fuzz::expect_input_errors_only([&] { (void)mtpc::parse_manifest(doc, "/tmp/fuzz.json"); });
    return 0;
}
