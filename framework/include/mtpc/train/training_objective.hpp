// The training loss as an sdk::Objective: what every optimiser (built-in or plugin) minimises.
#pragma once

#include <chrono>
#include <functional>
#include <vector>

#include "mtpc/mtp/mtp_model.hpp"
#include "mtpc/sdk/optimizer.hpp"
#include "mtpc/train/radial_penalty.hpp"
#include "mtpc/train/training_set.hpp"

namespace mtpc {

/// Terms added to the data loss.  Weights are *per training configuration* (each is multiplied
/// by the number of configurations K, since the data loss is a sum over them): a weight keeps
/// its meaning whatever the size of the training set.
struct Regularization {
    /// λ of the ridge term λ K Σ_s x_s² on the scaled ξ (not on species coefficients); 0 = off.
    double linear_l2 = 0.0;
    /// λ of λ K P(C), P = RadialOrthonormalityPenalty; 0 = off.
    double radial_orthonormality = 0.0;
    /// λ of λ K S(C), S = NeighborSpeciesSpreadPenalty; 0 = off.
    double radial_species_spread = 0.0;
    /// λ of λ K K(C), K = RadialCurvaturePenalty; 0 = off.
    double radial_curvature = 0.0;
};

/// L(x, C) = Σ_k loss_k over a training set (eq. (8) of the low-rank paper, with the weights of
/// TrainingSet), plus the Regularization terms, x = [species coefficients (N_T), ξ (S)] in *scaled* coordinates:
/// x_phys = linear_scale ⊙ x.  The scale (chosen once, at initialisation, from the spread of each
/// basis function over the training atoms) makes the Euclidean block well conditioned for BFGS:
/// raw basis functions span many orders of magnitude.
///
/// Host-side guarantees whatever the optimiser does (pagmo2 style): sizes are fixed, every call is
/// counted, and a NaN/Inf loss is reported as such (the optimiser sees +inf and backtracks).
class TrainingObjective final : public sdk::Objective {
public:
    using ReportFn = std::function<bool(const sdk::ProgressReport&)>;
    /// Writes into x (scaled coordinates) the exact linear coefficients for the radial tensor C.
    using LinearSolveFn = std::function<void(const double* C, double* x)>;

    TrainingObjective(const MtpModel& model, const TrainingSet& data, std::vector<double> linear_scale,
                      int threads, ReportFn report, Regularization regularization = {});

    [[nodiscard]] int euclidean_size() const override { return static_cast<int>(scale_.size()); }
    [[nodiscard]] sdk::RadialShape radial_shape() const override { return model_.radial_shape(); }
    double evaluate(const double* x, const double* C, double* dL_dx, double* dL_dC) override;
    bool report(const sdk::ProgressReport& progress) override;
    /// The trainer's exact linear solve (set_linear_solver); false without one.
    bool solve_linear(const double* C, double* x) override;
    void set_linear_solver(LinearSolveFn solver) { linear_solver_ = std::move(solver); }

    [[nodiscard]] long evaluations() const { return evaluations_; }
    /// The regularisation part of the last evaluate() (already included in its value).
    [[nodiscard]] double last_penalty() const { return last_penalty_; }
    [[nodiscard]] double seconds_in_evaluate() const { return seconds_; }
    [[nodiscard]] const std::vector<double>& linear_scale() const { return scale_; }

    /// Physical linear coefficients from scaled ones, and back.
    [[nodiscard]] std::vector<double> to_physical(const double* x) const;
    [[nodiscard]] std::vector<double> to_scaled(const double* x_phys) const;

private:
    /// Adds the Regularization terms' gradients; returns their value.
    double add_regularization(const double* x, const double* C, double* dL_dx, double* dL_dC) const;

    const MtpModel& model_;
    const TrainingSet& data_;
    std::vector<double> scale_;
    int threads_;
    ReportFn report_;
    LinearSolveFn linear_solver_;
    Regularization reg_;
    RadialOrthonormalityPenalty radial_penalty_;
    NeighborSpeciesSpreadPenalty species_spread_penalty_;
    RadialCurvaturePenalty curvature_penalty_;
    double last_penalty_ = 0;
    long evaluations_ = 0;
    double seconds_ = 0;
    std::vector<double> xphys_, gsc_, gmo_;
};

}  // namespace mtpc
