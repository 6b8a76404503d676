#include "mtpc/train/radial_start.hpp"

#include <cmath>
#include <vector>

#include "mtpc/train/radial_penalty.hpp"

namespace mtpc {

double rms_radial_function_norm(const sdk::RadialShape& shape, const double* C) {
    const sdk::Matrix G = RadialOrthonormalityPenalty(shape).gram(C);
    return std::sqrt(G.diagonal().mean());
}

void random_radial_start(const sdk::RadialParameterization& radial, std::uint64_t seed, double explicit_scale,
                         double* theta) {
    if (explicit_scale > 0) {
        radial.initialize_random(seed, explicit_scale, theta);
        return;
    }
    const sdk::RadialShape shape = radial.shape();
    // Entries of size s give ‖c_μ‖ ≈ s·√(N_T² N_b).
    double scale = 1.0 / std::sqrt(double(shape.rows()) * shape.n_basis);
    std::vector<double> C(shape.size());
    radial.initialize_random(seed, scale, theta);
    radial.materialize(theta, C.data());
    const double norm = rms_radial_function_norm(shape, C.data());
    if (norm > 0 && std::isfinite(norm) && std::abs(norm - 1) > 1e-3) {
        scale /= norm;
        radial.initialize_random(seed, scale, theta);
    }
}

}  // namespace mtpc
