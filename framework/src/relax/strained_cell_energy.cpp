#include "strained_cell_energy.hpp"

#include <Eigen/LU>

#include <algorithm>
#include <cmath>

#include "mtpc/core/error.hpp"
#include "mtpc/train/error_metrics.hpp"  // kEvPerA3ToGPa

namespace mtpc {
namespace {

/// Voigt order of PlusStress and of η: xx yy zz yz xz xy.
constexpr int kVoigt[6][2] = {{0, 0}, {1, 1}, {2, 2}, {1, 2}, {0, 2}, {0, 1}};

Eigen::Matrix3d from_voigt(const std::array<double, 6>& v) {
    Eigen::Matrix3d m;
    for (int k = 0; k < 6; ++k) m(kVoigt[k][0], kVoigt[k][1]) = m(kVoigt[k][1], kVoigt[k][0]) = v[k];
    return m;
}

}  // namespace

StrainedCellEnergy::StrainedCellEnergy(const MtpModel& model, const Configuration& start, bool relax_cell,
                                       double pressure_gpa, std::string context, int threads)
    : model_(model), start_(start), relax_cell_(relax_cell && start.periodic),
      pressure_(pressure_gpa / kEvPerA3ToGPa), context_(std::move(context)), threads_(std::max(1, threads)),
      n_(start.size()), strain_scale_(std::max(1, start.size())) {
    set_anchor(this->start().data());
}

void StrainedCellEnergy::set_anchor(const double* z) const { anchor_ = geometry(z); }

StrainedCellEnergy::Geometry StrainedCellEnergy::geometry(const double* z) const {
    Geometry g;
    const Eigen::Matrix3d F = deformation(z);
    g.positions.resize(n_);
    for (int i = 0; i < n_; ++i) g.positions[i] = F * Eigen::Vector3d(z[3 * i], z[3 * i + 1], z[3 * i + 2]);
    if (start_.periodic) g.lattice = start_.lattice * F.transpose();  // rows a_k = F a_k⁰
    return g;
}

bool StrainedCellEnergy::within_max_step(const Geometry& g) const {
    for (int i = 0; i < n_; ++i)
        if ((g.positions[i] - anchor_.positions[i]).norm() > kMaxStep) return false;
    for (int k = 0; k < 3; ++k)
        if ((g.lattice.row(k) - anchor_.lattice.row(k)).norm() > kMaxStep) return false;
    return true;
}

std::vector<double> StrainedCellEnergy::start() const {
    std::vector<double> z(NumParameters(), 0.0);
    for (int i = 0; i < n_; ++i)
        for (int a = 0; a < 3; ++a) z[3 * i + a] = start_.positions[i][a];
    return z;
}

Eigen::Matrix3d StrainedCellEnergy::deformation(const double* z) const {
    Eigen::Matrix3d F = Eigen::Matrix3d::Identity();
    if (!relax_cell_) return F;
    const double* eta = z + 3 * n_;
    for (int k = 0; k < 6; ++k) {
        const double e = eta[k] / strain_scale_;
        F(kVoigt[k][0], kVoigt[k][1]) += e;
        if (k >= 3) F(kVoigt[k][1], kVoigt[k][0]) += e;
    }
    return F;
}

StrainedCellEnergy::Point StrainedCellEnergy::evaluate(const double* z) const {
    ++evaluations_;
    Point p;
    Geometry g = geometry(z);
    std::vector<double> flat(3 * std::size_t(n_));
    for (int i = 0; i < n_; ++i)
        for (int a = 0; a < 3; ++a) flat[3 * i + a] = g.positions[i][a];
    double lat[9];
    for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 3; ++c) lat[3 * r + c] = g.lattice(r, c);
    p.positions = std::move(g.positions);
    p.lattice = g.lattice;
    const NeighborList nl(n_, flat.data(), start_.periodic ? lat : nullptr, model_.cutoff(), context_);
    p.efs = model_.compute_efs(nl, start_.types.data(), model_.parameters(), threads_);
    p.enthalpy = p.efs.energy;
    for (const auto& f : p.efs.forces) p.max_force = std::max(p.max_force, f.norm());
    if (relax_cell_) {
        const double volume = std::abs(p.lattice.determinant());
        p.enthalpy += pressure_ * volume;
        const Eigen::Matrix3d residual =
            (-from_voigt(p.efs.virial) / volume + pressure_ * Eigen::Matrix3d::Identity()) * kEvPerA3ToGPa;
        p.max_stress = residual.cwiseAbs().maxCoeff();
    }
    return p;
}

bool StrainedCellEnergy::Evaluate(const double* z, double* cost, double* gradient) const {
    if (!within_max_step(geometry(z))) return false;  // Ceres shortens the step
    Point p;
    try {
        p = evaluate(z);
    } catch (const InputError&) {
        return false;  // a trial step let atoms overlap: Ceres shortens the step
    }
    if (!std::isfinite(p.enthalpy)) return false;
    *cost = p.enthalpy;
    if (gradient == nullptr) return true;
    const Eigen::Matrix3d F = deformation(z);
    for (int i = 0; i < n_; ++i) {
        const Eigen::Vector3d g = -F.transpose() * p.efs.forces[i];
        for (int a = 0; a < 3; ++a) gradient[3 * i + a] = g[a];
    }
    if (relax_cell_) {
        const double volume = std::abs(p.lattice.determinant());
        const Eigen::Matrix3d dF =
            (-from_voigt(p.efs.virial) + pressure_ * volume * Eigen::Matrix3d::Identity()) * F.inverse().transpose();
        for (int k = 0; k < 6; ++k) {
            const int a = kVoigt[k][0], b = kVoigt[k][1];
            gradient[3 * n_ + k] = (k < 3 ? dF(a, a) : dF(a, b) + dF(b, a)) / strain_scale_;
        }
    }
    last_ = std::move(p);
    last_z_.assign(z, z + NumParameters());
    return true;
}

}  // namespace mtpc
