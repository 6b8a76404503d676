// The regularised linear fit of Shapeev 2016 §4.5.1 for fixed radial functions, with γ chosen by
// K-fold cross-validation.
#pragma once

#include <Eigen/Core>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "mtpc/train/normal_equations.hpp"

namespace mtpc {

/// The manifest's name of the built-in linear step.
inline constexpr const char* kLinearStepName = "linear";

/// Options of the manifest step {"optimizer": "linear", "options": {...}}.
struct LinearFitOptions {
    /// γ of the ridge γ diag(A) on ξ (§4.5.1); 0 = plain least squares.  nullopt ("cv"): the γ
    /// of `l2_grid` with the smallest cross-validation loss.
    std::optional<double> l2;
    /// Cross-validation folds (by configuration), 16 as in the paper; fewer if there are fewer
    /// configurations.
    int folds = 16;
    /// The γ tried by cross-validation: 0 and 10^-12 .. 10^0 by decades.
    std::vector<double> l2_grid = {0, 1e-12, 1e-11, 1e-10, 1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1};
};

/// Reads step options (keys l2, folds, l2_grid); throws InputError naming `where` and the key.
LinearFitOptions linear_fit_options_from_json(const nlohmann::json& options, const std::string& where);

/// The regularisation the linear step adds to the data loss L(θ) of NormalEquations:
///   γ Σ_{s} A_ss ξ_s²  (§4.5.1's γ diag(XᵀX), on ξ only: species energies are not shrunk)
/// + K Σ_s r_s ξ_s²     (the objective's ridge λ K Σ (ξ_s/scale_s)², r_s = λ / scale_s²; K the
///                       configurations fitted), so that γ = 0 minimises TrainingObjective exactly.
struct LinearRegularization {
    int n_species = 0;                      ///< leading coefficients that are not regularised
    Eigen::VectorXd ridge_per_configuration;  ///< r (size of θ; zeros for species), may be empty
};

/// argmin_θ L(θ) + the regularisation, for one γ.  Scaled to unit diagonal and solved by LDLT;
/// a singular system (duplicated or all-zero basis functions, γ = 0) falls back to the
/// minimum-norm solution of a complete orthogonal decomposition, so the result is always finite.
Eigen::VectorXd solve_linear_fit(const NormalEquations& ne, double gamma, const LinearRegularization& reg);

struct CrossValidationRow {
    double l2 = 0;
    double loss = 0;        ///< held-out data loss summed over the folds, per configuration
    double force_rmse = 0;  ///< held-out RMS force-component error (eV/Å)
};

struct LinearFitResult {
    Eigen::VectorXd theta;  ///< physical [species coefficients, ξ]
    double l2 = 0;          ///< the γ used
    std::vector<CrossValidationRow> cross_validation;  ///< one row per γ tried (empty: γ given)
    double loss = 0;        ///< data loss on all configurations
    double force_rmse = 0;  ///< on all configurations
};

/// The fit on all folds together; with options.l2 unset, γ is chosen first by training on all
/// folds but one and testing on that one, for every fold and every γ of the grid.
LinearFitResult fit_linear(const std::vector<NormalEquations>& folds, const LinearFitOptions& options,
                           const LinearRegularization& reg);

}  // namespace mtpc
