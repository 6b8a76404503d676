// MtpDescriptor: the MTP as an sdk::Descriptor -- the interface a plugin-side descriptor would
// implement; the trainer itself calls MtpModel directly, and this adapter is exercised by
// test_mtp_gradients -- with
// linear block [species_coeffs (N_T), moment_coeffs (S)] and the radial tensor C supplied per
// call (training swaps C for a compressed parameterisation's materialisation).
#pragma once

#include <vector>

#include "mtpc/core/mtp_potential.hpp"
#include "mtpc/mtp/mtp_model.hpp"
#include "mtpc/mtp/neighbor_list.hpp"
#include "mtpc/sdk/descriptor.hpp"

namespace mtpc {

class MtpDescriptor final : public sdk::Descriptor {
public:
    /// `threads` is used by the single-configuration calls (OpenMP over atoms).
    explicit MtpDescriptor(const MtpPotential& pot, int threads = 1);

    [[nodiscard]] int species_count() const override { return model_.species_count(); }
    [[nodiscard]] double cutoff() const override { return model_.cutoff(); }
    [[nodiscard]] sdk::RadialShape radial_shape() const override { return model_.radial_shape(); }
    [[nodiscard]] int linear_size() const override { return model_.species_count() + model_.scalar_count(); }
    [[nodiscard]] const MtpModel& model() const { return model_; }
    void set_threads(int threads) { threads_ = threads; }

    /// Builds the neighbour list of `atoms` (InputError on overlapping atoms or a type ≥ N_T).
    void evaluate(const sdk::AtomsView& atoms, const double* linear, const double* C, sdk::Efs& out) const override;
    double loss_gradient(const sdk::AtomsView& atoms, const sdk::LossTarget& target, const double* linear,
                         const double* C, double* g_linear, double* g_C) const override;

    // ---- fast paths: the caller keeps the neighbour list of each configuration (training
    // re-evaluates the same configurations thousands of times; building lists is then the
    // largest avoidable cost).  `types` must be valid species indices.
    void evaluate(const NeighborList& nl, const int* types, const double* linear, const double* C,
                  sdk::Efs& out) const;
    double loss_gradient(const NeighborList& nl, const int* types, const sdk::LossTarget& target,
                         const double* linear, const double* C, double* g_linear, double* g_C) const;
    /// Σ over a batch (threads over configurations, fixed reduction order); gradients are added.
    double batch_loss_gradient(const std::vector<TrainingItem>& batch, const double* linear, const double* C,
                               double* g_linear, double* g_C, int threads) const;

    /// The parameter views for a linear block and C.
    [[nodiscard]] MtpParameters parameters(const double* linear, const double* C) const {
        return {linear, linear + model_.species_count(), C};
    }

private:
    [[nodiscard]] NeighborList neighbors(const sdk::AtomsView& atoms) const;

    MtpModel model_;
    int threads_ = 1;
};

}  // namespace mtpc
