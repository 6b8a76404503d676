// Optimizer: minimises a training objective over (Euclidean block x, radial parameters θ).
#pragma once

#include <cstdint>
#include <string>

#include "mtpc/sdk/radial_parameterization.hpp"
#include "mtpc/sdk/types.hpp"

namespace mtpc::sdk {

/// One line of progress, sent after every accepted iterate.
struct ProgressReport {
    int iteration = 0;    ///< accepted steps so far
    int evaluations = 0;  ///< objective evaluations so far
    double loss = 0;
    double gradient_norm = 0;  ///< (Riemannian) gradient norm at the iterate
    double step = 0;           ///< accepted step length
    int rank = 0;              ///< current rank for low-rank methods, 0 otherwise
    /// True when the optimiser holds no history at this iterate (start, or a deliberate restart
    /// of its Hessian approximation): restarting from (x, theta) with `iteration` iterations done
    /// reproduces the rest of the run exactly.  The host writes checkpoints at such points.
    bool restart_point = false;
    const double* x = nullptr;      ///< the iterate (Euclidean block), valid during the call
    const double* theta = nullptr;  ///< the iterate's θ in the optimiser's parameterization, or nullptr
};

/// The training objective as the host exposes it: L(x, C) with x = (species coefficients, ξ) and
/// C the full radial tensor.  Optimisers see C, not θ: they chain through the parameterization
/// (or, like a fixed-rank manifold method, work on Ĉ directly).  The host counts calls and checks
/// sizes, whatever the optimiser does.
class MTPC_SDK_VISIBLE Objective {
public:
    virtual ~Objective() = default;
    [[nodiscard]] virtual int euclidean_size() const = 0;
    [[nodiscard]] virtual RadialShape radial_shape() const = 0;
    /// L(x, C); writes ∂L/∂x and ∂L/∂C when the pointers are non-null.
    virtual double evaluate(const double* x, const double* C, double* dL_dx, double* dL_dC) = 0;
    /// Called once per accepted iterate.  Returns false when the run must stop now (Ctrl-C,
    /// budget): the optimiser then returns promptly with its current iterate.
    virtual bool report(const ProgressReport& progress) = 0;
    /// Replaces x by the linear coefficients (species constants and ξ, in the objective's
    /// coordinates) that minimise the data loss for the radial tensor C, exactly (a linear least
    /// squares solve: MLIP-2's periodic re-solve).  Returns false, leaving x alone, when the host
    /// offers none; an optimiser then carries on without.  Deterministic in C: a resumed run that
    /// solves again at the same point gets the same x.  LinearResolveSchedule says when.
    virtual bool solve_linear(const double* C, double* x) {
        (void)C;
        (void)x;
        return false;
    }
};

/// Input and output of Optimizer::minimize.
struct OptimizerState {
    Vector x;      ///< in: start; out: result (Euclidean block)
    /// in: iterations already done before this start (resuming from a restart point; the
    /// optimiser runs at most max_iterations − this); out: total iterations.
    int iterations_done = 0;
    Vector theta;  ///< in: start θ of `param`; out: result θ (when `new_parameterization_options` is empty)
    Vector radial; ///< out: the materialised C of the result (always set)
    /// out: non-empty when the optimiser changed the parameterization (e.g. MFRA raised the rank):
    /// the JSON options of the new one; the host recreates it and takes θ from `radial`.
    std::string new_parameterization_options;
    int evaluations = 0;
    bool converged = false;  ///< a tolerance was met (vs. iteration limit or stop request)
    bool interrupted = false;
    std::string message;     ///< why it stopped, one line
};

/// Minimises an Objective.  Plugins of kind MTPC_KIND_OPTIMIZER return one of these.
/// Common JSON options: "max_iterations", "gradient_tolerance", "function_tolerance"; each
/// optimiser documents the rest in its options schema.
class MTPC_SDK_VISIBLE Optimizer {
public:
    virtual ~Optimizer() = default;
    [[nodiscard]] virtual std::string options_json() const = 0;
    /// Runs from `state` (x, θ) and writes the result back into it.
    virtual void minimize(Objective& objective, const RadialParameterization& param, OptimizerState& state) = 0;
};

}  // namespace mtpc::sdk
