#include "mtpc/mtp/basis_pruning.hpp"

#include <algorithm>
#include <string>

#include "mtpc/core/error.hpp"

namespace mtpc {

MtpPotential prune_basis(const MtpPotential& pot, std::vector<int> keep) {
    const int S = pot.alpha_scalar_moments(), A = pot.alpha_moments_count;
    std::sort(keep.begin(), keep.end());
    for (size_t k = 0; k < keep.size(); ++k) {
        if (keep[k] < 0 || keep[k] >= S)
            throw InputError("prune_basis: basis function " + std::to_string(keep[k]) + " out of range (potential has " +
                             std::to_string(S) + ")");
        if (k > 0 && keep[k] == keep[k - 1])
            throw InputError("prune_basis: basis function " + std::to_string(keep[k]) + " listed twice");
    }
    // The moments the kept functions need: a product's target needs both factors, so walk the
    // times list backwards (every product comes after the products of its factors).
    std::vector<char> needed(A, 0);
    for (int s : keep) needed[pot.alpha_moment_mapping[s]] = 1;
    for (size_t e = pot.alpha_index_times.size(); e-- > 0;) {
        const auto& t = pot.alpha_index_times[e];
        if (needed[t[3]]) needed[t[0]] = needed[t[1]] = 1;
    }
    std::vector<int> renumber(A, -1);
    int next = 0;
    const int n_basic = int(pot.alpha_index_basic.size());
    MtpPotential out = pot;
    out.alpha_index_basic.clear();
    for (int i = 0; i < n_basic; ++i)
        if (needed[i]) {
            renumber[i] = next++;
            out.alpha_index_basic.push_back(pot.alpha_index_basic[i]);
        }
    for (int m = n_basic; m < A; ++m)
        if (needed[m]) renumber[m] = next++;
    out.alpha_moments_count = next;
    out.alpha_index_times.clear();
    for (const auto& t : pot.alpha_index_times)
        if (needed[t[3]]) out.alpha_index_times.push_back({renumber[t[0]], renumber[t[1]], t[2], renumber[t[3]]});
    out.alpha_moment_mapping.clear();
    out.moment_coeffs.clear();
    for (int s : keep) {
        out.alpha_moment_mapping.push_back(renumber[pot.alpha_moment_mapping[s]]);
        if (pot.trained()) out.moment_coeffs.push_back(pot.moment_coeffs[s]);
    }
    return out;
}

}  // namespace mtpc
