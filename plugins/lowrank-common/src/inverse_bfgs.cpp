#include "mtpc_lowrank/inverse_bfgs.hpp"

#include <cmath>

namespace mtpc::lowrank {

void InverseBfgs::reset(int n) {
    H_ = sdk::Matrix::Identity(n, n);
    fresh_ = true;
    symmetric_ = true;
}

void InverseBfgs::reset(const sdk::Vector& diagonal) {
    H_ = diagonal.asDiagonal();
    fresh_ = true;
    symmetric_ = true;
}

void InverseBfgs::embed(const std::vector<int>& position, int new_size) {
    sdk::Matrix grown = sdk::Matrix::Identity(new_size, new_size);
    const int old_size = static_cast<int>(position.size());
    for (int j = 0; j < old_size; ++j) grown(position[j], position[j]) = 0;
    for (int j = 0; j < old_size; ++j)
        for (int i = 0; i < old_size; ++i) grown(position[i], position[j]) = H_(i, j);
    H_ = std::move(grown);
}

sdk::Vector InverseBfgs::direction(const sdk::Vector& g) const { return -(H_ * g); }

void InverseBfgs::transport(const sdk::Matrix& T, const sdk::Matrix& T_inverse, Transport how) {
    const sdk::Matrix moved = T * H_ * T_inverse;
    if (how == Transport::kPlain) {
        H_ = moved;
        symmetric_ = false;
    } else {
        H_ = 0.5 * (moved + moved.transpose());
    }
}

bool InverseBfgs::update(const sdk::Vector& s, const sdk::Vector& y) {
    const double sy = s.dot(y);
    if (!(sy > 1e-10 * s.norm() * y.norm())) return false;  // also rejects NaN
    if (fresh_ && scale_first_update_) H_ *= sy / y.dot(H_ * y);
    fresh_ = false;
    // H⁺ = (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, expanded so that it costs two mat-vecs:
    // H⁺ = H − ρ (H y sᵀ + s yᵀ H) + (ρ² yᵀH y + ρ) s sᵀ   (H symmetric).
    const double rho = 1.0 / sy;
    const sdk::Vector Hy = H_ * y;
    const double yHy = y.dot(Hy);
    if (symmetric_) {
        H_.noalias() -= rho * (Hy * s.transpose() + s * Hy.transpose());
    } else {  // yᵀH = (Hᵀy)ᵀ differs from (Hy)ᵀ
        const sdk::Vector HTy = H_.transpose() * y;
        H_.noalias() -= rho * (Hy * s.transpose() + s * HTy.transpose());
    }
    H_.noalias() += (rho * rho * yHy + rho) * (s * s.transpose());
    return true;
}

}  // namespace mtpc::lowrank
