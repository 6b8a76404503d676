// Compute: the host's neighbour list becomes an mtpc NeighborList, MtpModel gives site energies
// and ∂E_i/∂r_ij, and this file only sums them into KIM's arguments.
//
// Conventions.  Only contributing atoms are sites (E = Σ_contributing E_i), but every pair term
// also acts on the neighbour, which may be a padding atom: F_i += g_ij, F_j −= g_ij with
// g_ij = ∂E_i/∂r_ij.  LAMMPS adds padding (ghost) forces to their owners (reverse
// communication), so forces are exact on any number of ranks.  KIM's virial is
// Σ g_ij ⊗ r_ij (the negative of MLIP-2's PlusStress, which LAMMPS negates back); each pair's
// term is shared half and half between i and j for per-atom virials, as KIM's pair drivers do.
#include <algorithm>
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "KIM_LogMacros.hpp"
#include "mtp_kim_compute.hpp"
#include "mtp_kim_model.hpp"

namespace mtpc::kim {

namespace {

/// KIM's arguments for one compute (outputs are null when the simulator did not ask for them).
struct Arguments {
    const int* n_particles = nullptr;
    const int* species = nullptr;
    const int* contributing = nullptr;
    const double* x = nullptr;
    double* energy = nullptr;
    double* forces = nullptr;
    double* particle_energy = nullptr;
    double* virial = nullptr;
    double* particle_virial = nullptr;
};

int get_arguments(KIM::ModelComputeArguments const* const args, Arguments& a) {
    using namespace KIM::COMPUTE_ARGUMENT_NAME;
    return args->GetArgumentPointer(numberOfParticles, &a.n_particles) ||
           args->GetArgumentPointer(particleSpeciesCodes, &a.species) ||
           args->GetArgumentPointer(particleContributing, &a.contributing) ||
           args->GetArgumentPointer(coordinates, &a.x) || args->GetArgumentPointer(partialEnergy, &a.energy) ||
           args->GetArgumentPointer(partialForces, &a.forces) ||
           args->GetArgumentPointer(partialParticleEnergy, &a.particle_energy) ||
           args->GetArgumentPointer(partialVirial, &a.virial) ||
           args->GetArgumentPointer(partialParticleVirial, &a.particle_virial);
}

/// Contributing atoms' neighbourhoods from the host's (full, cutoff + skin) list; padding atoms
/// are centres with no neighbours.  Returns non-zero if the host's list cannot be read.
int build_neighbors(KIM::ModelComputeArguments const* const args, const Arguments& a, MtpKimModel& m) {
    const int n = *a.n_particles;
    m.neighbors.start_explicit(n, m.cutoff, "KIM configuration");
    for (int i = 0; i < n; ++i) {
        if (a.contributing[i]) {
            int count = 0;
            const int* list = nullptr;
            if (args->GetNeighborList(0, i, &count, &list)) return 1;
            const double* xi = a.x + 3 * i;
            for (int q = 0; q < count; ++q) {
                const double* xj = a.x + 3 * list[q];
                m.neighbors.add_pair(list[q], xj[0] - xi[0], xj[1] - xi[1], xj[2] - xi[2]);
            }
        }
        m.neighbors.end_centre();
    }
    return 0;
}

void sum_outputs(const Arguments& a, const MtpKimModel& m) {
    const int n = *a.n_particles;
    const NeighborList& nl = m.neighbors;
    const std::vector<double>& g = m.sites.pair_gradients;
    if (a.energy) {
        *a.energy = 0;
        for (int i = 0; i < n; ++i)
            if (a.contributing[i]) *a.energy += m.sites.site_energies[i];
    }
    if (a.particle_energy)
        for (int i = 0; i < n; ++i) a.particle_energy[i] = a.contributing[i] ? m.sites.site_energies[i] : 0.0;
    if (a.forces) std::fill(a.forces, a.forces + 3 * std::size_t(n), 0.0);
    if (a.virial) std::fill(a.virial, a.virial + 6, 0.0);
    if (a.particle_virial) std::fill(a.particle_virial, a.particle_virial + 6 * std::size_t(n), 0.0);
    if (!a.forces && !a.virial && !a.particle_virial) return;
    for (int i = 0; i < n; ++i)
        for (int k = nl.begin(i); k < nl.end(i); ++k) {
            const int j = nl.index()[k];
            const double* gk = &g[3 * std::size_t(k)];
            if (a.forces)
                for (int c = 0; c < 3; ++c) {
                    a.forces[3 * i + c] += gk[c];
                    a.forces[3 * std::size_t(j) + c] -= gk[c];
                }
            if (!a.virial && !a.particle_virial) continue;
            const double r[3] = {nl.dx()[k], nl.dy()[k], nl.dz()[k]};
            // Voigt order xx yy zz yz xz xy, each the (a, b) entry of g ⊗ r (as mtpc's PlusStress).
            const double v[6] = {gk[0] * r[0], gk[1] * r[1], gk[2] * r[2],
                                 gk[1] * r[2], gk[0] * r[2], gk[0] * r[1]};
            for (int c = 0; c < 6; ++c) {
                if (a.virial) a.virial[c] += v[c];
                if (a.particle_virial) {
                    a.particle_virial[6 * std::size_t(i) + c] += 0.5 * v[c];
                    a.particle_virial[6 * std::size_t(j) + c] += 0.5 * v[c];
                }
            }
        }
}

}  // namespace

#define KIM_LOGGER_OBJECT_NAME compute
int compute(KIM::ModelCompute const* const compute, KIM::ModelComputeArguments const* const args) {
    MtpKimModel* m = nullptr;
    compute->GetModelBufferPointer(reinterpret_cast<void**>(&m));
    Arguments a;
    if (get_arguments(args, a)) {
        LOG_ERROR("cannot get the compute arguments");
        return 1;
    }
    const int n = *a.n_particles;
    const int n_species = m->model.species_count();
    for (int i = 0; i < n; ++i)
        if (a.species[i] < 0 || a.species[i] >= n_species) {
            LOG_ERROR("particle " + std::to_string(i + 1) + " has species code " + std::to_string(a.species[i]) +
                      ", not one of this model's " + std::to_string(n_species));
            return 1;
        }
    try {
        if (build_neighbors(args, a, *m)) {
            LOG_ERROR("cannot get the neighbour list");
            return 1;
        }
        m->model.site_gradients(m->neighbors, a.species, m->model.parameters(), 1, m->sites);
    } catch (const std::exception& e) {
        LOG_ERROR(e.what());
        std::fprintf(stderr, "mtpc KIM driver: error: %s\n", e.what());
        return 1;
    }
    sum_outputs(a, *m);
    return 0;
}
#undef KIM_LOGGER_OBJECT_NAME

}  // namespace mtpc::kim
