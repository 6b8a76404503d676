// MLIP-2's `RBChebyshev` radial basis: Chebyshev polynomials on [min_dist, max_dist] times
// (r − R_cut)², so that every basis function vanishes smoothly at the cutoff.
#pragma once

namespace mtpc {

/// Q_0 = s·(r − R)², Q_1 = s·ξ·(r − R)², Q_β = 2ξ Q_{β−1} − Q_{β−2}, ξ = (2r − (r_min + R)) / (R − r_min),
/// with s = `scaling` (MLIP-2 multiplies values and derivatives by it) and R = max_dist.
class ChebyshevRadialBasis {
public:
    ChebyshevRadialBasis() = default;
    ChebyshevRadialBasis(double min_dist, double max_dist, int size, double scaling);

    [[nodiscard]] int size() const { return size_; }
    [[nodiscard]] double min_dist() const { return min_dist_; }
    [[nodiscard]] double max_dist() const { return max_dist_; }
    [[nodiscard]] double scaling() const { return scaling_; }

    /// Writes Q_β(r) and dQ_β/dr for β < size() into `values` and `derivatives`.  Callers only pass
    /// r < max_dist (neighbours beyond the cutoff contribute nothing).
    void evaluate(double r, double* values, double* derivatives) const {
        const double ksi = (2 * r - (min_dist_ + max_dist_)) * inv_width_;
        const double mult = 2 * inv_width_;  // dξ/dr
        const double t = r - max_dist_;
        values[0] = scaling_ * t * t;
        derivatives[0] = scaling_ * 2 * t;
        if (size_ < 2) return;
        values[1] = ksi * values[0];
        derivatives[1] = scaling_ * (mult * t * t + 2 * ksi * t);
        for (int b = 2; b < size_; ++b) {
            values[b] = 2 * ksi * values[b - 1] - values[b - 2];
            derivatives[b] = 2 * (mult * values[b - 1] + ksi * derivatives[b - 1]) - derivatives[b - 2];
        }
    }

private:
    double min_dist_ = 0, max_dist_ = 0, inv_width_ = 0, scaling_ = 1;
    int size_ = 0;
};

}  // namespace mtpc
