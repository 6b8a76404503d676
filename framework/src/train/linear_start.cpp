#include "mtpc/train/linear_start.hpp"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>

namespace mtpc {

LinearStart fit_linear_start(const MtpModel& model, const TrainingSet& train, const double* C, bool fit, int threads) {
    const int nt = model.species_count(), ns = model.scalar_count(), nx = nt + ns, K = train.size();
    Eigen::MatrixXd A(K, nx);
    const std::vector<double> zero_sc(nt, 0.0), zero_mo(ns, 0.0);
    std::vector<double> gs(nt), gm(ns);
    for (int k = 0; k < K; ++k) {
        std::fill(gs.begin(), gs.end(), 0.0);
        std::fill(gm.begin(), gm.end(), 0.0);
        const MtpParameters p{zero_sc.data(), zero_mo.data(), C};
        model.energy_gradient(train.neighbors(k), train.configurations()[k].types.data(), p,
                              MtpGradient{gs.data(), gm.data(), nullptr}, threads);
        for (int a = 0; a < nt; ++a) A(k, a) = gs[a];
        for (int a = 0; a < ns; ++a) A(k, nt + a) = gm[a];
    }

    LinearStart out;
    out.scale.assign(nx, 1.0);
    for (int a = nt; a < nx; ++a) {
        double sq = 0;
        for (int k = 0; k < K; ++k) {
            const double v = A(k, a) / train.configurations()[k].size();
            sq += v * v;
        }
        const double rms = std::sqrt(sq / std::max(1, K));
        out.scale[a] = (rms > 0 && std::isfinite(rms)) ? 1.0 / rms : 1.0;
    }
    if (!fit) return out;

    Eigen::VectorXd w(K), y(K);
    for (int k = 0; k < K; ++k) {
        const auto& c = train.configurations()[k];
        w[k] = 1.0 / c.size();
        y[k] = *c.energy;
    }
    for (int a = 0; a < nx; ++a) A.col(a) *= out.scale[a];
    const Eigen::MatrixXd N = A.transpose() * w.asDiagonal() * A;
    const double ridge = 1e-8 * std::max(1e-300, N.diagonal().mean());
    const Eigen::VectorXd rhs = A.transpose() * w.asDiagonal() * y;
    const Eigen::VectorXd xs = (N + ridge * Eigen::MatrixXd::Identity(nx, nx)).ldlt().solve(rhs);
    out.x.resize(nx);
    for (int a = 0; a < nx; ++a) out.x[a] = out.scale[a] * xs[a];
    return out;
}

}  // namespace mtpc
