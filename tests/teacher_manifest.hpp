// The training manifest every teacher-data test starts from (see write_teacher_data_set in
// test_support.hpp): one place for the model shape, the data files and the loss, so that the tests
// that train differ only in what they vary (radial plugin, steps, variants, seeds).
#pragma once

#include <filesystem>

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

}  // namespace mtpc::test
