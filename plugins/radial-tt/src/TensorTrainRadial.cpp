#include "TensorTrainRadial.hpp"

#include <cmath>
#include <stdexcept>

#include "mtpc_lowrank/truncated_svd.hpp"
#include "mtpc_plugin_common/options.hpp"
#include "mtpc_plugin_common/seeded_random.hpp"

namespace mtpc::radial_tt {
namespace {

using RowMajorMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using Block = Eigen::Map<RowMajorMatrix>;
using ConstBlock = Eigen::Map<const RowMajorMatrix>;

/// Reads "ranks": [r1, r2, r3] with messages that name the option.
std::array<int, 3> parse_ranks(const plugin_common::Options& opt) {
    if (!opt.has("ranks")) throw std::invalid_argument("radial-tt: option 'ranks' is required");
    const nlohmann::json& v = opt.json().at("ranks");
    if (!v.is_array() || v.size() != 3)
        throw std::invalid_argument("radial-tt: option 'ranks' must be an array of three integers [r1, r2, r3]");
    std::array<int, 3> r{};
    for (int k = 0; k < 3; ++k) {
        const nlohmann::json& e = v[std::size_t(k)];
        if (!e.is_number_integer() || e.get<long long>() < 1 || e.get<long long>() > 1000000000LL)
            throw std::invalid_argument("radial-tt: option 'ranks' entry r" + std::to_string(k + 1) + " = " +
                                        e.dump() + " is not a positive integer");
        r[std::size_t(k)] = int(e.get<long long>());
    }
    return r;
}

std::string ranks_text(const std::array<int, 3>& r) {
    return "[" + std::to_string(r[0]) + ", " + std::to_string(r[1]) + ", " + std::to_string(r[2]) + "]";
}

/// Rejects ranks no tensor of this shape can have: r_k ≤ r_{k-1}·n_k and r_k ≤ n_{k+1}·r_{k+1}.
void check_ranks(const sdk::RadialShape& s, const std::array<int, 3>& r) {
    const long long full[5] = {1, r[0], r[1], r[2], 1};
    const long long n[4] = {s.n_species, s.n_species, s.n_funcs, s.n_basis};
    const char* n_name[4] = {"n_species", "n_species", "n_funcs", "n_basis"};
    for (int k = 1; k <= 3; ++k) {
        const std::string head = "radial-tt: option 'ranks' = " + ranks_text(r) + ": r" + std::to_string(k) +
                                 " = " + std::to_string(full[k]) + " exceeds ";
        const std::string tail = ", the largest TT rank a tensor of this shape can have";
        if (full[k] > full[k - 1] * n[k - 1]) {
            const std::string left = k == 1 ? std::string() : "r" + std::to_string(k - 1) + "*";
            throw std::invalid_argument(head + left + n_name[k - 1] + " = " + std::to_string(full[k - 1] * n[k - 1]) +
                                        tail);
        }
        if (full[k] > n[k] * full[k + 1]) {
            const std::string right = k == 3 ? std::string() : "*r" + std::to_string(k + 1);
            throw std::invalid_argument(head + n_name[k] + right + " = " + std::to_string(n[k] * full[k + 1]) + tail);
        }
    }
}

}  // namespace

TensorTrainRadial::TensorTrainRadial(const std::string& options_json) {
    plugin_common::Options opt("radial-tt", options_json);
    opt.allow_only({"n_species", "n_funcs", "n_basis", "ranks"});
    shape_ = opt.radial_shape();
    ranks_ = parse_ranks(opt);
    check_ranks(shape_, ranks_);
}

std::array<std::int64_t, 5> TensorTrainRadial::core_offsets() const {
    const std::int64_t NT = shape_.n_species, Nf = shape_.n_funcs, Nb = shape_.n_basis;
    const std::int64_t r1 = ranks_[0], r2 = ranks_[1], r3 = ranks_[2];
    std::array<std::int64_t, 5> o{};
    o[0] = 0;
    o[1] = o[0] + r1 * NT;
    o[2] = o[1] + r1 * NT * r2;
    o[3] = o[2] + r2 * Nf * r3;
    o[4] = o[3] + r3 * Nb;
    return o;
}

int TensorTrainRadial::num_parameters() const { return int(core_offsets()[4]); }

std::string TensorTrainRadial::options_json() const {
    return nlohmann::json{{"n_species", shape_.n_species},
                          {"n_funcs", shape_.n_funcs},
                          {"n_basis", shape_.n_basis},
                          {"ranks", ranks_}}
        .dump();
}

// Each core is used under two row-major matrix views of the same buffer, e.g. G2 as
// (r1 × N_T·r2) when contracted with G1 from the left, and the half-train L12 (N_T × N_T·r2) is
// the same buffer as (N_T² × r2).  That is why all maps below are row-major.

void TensorTrainRadial::materialize(const double* theta, double* C) const {
    const int NT = shape_.n_species, Nf = shape_.n_funcs, Nb = shape_.n_basis;
    const int r1 = ranks_[0], r2 = ranks_[1], r3 = ranks_[2];
    const auto o = core_offsets();
    const ConstBlock G1(theta + o[0], NT, r1), G2(theta + o[1], r1, NT * r2);
    const ConstBlock G3(theta + o[2], r2 * Nf, r3), G4(theta + o[3], r3, Nb);

    RowMajorMatrix L12 = G1 * G2;  // N_T × (N_T·r2)  ≡  (N_T²) × r2
    RowMajorMatrix R34 = G3 * G4;  // (r2·N_f) × N_b  ≡  r2 × (N_f·N_b)
    const ConstBlock L(L12.data(), NT * NT, r2), R(R34.data(), r2, Nf * Nb);
    sdk::reshaped(shape_, C).noalias() = L * R;
}

void TensorTrainRadial::pull_back(const double* theta, const double* dL_dC, double* dL_dtheta) const {
    const int NT = shape_.n_species, Nf = shape_.n_funcs, Nb = shape_.n_basis;
    const int r1 = ranks_[0], r2 = ranks_[1], r3 = ranks_[2];
    const auto o = core_offsets();
    const ConstBlock G1(theta + o[0], NT, r1), G2(theta + o[1], r1, NT * r2);
    const ConstBlock G3(theta + o[2], r2 * Nf, r3), G4(theta + o[3], r3, Nb);
    const auto G = sdk::reshaped(shape_, dL_dC);

    RowMajorMatrix L12 = G1 * G2;
    RowMajorMatrix R34 = G3 * G4;
    const ConstBlock L(L12.data(), NT * NT, r2), R(R34.data(), r2, Nf * Nb);

    // Ĉ = L R  ⇒  ∂L/∂L = G Rᵀ, ∂L/∂R = Lᵀ G; then each half-train is a plain product of two cores.
    RowMajorMatrix dL = G * R.transpose();  // N_T² × r2  ≡  N_T × (N_T·r2)
    RowMajorMatrix dR = L.transpose() * G;  // r2 × (N_f·N_b)  ≡  (r2·N_f) × N_b
    const ConstBlock dL12(dL.data(), NT, NT * r2), dR34(dR.data(), r2 * Nf, Nb);

    Block(dL_dtheta + o[0], NT, r1).noalias() = dL12 * G2.transpose();
    Block(dL_dtheta + o[1], r1, NT * r2).noalias() = G1.transpose() * dL12;
    Block(dL_dtheta + o[2], r2 * Nf, r3).noalias() = dR34 * G4.transpose();
    Block(dL_dtheta + o[3], r3, Nb).noalias() = G3.transpose() * dR34;
}

void TensorTrainRadial::initialize_random(std::uint64_t seed, double scale, double* theta) const {
    plugin_common::SeededRandom rng(seed);
    const double paths = double(ranks_[0]) * ranks_[1] * ranks_[2];
    const double sd = std::pow(scale * scale / paths, 0.125);
    for (int k = 0; k < num_parameters(); ++k) theta[k] = sd * rng.normal();
}

void TensorTrainRadial::initialize_from(const double* C, double* theta) const {
    const int NT = shape_.n_species, Nf = shape_.n_funcs, Nb = shape_.n_basis;
    const int r1 = ranks_[0], r2 = ranks_[1], r3 = ranks_[2];
    const auto o = core_offsets();

    // Step 1: unfolding (i) × (j, μ, β).
    const ConstBlock A1(C, NT, NT * Nf * Nb);
    const lowrank::TruncatedSvd s1 = lowrank::truncated_svd(A1, r1);
    Block(theta + o[0], NT, r1) = s1.U;
    RowMajorMatrix rest1 = s1.sigma.asDiagonal() * s1.V.transpose();  // r1 × (j, μ, β)

    // Step 2: the remainder as (a, j) × (μ, β); its left vectors are G2 in (a, j, b) order.
    const ConstBlock A2(rest1.data(), r1 * NT, Nf * Nb);
    const lowrank::TruncatedSvd s2 = lowrank::truncated_svd(A2, r2);
    Block(theta + o[1], r1 * NT, r2) = s2.U;
    RowMajorMatrix rest2 = s2.sigma.asDiagonal() * s2.V.transpose();  // r2 × (μ, β)

    // Step 3: (b, μ) × (β); the left vectors are G3, the weighted right vectors are G4.
    const ConstBlock A3(rest2.data(), r2 * Nf, Nb);
    const lowrank::TruncatedSvd s3 = lowrank::truncated_svd(A3, r3);
    Block(theta + o[2], r2 * Nf, r3) = s3.U;
    Block(theta + o[3], r3, Nb) = s3.sigma.asDiagonal() * s3.V.transpose();
}

}  // namespace mtpc::radial_tt
