// The function L-BFGS minimises in a relaxation: energy (or enthalpy) of a configuration as a
// function of reference positions and a symmetric cell strain, with its analytic gradient.
#pragma once

#include <ceres/ceres.h>
#include <Eigen/Core>

#include <string>
#include <vector>

#include "mtpc/core/configuration.hpp"
#include "mtpc/mtp/mtp_model.hpp"

namespace mtpc {

/// Variables z = [s_1 … s_N (3N, Å), η (6, Voigt xx yy zz yz xz xy; only with a relaxed cell)].
/// The configuration they stand for is the start deformed by F = I + η / c:
///   x_i = F s_i,   lattice vectors a_k = F a_k⁰.
/// The strain is symmetric, so rotations of the whole cell (which change nothing) are not
/// variables.  c = the number of atoms (ASE's UnitCellFilter's cell_factor) makes a strain step
/// comparable to a position step, which keeps L-BFGS's first steps sensible for any cell size.
///
/// Gradient: ∂E/∂s_i = −Fᵀ f_i, and a deformation dF changes every r_ij by dF F⁻¹ r_ij, so
/// ∂E/∂F = −W F⁻ᵀ (W the virial) and ∂(P V)/∂F = P V F⁻ᵀ.
class StrainedCellEnergy final : public ceres::FirstOrderFunction {
public:
    /// One evaluated point and what the convergence test needs from it.
    struct Point {
        std::vector<Eigen::Vector3d> positions;
        Eigen::Matrix3d lattice = Eigen::Matrix3d::Zero();
        EfsResult efs;
        double enthalpy = 0;    ///< E + P·V (E without a relaxed cell)
        double max_force = 0;   ///< eV/Å
        double max_stress = 0;  ///< GPa, max |σ_ab + P δ_ab|, σ = −W/V (0 without a relaxed cell)
    };

    StrainedCellEnergy(const MtpModel& model, const Configuration& start, bool relax_cell, double pressure_gpa,
                       std::string context, int threads);

    /// Trial points farther than this from the last accepted iterate (any atom or lattice vector
    /// moved more, Å) are refused, so that Ceres shortens the step -- ASE's BFGS `maxstep`.  The
    /// first L-BFGS step is scaled by the gradient alone and can otherwise jump far, e.g. into
    /// the unphysical short-distance region where an MTP extrapolates.
    static constexpr double kMaxStep = 0.2;

    /// The start point z₀ (s = x⁰, η = 0).
    [[nodiscard]] std::vector<double> start() const;
    /// Evaluates z; throws InputError (naming the configuration) when atoms overlap there.
    [[nodiscard]] Point evaluate(const double* z) const;
    /// The last point Evaluate() computed with a gradient, and its z (what the callback checks).
    [[nodiscard]] const Point& last_point() const { return last_; }
    [[nodiscard]] const std::vector<double>& last_z() const { return last_z_; }
    [[nodiscard]] int evaluations() const { return evaluations_; }
    /// Makes `z` the point trial steps are measured from (the callback calls it per iteration).
    void set_anchor(const double* z) const;

    bool Evaluate(const double* z, double* cost, double* gradient) const override;
    [[nodiscard]] int NumParameters() const override { return 3 * n_ + (relax_cell_ ? 6 : 0); }

private:
    /// Positions and lattice of z (no evaluation).
    struct Geometry {
        std::vector<Eigen::Vector3d> positions;
        Eigen::Matrix3d lattice = Eigen::Matrix3d::Zero();
    };
    [[nodiscard]] Eigen::Matrix3d deformation(const double* z) const;
    [[nodiscard]] Geometry geometry(const double* z) const;
    [[nodiscard]] bool within_max_step(const Geometry& g) const;

    const MtpModel& model_;
    const Configuration& start_;
    bool relax_cell_;
    double pressure_;  ///< eV/Å³
    std::string context_;
    int threads_;
    int n_;
    double strain_scale_;
    mutable Point last_;
    mutable std::vector<double> last_z_;
    mutable int evaluations_ = 0;
    mutable Geometry anchor_;
};

}  // namespace mtpc
