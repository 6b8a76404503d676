#include "mtpc/train/model_selection.hpp"

#include <cmath>
#include <filesystem>
#include <limits>
#include <map>

#include "mtpc/core/error.hpp"
#include "mtpc/train/trainer.hpp"

namespace mtpc {

namespace {

/// One variant's seeds, averaged.
struct Candidate {
    std::string variant;
    int radial_parameters = 0;
    int radial_full = 0;
    double mean_validation_loss = 0;
    const RunSummary* best_seed = nullptr;  ///< lowest validation loss
};

std::vector<Candidate> candidates(const std::vector<RunSummary>& runs) {
    std::vector<Candidate> out;
    std::map<std::string, std::size_t> index;
    std::vector<int> seeds;
    for (const auto& r : runs) {
        if (!r.has_validation || !std::isfinite(r.validation_loss))
            throw InputError("select: run " + r.variant + " seed " + std::to_string(r.seed) +
                             " has no validation loss (data.validation is required)");
        auto [it, fresh] = index.emplace(r.variant, out.size());
        if (fresh) {
            out.push_back({r.variant, r.counts.radial_parameters, r.counts.radial_full, 0, &r});
            seeds.push_back(0);
        }
        Candidate& c = out[it->second];
        c.mean_validation_loss += r.validation_loss;
        ++seeds[it->second];
        if (r.validation_loss < c.best_seed->validation_loss) c.best_seed = &r;
    }
    for (std::size_t k = 0; k < out.size(); ++k) out[k].mean_validation_loss /= seeds[k];
    return out;
}

nlohmann::json table(const std::vector<Candidate>& all) {
    nlohmann::json t = nlohmann::json::array();
    for (const auto& c : all)
        t.push_back({{"variant", c.variant},
                     {"radial_parameters", c.radial_parameters},
                     {"compression", 1.0 - double(c.radial_parameters) / c.radial_full},
                     {"mean_validation_loss", c.mean_validation_loss}});
    return t;
}

const Candidate* by_compression(const std::vector<Candidate>& all, double min_compression) {
    const Candidate* best = nullptr;
    for (const auto& c : all) {
        if (c.radial_parameters > (1.0 - min_compression) * c.radial_full) continue;
        if (!best || c.mean_validation_loss < best->mean_validation_loss) best = &c;
    }
    return best;
}

const Candidate* by_tolerance(const std::vector<Candidate>& all, double tolerance, double reference_loss) {
    const Candidate* best = nullptr;
    for (const auto& c : all) {
        if (!(c.mean_validation_loss <= (1.0 + tolerance) * reference_loss)) continue;
        if (!best || c.radial_parameters < best->radial_parameters ||
            (c.radial_parameters == best->radial_parameters && c.mean_validation_loss < best->mean_validation_loss))
            best = &c;
    }
    return best;
}

}  // namespace

ModelSelection select_model(const std::vector<RunSummary>& runs, const SelectionOptions& options) {
    const std::vector<Candidate> all = candidates(runs);
    nlohmann::json report = {{"variants", table(all)}};
    const Candidate* chosen = nullptr;
    if (options.rule == SelectionOptions::Rule::kCompression) {
        report["rule"] = "compression";
        report["min_compression"] = options.min_compression;
        chosen = by_compression(all, options.min_compression);
        if (!chosen)
            throw InputError("select: no variant has at least " + std::to_string(options.min_compression) +
                             " compression of the radial parameters");
    } else if (options.rule == SelectionOptions::Rule::kTolerance) {
        const Candidate* reference = nullptr;
        for (const auto& c : all)
            if (c.variant == options.reference) reference = &c;
        if (!reference) throw InputError("select.reference: no variant named '" + options.reference + "' was run");
        report["rule"] = "tolerance";
        report["tolerance"] = options.tolerance;
        report["reference"] = options.reference;
        report["reference_validation_loss"] = reference->mean_validation_loss;
        chosen = by_tolerance(all, options.tolerance, reference->mean_validation_loss);
    } else {
        throw InputError("select: no rule given");
    }
    ModelSelection s;
    s.variant = chosen->variant;
    s.seed = chosen->best_seed->seed;
    s.potential = (std::filesystem::path(chosen->best_seed->directory) / "potential.mtp").string();
    report["variant"] = s.variant;
    report["seed"] = s.seed;
    report["mean_validation_loss"] = chosen->mean_validation_loss;
    report["radial_parameters"] = chosen->radial_parameters;
    s.report = std::move(report);
    return s;
}

}  // namespace mtpc
