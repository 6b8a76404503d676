// Errors of a potential on a data set, as MLIP-2's `mlp calc-errors` reports them.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "mtpc/core/configuration.hpp"
#include "mtpc/mtp/mtp_model.hpp"

namespace mtpc {

/// eV/Å³ → GPa.
constexpr double kEvPerA3ToGPa = 160.21766208;

struct ErrorStat {
    double rmse = 0, mae = 0, max = 0;
    long count = 0;
};

/// RMSE / MAE / max exactly as MLIP-2's `mlp calc-errors` defines them (src/error_monitor.h):
/// energy per atom (eV/atom, over configurations); forces (eV/Å): RMSE = sqrt(Σ_i |Δf_i|² / 3N),
/// MAE = Σ_i |Δf_i| / 3N, max = max_i |Δf_i|; stress (GPa, virial/volume, periodic configurations
/// with a reference PlusStress): RMSE = sqrt(Σ_k ‖Δσ_k‖_F² / 9K), MAE = Σ_k ‖Δσ_k‖_F / 9K.
struct ErrorReport {
    int configurations = 0;
    ErrorStat energy_per_atom, forces, stress;
    [[nodiscard]] nlohmann::json to_json() const;
    /// Inverse of to_json() (e.g. a finished run's metrics.json read back on --resume).
    static ErrorReport from_json(const nlohmann::json& j);
    /// A few lines like MLIP-2's report.
    [[nodiscard]] std::string to_text() const;
};

/// Accumulates errors of predictions against references.
class ErrorAccumulator {
public:
    void add(const Configuration& reference, const EfsResult& predicted);
    [[nodiscard]] ErrorReport report() const;

private:
    struct Sum { double sq = 0, abs = 0, max = 0; long n = 0; void add(double e); ErrorStat stat(double per_item) const; };
    Sum e_, f_, s_;
    int cfgs_ = 0;
};

/// Evaluates `model` with parameters `p` on every configuration (threads over configurations,
/// deterministic) and returns the errors.
ErrorReport compute_errors(const MtpModel& model, const MtpParameters& p, const std::vector<Configuration>& cfgs,
                           const std::vector<NeighborList>* neighbor_lists, int threads, const std::string& file);

/// Energy, forces and virial of every configuration, results[k] for cfgs[k] (threads over
/// configurations; the results do not depend on the thread count).  Uses `neighbor_lists` (one per
/// configuration) when given, else builds each list in turn (errors name `file`, the line and the
/// configuration).  If `smallest_distances` is non-null it receives each configuration's
/// min_interatomic_distance (mtp/min_distance.hpp) from the same lists, so that
/// check_min_distance needs no second neighbour search.
std::vector<EfsResult> evaluate_configurations(const MtpModel& model, const MtpParameters& p,
                                               const std::vector<Configuration>& cfgs,
                                               const std::vector<NeighborList>* neighbor_lists, int threads,
                                               const std::string& file,
                                               std::vector<double>* smallest_distances = nullptr);

/// Errors of predictions already computed (results[k] for cfgs[k]), accumulated in file order.
ErrorReport errors_of(const std::vector<Configuration>& cfgs, const std::vector<EfsResult>& results);

/// Errors of the configurations that share one value of a feature.
struct FeatureGroupErrors {
    std::string value;  ///< the `Feature NAME value` value (trimmed), or kNoFeatureValue
    ErrorReport report;
};

/// Group name of the configurations that have no `Feature NAME` line.
inline constexpr const char* kNoFeatureValue = "(none)";

/// Errors grouped by one feature: a row per value.
struct FeatureErrors {
    std::string name;                        ///< the feature, e.g. "source"
    std::vector<FeatureGroupErrors> groups;  ///< in order of first appearance in the data set

    /// {"name": NAME, "groups": [{"value": ..., <ErrorReport::to_json() fields>}, ...]}
    [[nodiscard]] nlohmann::json to_json() const;
    /// An aligned table: a row per group (configurations; energy per atom RMSE/MAE in meV/atom;
    /// forces RMSE/MAE/max in eV/Å; stress RMSE in GPa when some group has stresses).
    [[nodiscard]] std::string to_text() const;
};

/// Groups predictions already computed (results[k] for cfgs[k]) by the value of the
/// configurations' `Feature feature value` (the first such line; values compared after trimming
/// white space; configurations without it form the group kNoFeatureValue, kept apart even if a
/// real value reads the same) and reports each group with MLIP-2's definitions, as errors_of.
/// Each group's report is accumulated in file order, so it is deterministic.
FeatureErrors errors_by_feature(const std::vector<Configuration>& cfgs, const std::vector<EfsResult>& results,
                                const std::string& feature);

/// evaluate_configurations then errors_by_feature: every configuration is evaluated once.  (For
/// the overall report from the same evaluation, call those two and errors_of yourself.)
FeatureErrors compute_errors_by_feature(const MtpModel& model, const MtpParameters& p,
                                        const std::vector<Configuration>& cfgs,
                                        const std::vector<NeighborList>* neighbor_lists, int threads,
                                        const std::string& file, const std::string& feature);

}  // namespace mtpc
