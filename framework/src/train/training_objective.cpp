#include "mtpc/train/training_objective.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace mtpc {

TrainingObjective::TrainingObjective(const MtpModel& model, const TrainingSet& data, std::vector<double> linear_scale,
                                     int threads, ReportFn report, Regularization regularization)
    : model_(model), data_(data), scale_(std::move(linear_scale)), threads_(threads), report_(std::move(report)),
      reg_(regularization), radial_penalty_(model.radial_shape()),
      species_spread_penalty_(model.radial_shape()), curvature_penalty_(model.radial_shape()) {
    const size_t expect = size_t(model_.species_count() + model_.scalar_count());
    if (scale_.size() != expect)
        throw std::invalid_argument("TrainingObjective: linear scale has " + std::to_string(scale_.size()) +
                                    " entries, model needs " + std::to_string(expect));
    xphys_.resize(expect);
    gsc_.resize(model_.species_count());
    gmo_.resize(model_.scalar_count());
}

std::vector<double> TrainingObjective::to_physical(const double* x) const {
    std::vector<double> p(scale_.size());
    for (size_t k = 0; k < p.size(); ++k) p[k] = scale_[k] * x[k];
    return p;
}

std::vector<double> TrainingObjective::to_scaled(const double* x_phys) const {
    std::vector<double> p(scale_.size());
    for (size_t k = 0; k < p.size(); ++k) p[k] = x_phys[k] / scale_[k];
    return p;
}

double TrainingObjective::evaluate(const double* x, const double* C, double* dL_dx, double* dL_dC) {
    const auto t0 = std::chrono::steady_clock::now();
    ++evaluations_;
    const int nt = model_.species_count();
    for (size_t k = 0; k < scale_.size(); ++k) xphys_[k] = scale_[k] * x[k];
    MtpParameters p{xphys_.data(), xphys_.data() + nt, C};
    MtpGradient g;
    std::fill(gsc_.begin(), gsc_.end(), 0.0);
    std::fill(gmo_.begin(), gmo_.end(), 0.0);
    if (dL_dx != nullptr) {
        g.species_coeffs = gsc_.data();
        g.moment_coeffs = gmo_.data();
    }
    if (dL_dC != nullptr) {
        std::fill(dL_dC, dL_dC + model_.radial_shape().size(), 0.0);
        g.radial_coeffs = dL_dC;
    }
    double loss = model_.batch_loss_gradient(data_.items(), p, g, threads_);
    if (dL_dx != nullptr) {
        for (int k = 0; k < nt; ++k) dL_dx[k] = gsc_[k] * scale_[k];
        for (size_t k = 0; k < gmo_.size(); ++k) dL_dx[nt + k] = gmo_[k] * scale_[nt + k];
    }
    last_penalty_ = add_regularization(x, C, dL_dx, dL_dC);
    loss += last_penalty_;
    if (!std::isfinite(loss)) loss = std::numeric_limits<double>::infinity();
    seconds_ += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return loss;
}

double TrainingObjective::add_regularization(const double* x, const double* C, double* dL_dx, double* dL_dC) const {
    const double K = data_.size();
    double penalty = 0;
    if (reg_.linear_l2 > 0) {
        const double lambda = reg_.linear_l2 * K;
        for (size_t k = size_t(model_.species_count()); k < scale_.size(); ++k) {
            penalty += lambda * x[k] * x[k];
            if (dL_dx != nullptr) dL_dx[k] += 2 * lambda * x[k];
        }
    }
    penalty += radial_penalty_.add(reg_.radial_orthonormality * K, C, dL_dC);
    penalty += species_spread_penalty_.add(reg_.radial_species_spread * K, C, dL_dC);
    penalty += curvature_penalty_.add(reg_.radial_curvature * K, C, dL_dC);
    return penalty;
}

bool TrainingObjective::report(const sdk::ProgressReport& progress) { return report_ ? report_(progress) : true; }

bool TrainingObjective::solve_linear(const double* C, double* x) {
    if (!linear_solver_) return false;
    linear_solver_(C, x);
    return true;
}

}  // namespace mtpc
