// Reference evaluation of the scalar basis functions of an alpha_* moment program (no
// derivatives): what MLIP-2 computes per site, written for clarity, used to check generated bases.
#include <cmath>
#include <string>

#include "mtpc/core/error.hpp"
#include "mtpc/mtp/basis_generator.hpp"

namespace mtpc {

std::vector<double> evaluate_basis_functions(int alpha_moments_count,
                                             const std::vector<std::array<int, 4>>& alpha_index_basic,
                                             const std::vector<std::array<int, 4>>& alpha_index_times,
                                             const std::vector<int>& alpha_moment_mapping,
                                             const std::vector<BasisNeighbour>& neighbourhood) {
    const int basic_count = static_cast<int>(alpha_index_basic.size());
    if (basic_count > alpha_moments_count)
        throw InputError("alpha_index_basic has more entries than alpha_moments_count");
    std::vector<double> moment(alpha_moments_count, 0.0);
    for (int m = 0; m < basic_count; ++m) {
        const auto& [mu, a, b, c] = alpha_index_basic[m];
        if (mu < 0 || a < 0 || b < 0 || c < 0) throw InputError("negative entry in alpha_index_basic");
        double sum = 0;
        for (const BasisNeighbour& nb : neighbourhood) {
            if (mu >= static_cast<int>(nb.radial.size()))
                throw InputError("neighbour has " + std::to_string(nb.radial.size()) +
                                 " radial values, basic moment needs mu = " + std::to_string(mu));
            const Eigen::Vector3d u = nb.r / nb.r.norm();
            sum += nb.radial[mu] * std::pow(u.x(), a) * std::pow(u.y(), b) * std::pow(u.z(), c);
        }
        moment[m] = sum;
    }
    for (const auto& [i, j, k, t] : alpha_index_times) {
        if (i < 0 || j < 0 || t < basic_count || i >= alpha_moments_count || j >= alpha_moments_count ||
            t >= alpha_moments_count)
            throw InputError("alpha_index_times entry out of range");
        moment[t] += k * moment[i] * moment[j];
    }
    std::vector<double> values;
    values.reserve(alpha_moment_mapping.size());
    for (int m : alpha_moment_mapping) {
        if (m < 0 || m >= alpha_moments_count) throw InputError("alpha_moment_mapping entry out of range");
        values.push_back(moment[m]);
    }
    return values;
}

std::vector<double> evaluate_basis_functions(const MtpBasis& basis, const std::vector<BasisNeighbour>& neighbourhood) {
    return evaluate_basis_functions(basis.alpha_moments_count, basis.alpha_index_basic, basis.alpha_index_times,
                                    basis.alpha_moment_mapping, neighbourhood);
}

}  // namespace mtpc
