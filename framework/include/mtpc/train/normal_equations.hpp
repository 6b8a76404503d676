// The linear block's least-squares problem for fixed radial functions, as normal equations.
#pragma once

#include <Eigen/Core>

#include <vector>

#include "mtpc/mtp/mtp_model.hpp"
#include "mtpc/train/training_set.hpp"

namespace mtpc {

/// For θ = [species coefficients, ξ] (physical units) and fixed radial coefficients, the data
/// loss of TrainingObjective over some configurations is exactly
///   L(θ) = θᵀ A θ − 2 bᵀ θ + c,   A = Σ_k X_kᵀ W_k X_k,  b = Σ_k X_kᵀ W_k g_k,  c = Σ_k g_kᵀ W_k g_k,
/// X_k = MtpModel::linear_design, g_k the reference E, forces, virial and W_k the loss weights
/// of configuration k (TrainingSet: w_e, w_f, w_s per component, w_s twice for the off-diagonal
/// virial, which the loss counts twice).  Shapeev 2016 §4.5 writes this system as X c = g.
/// The unweighted force part (A_f, b_f, c_f over all reference forces, whatever the weights) gives
/// force RMS errors without the configurations.
struct NormalEquations {
    Eigen::MatrixXd A;
    Eigen::VectorXd b;
    double c = 0;
    int configurations = 0;
    Eigen::MatrixXd A_f;
    Eigen::VectorXd b_f;
    double c_f = 0;
    long force_components = 0;

    explicit NormalEquations(int n = 0);
    NormalEquations& operator+=(const NormalEquations& o);
    NormalEquations& operator-=(const NormalEquations& o);
    [[nodiscard]] int size() const { return int(b.size()); }
    /// The data loss L(θ) (not below 0: rounding of a tiny residual).
    [[nodiscard]] double loss(const Eigen::VectorXd& theta) const;
    /// RMS force-component error of θ (0 when there are no reference forces).
    [[nodiscard]] double force_rmse(const Eigen::VectorXd& theta) const;
};

/// The normal equations of `train` per cross-validation fold: configuration k goes to fold
/// k mod `folds` (interleaved, so folds sample a file ordered by kind of structure evenly).
/// Memory is O(folds × (N_T + S)²), independent of the number of atoms; threads over
/// configurations in fixed chunks, each fold summed in configuration order, so the result is
/// bit-identical for any thread count.
std::vector<NormalEquations> build_normal_equations(const MtpModel& model, const TrainingSet& train,
                                                    const double* radial_coeffs, int folds, int threads);

/// The sum of the folds.
NormalEquations sum_of(const std::vector<NormalEquations>& folds);

}  // namespace mtpc
