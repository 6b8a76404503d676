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

}  // namespace mtpc
