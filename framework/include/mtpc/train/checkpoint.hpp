// Checkpoints: where an interrupted training run resumes exactly, and the checks that make a
// resume continue the same fit (a settings fingerprint; bounded, finite contents).
#pragma once

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace mtpc {

struct Manifest;

/// A checkpoint's contents: written at every restart point of an optimiser and at step boundaries.
struct Checkpoint {
    std::string variant;
    std::uint64_t seed = 0;
    size_t step = 0;                  ///< the step to run next or to continue (steps.size(): all done)
    int iterations_done = 0;          ///< iterations already done in that step
    std::string radial_options;       ///< the parameterization's options (MFRA raises the rank)
    std::vector<double> linear_scale; ///< the objective's conditioning scale of x
    Eigen::VectorXd x, theta;         ///< the iterate: scaled linear block, radial parameters
    long evaluations = 0;             ///< objective evaluations so far
    nlohmann::json convergence_rule;  ///< the step's rule state; null at a step boundary
    nlohmann::json fingerprint;       ///< run_fingerprint() of the manifest that wrote it
    /// True at an optimiser's restart point (resuming reproduces the uninterrupted run bit for
    /// bit); false at an iterate where a stop request arrived (the optimiser's memory is lost).
    bool at_restart_point = true;
};

/// What a checkpoint must agree with to be resumed by a run of a manifest.
struct CheckpointExpectations {
    nlohmann::json fingerprint;        ///< run_fingerprint() of the resuming manifest
    std::vector<long> max_iterations;  ///< per step of that manifest
    int nx = 0;                        ///< length of x: species coefficients + ξ
};

/// Every setting that changes a run's result (not threads or output options) and FNV-1a digests
/// of the files it reads: two runs with equal fingerprints compute the same fit.
nlohmann::json run_fingerprint(const Manifest& m);

std::string checkpoint_text(const Checkpoint& ck);

/// Parses and checks a checkpoint (also θ's finiteness; θ's length depends on the radial plugin,
/// which the caller checks).  InputError naming `where` and the field for anything wrong, and for
/// a fingerprint that differs (naming the changed JSON paths).
Checkpoint read_checkpoint(std::istream& in, const CheckpointExpectations& expected, const std::string& where);

/// The conditioning scale stored in a parameters.json or checkpoint, if any: nx positive numbers.
std::optional<std::vector<double>> saved_linear_scale(const nlohmann::json& j, int nx, const std::string& file);

/// An array of finite numbers (InputError naming `what` otherwise).
Eigen::VectorXd finite_vector(const nlohmann::json& a, const std::string& what);

}  // namespace mtpc
