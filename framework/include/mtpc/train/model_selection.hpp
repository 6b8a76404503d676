// Choosing one model at the end of a sweep (manifest "select"): the low-rank paper's rule for the
// optimal rank, or the smallest model within a tolerance of a reference, so that "the smallest
// model within 5% of base" is one manifest.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace mtpc {

struct RunSummary;  // mtpc/train/trainer.hpp (which includes the manifest, which includes this)

/// Options of select_model (manifest "select").
struct SelectionOptions {
    enum class Rule {
        kNone,         ///< no "select": nothing is chosen
        /// The paper's rule (Sec. III B): among the variants with at least `min_compression` fewer
        /// radial parameters than the full tensor, the lowest mean validation loss.
        kCompression,
        /// The smallest model (fewest radial parameters) whose mean validation loss is at most
        /// (1 + `tolerance`) × the mean validation loss of the variant `reference`; ties go to the
        /// lower validation loss.
        kTolerance,
    };
    Rule rule = Rule::kNone;
    double min_compression = 0.2;  ///< "min_compression", in [0, 1)
    double tolerance = 0.05;       ///< "tolerance", ≥ 0 (relative)
    std::string reference;         ///< "reference": a variant name (required by "tolerance")
};

/// The variant select_model chose, the seed whose potential is exported, and why.
struct ModelSelection {
    std::string variant;
    std::uint64_t seed = 0;
    std::string potential;   ///< that run's potential.mtp
    nlohmann::json report;   ///< the rule, its threshold and every variant's mean validation loss
};

/// Applies `options` to the finished runs (each variant's seeds averaged); of the chosen variant
/// the seed with the lowest validation loss is exported (the ensemble's best member: the runs
/// differ only in their random start).  Throws InputError when no variant qualifies or the
/// reference variant is missing; runs must have validation results.
ModelSelection select_model(const std::vector<RunSummary>& runs, const SelectionOptions& options);

}  // namespace mtpc
