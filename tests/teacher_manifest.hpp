// The training manifest every teacher-data test starts from (see write_teacher_data_set in
// test_support.hpp): one place for the model shape, the data files and the loss, so that the tests
// that train differ only in what they vary (radial plugin, steps, variants, seeds).
#pragma once

#include <filesystem>
#include <string>

#include <nlohmann/json.hpp>

#include "test_support.hpp"

namespace mtpc::test {

/// The manifest's "model" object of the teacher's shape (kTeacher*): the teacher is in the
/// model class, so a fit can in principle reach zero loss.
inline nlohmann::json teacher_model() {
    return {{"level", kTeacherLevel},
            {"min_dist", kTeacherMinDist},
            {"max_dist", kTeacherMaxDist},
            {"radial_basis_size", kTeacherBasisSize}};
}

/// A manifest that trains the base model (species "A", "B") on `data_dir`/train.cfg, validated on
/// `data_dir`/valid.cfg, with the weights 1 / 0.01 / 0, `max_iterations` Ceres BFGS steps, one
/// thread, runs written below `out_dir`.  Tests change or add keys on the returned object.
inline nlohmann::json teacher_manifest(const std::filesystem::path& data_dir, const std::filesystem::path& out_dir,
                                       int max_iterations) {
    return {{"species", {"A", "B"}},
            {"data", {{"train", (data_dir / "train.cfg").string()}, {"validation", (data_dir / "valid.cfg").string()}}},
            {"model", teacher_model()},
            {"loss", {{"energy_weight", 1.0}, {"force_weight", 0.01}, {"stress_weight", 0.0}}},
            {"steps", {{{"optimizer", "bfgs"}, {"options", {{"max_iterations", max_iterations}}}}}},
            {"threads", 1},
            {"output", {{"directory", out_dir.string()}}}};
}

/// teacher_manifest with two compressed variants, MF rank 2 named `mf_variant` and TT ranks
/// (2, 2, 2) named `tt_variant`, seed 3 and no periodic validation: a short fit that gives both
/// low-rank parameterizations a non-trivial θ, for tests of what is done with a trained one.
inline nlohmann::json teacher_mf_tt_manifest(const std::filesystem::path& data_dir, const std::filesystem::path& out_dir,
                                             int max_iterations, const std::string& mf_variant,
                                             const std::string& tt_variant) {
    nlohmann::json m = teacher_manifest(data_dir, out_dir, max_iterations);
    m["radial"] = {{"plugin", "radial-mf"}, {"options", {{"rank", 2}}}};
    m["variants"] = {{{"name", mf_variant}, {"set", nlohmann::json::object()}},
                     {{"name", tt_variant},
                      {"set", {{"radial", {{"plugin", "radial-tt"}, {"options", {{"ranks", {2, 2, 2}}}}}}}}}};
    m["seeds"] = {3};
    m["output"]["validate_every"] = 0;
    return m;
}

}  // namespace mtpc::test
