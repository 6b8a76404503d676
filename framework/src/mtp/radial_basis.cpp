// ChebyshevRadialBasis construction (evaluation is inline: it runs once per neighbour pair).
#include "mtpc/mtp/radial_basis.hpp"

#include "mtpc/core/error.hpp"

namespace mtpc {

ChebyshevRadialBasis::ChebyshevRadialBasis(double min_dist, double max_dist, int size, double scaling)
    : min_dist_(min_dist), max_dist_(max_dist), scaling_(scaling), size_(size) {
    if (!(max_dist > min_dist)) throw InputError("radial basis: max_dist must exceed min_dist");
    if (size < 1) throw InputError("radial basis: radial_basis_size must be positive");
    inv_width_ = 1.0 / (max_dist - min_dist);
}

}  // namespace mtpc
