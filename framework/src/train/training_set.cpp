#include "mtpc/train/training_set.hpp"

#include <algorithm>
#include <limits>

#include "mtpc/core/error.hpp"
#include "mtpc/io/cfg_io.hpp"

namespace mtpc {

TrainingSet::TrainingSet(std::vector<Configuration> cfgs, int species_count, double cutoff,
                         const LossWeights& w, const std::string& file)
    : cfgs_(std::move(cfgs)), file_(file) {
    check_species(cfgs_, species_count, file);
    const int n = size();
    nls_.resize(n);
    forces_.resize(n);
    virials_.resize(n);
    items_.resize(n);
    closest_by_species_.assign(std::size_t(species_count) * species_count, std::numeric_limits<double>::infinity());
    for (int k = 0; k < n; ++k) {
        const Configuration& c = cfgs_[k];
        if (c.size() == 0) throw InputError(file, 0, "configuration " + std::to_string(k + 1) + " has no atoms");
        if (!c.energy) throw InputError(file, 0, "configuration " + std::to_string(k + 1) + " has no Energy (needed for training)");
        nls_[k] = NeighborList(c, cutoff, file + ": configuration " + std::to_string(k + 1));
        record_closest_pairs(nls_[k], c.types, species_count);
        atoms_ += c.size();

        const double N = c.size();
        double we = w.energy / N, wf = w.forces, ws = w.stress / N;
        if (w.weighting == "structures") {
            we /= N; wf /= N; ws /= N;
        } else if (w.weighting == "molecules" || w.weighting == "eq8") {
            we = w.energy; ws = w.stress;
        }
        sdk::LossTarget t;
        t.energy = *c.energy;
        t.w_energy = we;
        if (c.has_forces() && wf > 0) {
            forces_[k].resize(3 * c.size());
            for (int i = 0; i < c.size(); ++i)
                for (int a = 0; a < 3; ++a) forces_[k][3 * i + a] = c.forces[i][a];
            t.forces = forces_[k].data();
            t.w_forces = wf;
        }
        if (c.plus_stress && ws > 0) {
            virials_[k] = *c.plus_stress;
            t.virial = virials_[k].data();
            t.w_stress = ws;
            t.stress_voigt = w.weighting == "eq8";
        }
        items_[k].neighbors = &nls_[k];
        items_[k].types = cfgs_[k].types.data();
        items_[k].target = t;
    }
}

void TrainingSet::record_closest_pairs(const NeighborList& nl, const std::vector<int>& types, int species_count) {
    for (int i = 0; i < nl.n_atoms(); ++i)
        for (int e = nl.begin(i); e < nl.end(i); ++e) {
            double& closest = closest_by_species_[std::size_t(types[i]) * species_count + types[nl.index()[e]]];
            closest = std::min(closest, nl.distance()[e]);
        }
}

}  // namespace mtpc
