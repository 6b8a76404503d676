#include "mtpc/train/normal_equations.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace mtpc {

namespace {

/// Configurations whose per-configuration matrices are held at once: fixed (not per thread), so
/// the summation order never depends on the thread count; small enough to bound the memory.
constexpr int kConfigurationsPerChunk = 16;

/// One configuration's contribution; only the lower triangles of A and A_f are filled.
NormalEquations configuration_equations(const MtpModel& model, const TrainingItem& item, const Configuration& cfg,
                                        const double* radial_coeffs) {
    const Eigen::MatrixXd X = model.linear_design(*item.neighbors, item.types, radial_coeffs);
    const int n = int(X.cols()), N = cfg.size(), virial_row = 1 + 3 * N;
    const sdk::LossTarget& t = item.target;
    NormalEquations ne(n);
    ne.configurations = 1;
    const auto energy_row = X.row(0).transpose();
    ne.A.selfadjointView<Eigen::Lower>().rankUpdate(energy_row, t.w_energy);
    ne.b = t.w_energy * t.energy * energy_row;
    ne.c = t.w_energy * t.energy * t.energy;
    if (cfg.has_forces()) {
        const auto XF = X.middleRows(1, 3 * N);
        Eigen::VectorXd f(3 * N);
        for (int i = 0; i < N; ++i)
            for (int a = 0; a < 3; ++a) f[3 * i + a] = cfg.forces[i][a];
        ne.A_f.selfadjointView<Eigen::Lower>().rankUpdate(XF.transpose());
        ne.b_f = XF.transpose() * f;
        ne.c_f = f.squaredNorm();
        ne.force_components = 3L * N;
        if (t.forces != nullptr && t.w_forces != 0) {
            ne.A.triangularView<Eigen::Lower>() += t.w_forces * ne.A_f;
            ne.b += t.w_forces * ne.b_f;
            ne.c += t.w_forces * ne.c_f;
        }
    }
    if (t.virial != nullptr && t.w_stress != 0) {
        for (int v = 0; v < 6; ++v) {
            const double w = v < 3 ? t.w_stress : 2 * t.w_stress;  // off-diagonals count twice
            const auto row = X.row(virial_row + v).transpose();
            ne.A.selfadjointView<Eigen::Lower>().rankUpdate(row, w);
            ne.b += w * t.virial[v] * row;
            ne.c += w * t.virial[v] * t.virial[v];
        }
    }
    return ne;
}

void fill_upper(Eigen::MatrixXd& m) { m.triangularView<Eigen::StrictlyUpper>() = m.transpose(); }

}  // namespace

NormalEquations::NormalEquations(int n)
    : A(Eigen::MatrixXd::Zero(n, n)), b(Eigen::VectorXd::Zero(n)), A_f(Eigen::MatrixXd::Zero(n, n)),
      b_f(Eigen::VectorXd::Zero(n)) {}

NormalEquations& NormalEquations::operator+=(const NormalEquations& o) {
    A += o.A;
    b += o.b;
    c += o.c;
    configurations += o.configurations;
    A_f += o.A_f;
    b_f += o.b_f;
    c_f += o.c_f;
    force_components += o.force_components;
    return *this;
}

NormalEquations& NormalEquations::operator-=(const NormalEquations& o) {
    A -= o.A;
    b -= o.b;
    c -= o.c;
    configurations -= o.configurations;
    A_f -= o.A_f;
    b_f -= o.b_f;
    c_f -= o.c_f;
    force_components -= o.force_components;
    return *this;
}

double NormalEquations::loss(const Eigen::VectorXd& theta) const {
    return std::max(0.0, theta.dot(A * theta) - 2 * b.dot(theta) + c);
}

double NormalEquations::force_rmse(const Eigen::VectorXd& theta) const {
    if (force_components == 0) return 0;
    const double sse = std::max(0.0, theta.dot(A_f * theta) - 2 * b_f.dot(theta) + c_f);
    return std::sqrt(sse / double(force_components));
}

std::vector<NormalEquations> build_normal_equations(const MtpModel& model, const TrainingSet& train,
                                                    const double* radial_coeffs, int folds, int threads) {
    if (folds < 1) throw std::invalid_argument("build_normal_equations: folds must be positive");
    const int n = model.species_count() + model.scalar_count(), K = train.size();
    std::vector<NormalEquations> out(folds, NormalEquations(n));
    std::vector<NormalEquations> chunk(kConfigurationsPerChunk);
    for (int first = 0; first < K; first += kConfigurationsPerChunk) {
        const int count = std::min(kConfigurationsPerChunk, K - first);
#pragma omp parallel for schedule(dynamic, 1) num_threads(std::max(1, threads)) if (threads > 1 && count > 1)
        for (int q = 0; q < count; ++q)
            chunk[q] = configuration_equations(model, train.items()[first + q], train.configurations()[first + q],
                                               radial_coeffs);
        for (int q = 0; q < count; ++q) out[(first + q) % folds] += chunk[q];
    }
    for (auto& f : out) {
        fill_upper(f.A);
        fill_upper(f.A_f);
    }
    return out;
}

NormalEquations sum_of(const std::vector<NormalEquations>& folds) {
    NormalEquations total(folds.empty() ? 0 : folds.front().size());
    for (const auto& f : folds) total += f;
    return total;
}

}  // namespace mtpc
