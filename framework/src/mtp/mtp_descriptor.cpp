// MtpDescriptor: sdk::Descriptor adapter over MtpModel.
#include "mtpc/mtp/mtp_descriptor.hpp"

#include <fmt/format.h>

#include "mtpc/core/error.hpp"

namespace mtpc {

MtpDescriptor::MtpDescriptor(const MtpPotential& pot, int threads) : model_(pot), threads_(threads) {}

NeighborList MtpDescriptor::neighbors(const sdk::AtomsView& atoms) const {
    for (int i = 0; i < atoms.n_atoms; ++i)
        if (atoms.types[i] < 0 || atoms.types[i] >= model_.species_count())
            throw InputError(fmt::format("configuration: atom {} has type {} but the potential has {} species", i + 1,
                                         atoms.types[i], model_.species_count()));
    return NeighborList(atoms.n_atoms, atoms.positions, atoms.lattice, model_.cutoff());
}

namespace {

void to_sdk(const EfsResult& r, sdk::Efs& out) {
    out.energy = r.energy;
    out.forces.resize(3 * r.forces.size());
    for (std::size_t i = 0; i < r.forces.size(); ++i)
        for (int a = 0; a < 3; ++a) out.forces[3 * i + a] = r.forces[i][a];
    out.virial = r.virial;
}

}  // namespace

void MtpDescriptor::evaluate(const sdk::AtomsView& atoms, const double* linear, const double* C,
                             sdk::Efs& out) const {
    const NeighborList nl = neighbors(atoms);
    evaluate(nl, atoms.types, linear, C, out);
}

double MtpDescriptor::loss_gradient(const sdk::AtomsView& atoms, const sdk::LossTarget& target,
                                    const double* linear, const double* C, double* g_linear, double* g_C) const {
    const NeighborList nl = neighbors(atoms);
    return loss_gradient(nl, atoms.types, target, linear, C, g_linear, g_C);
}

void MtpDescriptor::evaluate(const NeighborList& nl, const int* types, const double* linear, const double* C,
                             sdk::Efs& out) const {
    to_sdk(model_.compute_efs(nl, types, parameters(linear, C), threads_), out);
}

double MtpDescriptor::loss_gradient(const NeighborList& nl, const int* types, const sdk::LossTarget& target,
                                    const double* linear, const double* C, double* g_linear,
                                    double* g_C) const {
    const MtpGradient g{g_linear, g_linear ? g_linear + model_.species_count() : nullptr, g_C};
    return model_.loss_gradient(nl, types, parameters(linear, C), target, g, threads_);
}

double MtpDescriptor::batch_loss_gradient(const std::vector<TrainingItem>& batch, const double* linear,
                                          const double* C, double* g_linear, double* g_C, int threads) const {
    const MtpGradient g{g_linear, g_linear ? g_linear + model_.species_count() : nullptr, g_C};
    return model_.batch_loss_gradient(batch, parameters(linear, C), g, threads);
}

}  // namespace mtpc
