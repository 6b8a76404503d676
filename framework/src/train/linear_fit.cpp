#include "mtpc/train/linear_fit.hpp"

#include <Eigen/Dense>
#include <spdlog/spdlog.h>

#include <cmath>
#include <limits>

#include "mtpc/core/error.hpp"

namespace mtpc {

LinearFitOptions linear_fit_options_from_json(const nlohmann::json& o, const std::string& where) {
    LinearFitOptions out;
    if (!o.is_object()) throw InputError(where + ": must be an object");
    for (const auto& [key, value] : o.items()) {
        if (key == "l2") {
            if (value.is_string() && value.get<std::string>() == "cv") {
                out.l2.reset();
            } else if (value.is_number() && value.get<double>() >= 0 && std::isfinite(value.get<double>())) {
                out.l2 = value.get<double>();
            } else {
                throw InputError(where + ".l2: must be \"cv\" or a number >= 0");
            }
        } else if (key == "folds") {
            if (!value.is_number_integer() || value.get<long>() < 2 || value.get<long>() > 1000)
                throw InputError(where + ".folds: must be an integer in [2, 1000]");
            out.folds = value.get<int>();
        } else if (key == "l2_grid") {
            if (!value.is_array() || value.empty()) throw InputError(where + ".l2_grid: must be a non-empty array");
            out.l2_grid.clear();
            for (const auto& g : value) {
                if (!g.is_number() || g.get<double>() < 0 || !std::isfinite(g.get<double>()))
                    throw InputError(where + ".l2_grid: every entry must be a number >= 0");
                out.l2_grid.push_back(g.get<double>());
            }
        } else {
            throw InputError(where + "." + key + ": unknown option (linear takes l2, folds, l2_grid)");
        }
    }
    return out;
}

namespace {

/// Pivots below this fraction of the largest (after scaling to unit diagonal) mean a singular
/// system: LDLT would amplify rounding into huge coefficients.
constexpr double kSingularPivot = 1e-13;

}  // namespace

Eigen::VectorXd solve_linear_fit(const NormalEquations& ne, double gamma, const LinearRegularization& reg) {
    const int n = ne.size();
    Eigen::MatrixXd M = ne.A;
    for (int a = reg.n_species; a < n; ++a) {
        M(a, a) += gamma * ne.A(a, a);
        if (reg.ridge_per_configuration.size() == n) M(a, a) += ne.configurations * reg.ridge_per_configuration[a];
    }
    // Jacobi scaling: basis functions differ by orders of magnitude.  A zero diagonal is a
    // coefficient the data do not see (e.g. a species absent from them): it stays 0.
    Eigen::VectorXd d(n);
    for (int a = 0; a < n; ++a) d[a] = M(a, a) > 0 ? 1.0 / std::sqrt(M(a, a)) : 0.0;
    Eigen::MatrixXd Ms = d.asDiagonal() * M * d.asDiagonal();
    for (int a = 0; a < n; ++a)
        if (d[a] == 0) Ms(a, a) = 1;  // a zero row and column: y_a = 0
    const Eigen::VectorXd rhs = d.cwiseProduct(ne.b);
    Eigen::VectorXd y;
    const Eigen::LDLT<Eigen::MatrixXd> ldlt(Ms);
    const Eigen::VectorXd pivots = ldlt.vectorD();
    const double largest = pivots.cwiseAbs().maxCoeff();
    bool regular = ldlt.info() == Eigen::Success && largest > 0;
    for (int a = 0; a < n && regular; ++a)
        if (!(pivots[a] > kSingularPivot * largest)) regular = false;
    if (regular) {
        y = ldlt.solve(rhs);
    } else {
        Eigen::CompleteOrthogonalDecomposition<Eigen::MatrixXd> cod(Ms);
        cod.setThreshold(kSingularPivot);
        y = cod.solve(rhs);
    }
    return d.cwiseProduct(y);
}

namespace {

CrossValidationRow cross_validate(const std::vector<NormalEquations>& folds, const NormalEquations& total,
                                  double gamma, const LinearRegularization& reg) {
    CrossValidationRow row;
    row.l2 = gamma;
    double loss = 0, sse = 0;
    long components = 0;
    for (const auto& held_out : folds) {
        if (held_out.configurations == 0) continue;
        NormalEquations rest = total;
        rest -= held_out;
        const Eigen::VectorXd theta = solve_linear_fit(rest, gamma, reg);
        loss += held_out.loss(theta);
        const double rmse = held_out.force_rmse(theta);
        sse += rmse * rmse * double(held_out.force_components);
        components += held_out.force_components;
    }
    row.loss = loss / std::max(1, total.configurations);
    row.force_rmse = components > 0 ? std::sqrt(sse / double(components)) : 0.0;
    return row;
}

}  // namespace

LinearFitResult fit_linear(const std::vector<NormalEquations>& folds, const LinearFitOptions& options,
                           const LinearRegularization& reg) {
    const NormalEquations total = sum_of(folds);
    LinearFitResult out;
    if (options.l2) {
        out.l2 = *options.l2;
    } else {
        double best = std::numeric_limits<double>::infinity();
        for (double gamma : options.l2_grid) {
            const CrossValidationRow row = cross_validate(folds, total, gamma, reg);
            out.cross_validation.push_back(row);
            spdlog::info("linear fit: l2 {:.0e}: cross-validation loss {:.6e} per configuration, force RMSE {:.5f} eV/A",
                         gamma, row.loss, row.force_rmse);
            if (row.loss < best) {
                best = row.loss;
                out.l2 = gamma;
            }
        }
    }
    out.theta = solve_linear_fit(total, out.l2, reg);
    out.loss = total.loss(out.theta);
    out.force_rmse = total.force_rmse(out.theta);
    return out;
}

}  // namespace mtpc
