#include "CpRadial.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <random>
#include <stdexcept>

#include "cp_als.hpp"

namespace radial_cp {
namespace {

constexpr const char* kName = "radial-cp";

using RowMajor = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using ConstFactor = Eigen::Map<const RowMajor>;
using Factor = Eigen::Map<RowMajor>;

/// An integer option ≥ min_value; a missing key gives `fallback` (or an error if fallback < 0).
int int_option(const nlohmann::json& j, const char* key, int min_value, int fallback = -1) {
    if (!j.contains(key)) {
        if (fallback < 0) throw std::invalid_argument(std::string(kName) + ": option '" + key + "' is required");
        return fallback;
    }
    const auto& v = j.at(key);
    if (!v.is_number_integer()) throw std::invalid_argument(std::string(kName) + ": option '" + key + "' must be an integer");
    const long long x = v.get<long long>();
    if (x < min_value || x > 100000)
        throw std::invalid_argument(std::string(kName) + ": option '" + key + "' = " + std::to_string(x) +
                                    " is out of range [" + std::to_string(min_value) + ", 100000]");
    return static_cast<int>(x);
}

/// Uniform in [0, 1) from the top 53 bits of mt19937_64: the same numbers on every platform
/// (std::uniform_real_distribution and std::normal_distribution are implementation-defined).
double uniform01(std::mt19937_64& engine) { return double(engine() >> 11) * 0x1.0p-53; }

}  // namespace

CpRadial::CpRadial(const std::string& options_json) {
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(options_json);
    } catch (const nlohmann::json::exception& e) {
        throw std::invalid_argument(std::string(kName) + ": options are not valid JSON: " + e.what());
    }
    if (!j.is_object()) throw std::invalid_argument(std::string(kName) + ": options must be a JSON object");
    // Reject unknown keys: a typo ("rnak") must not silently fall back to a default.
    for (auto it = j.begin(); it != j.end(); ++it) {
        const std::string& k = it.key();
        if (k != "n_species" && k != "n_funcs" && k != "n_basis" && k != "rank" && k != "als_sweeps")
            throw std::invalid_argument(std::string(kName) + ": unknown option '" + k + "'");
    }
    shape_.n_species = int_option(j, "n_species", 1);
    shape_.n_funcs = int_option(j, "n_funcs", 1);
    shape_.n_basis = int_option(j, "n_basis", 1);
    rank_ = int_option(j, "rank", 1);
    als_sweeps_ = int_option(j, "als_sweeps", 1, 200);
}

int CpRadial::num_parameters() const {
    return rank_ * (2 * shape_.n_species + shape_.n_funcs + shape_.n_basis);
}

std::string CpRadial::options_json() const {
    // All options, defaults filled in: the host saves this and recreates the object from it.
    return nlohmann::json{{"n_species", shape_.n_species}, {"n_funcs", shape_.n_funcs}, {"n_basis", shape_.n_basis},
                          {"rank", rank_}, {"als_sweeps", als_sweeps_}}
        .dump();
}

namespace {
/// Views of θ as the four factors (see the layout in CpRadial.hpp).
CpFactors factors_of(const mtpc::sdk::RadialShape& s, int R, const double* theta) {
    CpFactors f;
    const auto n = mode_sizes(s);
    for (int m = 0; m < 4; ++m) {
        f[m] = ConstFactor(theta, n[m], R);
        theta += std::int64_t(n[m]) * R;
    }
    return f;
}
void store(const CpFactors& f, double* theta) {
    for (int m = 0; m < 4; ++m) {
        Factor(theta, f[m].rows(), f[m].cols()) = f[m];
        theta += f[m].size();
    }
}
}  // namespace

void CpRadial::materialize(const double* theta, double* C) const {
    cp_materialize(shape_, factors_of(shape_, rank_, theta), C);
}

void CpRadial::pull_back(const double* theta, const double* dL_dC, double* dL_dtheta) const {
    // ∂C[i,j,μ,β]/∂A[i,k] = B[j,k] M[μ,k] D[β,k], and likewise for each factor, so
    //   dA[i,k] = Σ_{j,μ,β} G[i,j,μ,β] B[j,k] M[μ,k] D[β,k]   (and cyclically).
    // Per species pair (i, j), with G_ij the N_f × N_b block of G:
    //   GD = G_ij D (N_f × R), h_k = Σ_μ M[μ,k] GD[μ,k] = M_kᵀ G_ij D_k, w_k = A[i,k] B[j,k];
    //   dA[i,k] += h_k B[j,k],  dB[j,k] += h_k A[i,k],  dM += GD·diag(w),  dD += G_ijᵀ M·diag(w).
    const CpFactors f = factors_of(shape_, rank_, theta);
    const Eigen::MatrixXd &A = f[0], &B = f[1], &M = f[2], &D = f[3];
    CpFactors g;
    for (int m = 0; m < 4; ++m) g[m] = Eigen::MatrixXd::Zero(f[m].rows(), rank_);
    const int nf = shape_.n_funcs, nb = shape_.n_basis;
    for (int i = 0; i < shape_.n_species; ++i) {
        for (int j = 0; j < shape_.n_species; ++j) {
            const ConstFactor G(dL_dC + shape_.index(i, j, 0, 0), nf, nb);
            const Eigen::MatrixXd GD = G * D;             // N_f × R
            const Eigen::MatrixXd GtM = G.transpose() * M;  // N_b × R
            const Eigen::RowVectorXd h = M.cwiseProduct(GD).colwise().sum();
            const Eigen::RowVectorXd w = A.row(i).cwiseProduct(B.row(j));
            g[0].row(i) += h.cwiseProduct(B.row(j));
            g[1].row(j) += h.cwiseProduct(A.row(i));
            g[2] += GD * w.asDiagonal();
            g[3] += GtM * w.asDiagonal();
        }
    }
    store(g, dL_dtheta);  // written, not added (the SDK contract)
}

void CpRadial::initialize_random(std::uint64_t seed, double scale, double* theta) const {
    // Entries u·s with u uniform on [−√3, √3) (unit variance): a C entry is a sum of R products of
    // four independent entries, so its variance is R·s⁸, and RMS(C) = scale needs
    // s = (|scale| / √R)^{1/4}.
    std::mt19937_64 engine(seed);
    const double s = std::pow(std::abs(scale) / std::sqrt(double(rank_)), 0.25);
    const double half_width = std::sqrt(3.0);
    for (int p = 0; p < num_parameters(); ++p) theta[p] = s * half_width * (2.0 * uniform01(engine) - 1.0);
}

void CpRadial::initialize_from(const double* C, double* theta) const {
    store(fit_cp_als(shape_, C, rank_, als_sweeps_), theta);
}

}  // namespace radial_cp
