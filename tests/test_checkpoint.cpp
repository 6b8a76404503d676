// Checkpoints: what is written is read back exactly, and anything a resume could be misled by
// (another manifest, counts out of range, non-finite or wrongly sized vectors, non-JSON) is an
// InputError naming checkpoint.json and the field.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <sstream>
#include <string>

#include "mtpc/core/error.hpp"
#include "mtpc/train/checkpoint.hpp"

namespace {
using nlohmann::json;

const json kFingerprint = {{"settings", {{"train", "t.cfg"}}}, {"data", {{"t.cfg", "0123456789abcdef"}}}};
const mtpc::CheckpointExpectations kExpected{kFingerprint, {1000, 500}, 3};

mtpc::Checkpoint sample() {
    mtpc::Checkpoint ck;
    ck.variant = "mf";
    ck.seed = 7;
    ck.step = 1;
    ck.iterations_done = 40;
    ck.radial_options = R"({"rank":2})";
    ck.linear_scale = {1.0, 0.5, 1e-3};
    ck.x = Eigen::Vector3d(0.1, -1.0 / 3.0, 1e-300);
    ck.theta = Eigen::Vector4d(1, std::nextafter(2.0, 3.0), -3, 4);
    ck.evaluations = 123;
    ck.convergence_rule = {{"window", {1.0, 0.5}}};
    ck.fingerprint = kFingerprint;
    return ck;
}

mtpc::Checkpoint read(const std::string& text) {
    std::istringstream in(text);
    return mtpc::read_checkpoint(in, kExpected, "run/checkpoint.json");
}

std::string error_of(const std::string& text) {
    try {
        read(text);
    } catch (const mtpc::InputError& e) {
        return e.what();
    }
    return "(accepted)";
}

std::string edited(const std::string& key, const json& value) {
    json j = json::parse(mtpc::checkpoint_text(sample()));
    j[key] = value;
    return j.dump();
}

}  // namespace

TEST(Checkpoint, RoundTripsBitForBit) {
    const mtpc::Checkpoint a = sample();
    const mtpc::Checkpoint b = read(mtpc::checkpoint_text(a));
    EXPECT_EQ(b.variant, a.variant);
    EXPECT_EQ(b.step, a.step);
    EXPECT_EQ(b.iterations_done, a.iterations_done);
    EXPECT_EQ(b.radial_options, a.radial_options);
    EXPECT_EQ(b.linear_scale, a.linear_scale);
    EXPECT_EQ(b.x, a.x);  // exact: the resumed run must continue from the same doubles
    EXPECT_EQ(b.theta, a.theta);
    EXPECT_EQ(b.evaluations, a.evaluations);
    EXPECT_EQ(b.convergence_rule, a.convergence_rule);
}

TEST(Checkpoint, AtAStepBoundaryHasNoRuleState) {
    mtpc::Checkpoint a = sample();
    a.convergence_rule = json();
    a.iterations_done = 0;
    a.step = 2;  // all steps done
    const mtpc::Checkpoint b = read(mtpc::checkpoint_text(a));
    EXPECT_TRUE(b.convergence_rule.is_null());
    EXPECT_EQ(b.step, 2u);
}

TEST(Checkpoint, AnotherManifestIsRefusedNamingTheChange) {
    json other = kFingerprint;
    other["settings"]["train"] = "u.cfg";
    const std::string msg = error_of(edited("fingerprint", other));
    EXPECT_NE(msg.find("run/checkpoint.json: the manifest or its data changed"), std::string::npos) << msg;
    EXPECT_NE(msg.find("/settings/train"), std::string::npos) << msg;
}

TEST(Checkpoint, BadFieldsAreNamed) {
    const std::vector<std::pair<std::string, json>> cases = {
        {"step", -1},
        {"step", 3},
        {"step", 1.5},
        {"iterations_done", 501},  // step 1 has 500
        {"iterations_done", 1e12},
        {"evaluations", -4},
        {"x", json::array({1, 2})},
        {"x", json::array({1, "2", 3})},
        {"theta", json::object()},
        {"linear_scale", json::array({1, 0, 1})},
        {"linear_scale", json::array({1, 1})},
    };
    for (const auto& [key, value] : cases) {
        const std::string msg = error_of(edited(key, value));
        EXPECT_NE(msg.find("run/checkpoint.json: " + key), std::string::npos) << key << " = " << value << ": " << msg;
    }
}

TEST(Checkpoint, NonFiniteNumbersAreRefused) {
    // JSON has no NaN; a number too large for a double (which would read as infinity) is refused
    // by the JSON reader itself, and must still come out as the file's InputError.
    std::string text = mtpc::checkpoint_text(sample());
    const auto at = text.find("0.1");
    ASSERT_NE(at, std::string::npos);
    text.replace(at, 3, "1e999");
    const std::string msg = error_of(text);
    EXPECT_EQ(msg.rfind("run/checkpoint.json: ", 0), 0u) << msg;
    EXPECT_NE(msg.find("1e999"), std::string::npos) << msg;
}

TEST(Checkpoint, TextThatIsNoCheckpointIsAnInputError) {
    for (const std::string text : {"", "[]", "{", "null", R"({"step": 0})", "\xff\xfe"}) {
        const std::string msg = error_of(text);
        EXPECT_EQ(msg.rfind("run/checkpoint.json", 0), 0u) << text << ": " << msg;
    }
}
