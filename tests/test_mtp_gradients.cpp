// MtpModel derivatives against finite differences: forces (−∂E/∂x), virial (strain derivative),
// and the parameter gradients of the energy and of the training loss for every parameter kind
// (species coefficients, moment coefficients ξ, radial tensor C); plus thread-count bit identity.
// Random multi-species configurations: a periodic triclinic cell, a cell much smaller than the
// cutoff (many images, self-images), and an open cluster; bases of levels 6, 12 and 20.
#include <gtest/gtest.h>

#include <Eigen/Dense>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "mtpc/core/error.hpp"
#include "mtpc/mtp/basis_generator.hpp"
#include "mtpc/mtp/mtp_descriptor.hpp"
#include "mtpc/mtp/mtp_model.hpp"

namespace {

constexpr int kSpecies = 3;

/// An untrained basis of `level` with random coefficients (deterministic in `seed`).  The radial
/// scaling keeps f_μ of order 0.1–1 so that high-order products stay moderate.
mtpc::MtpPotential random_potential(int level, unsigned seed) {
    mtpc::MtpPotential pot = mtpc::make_untrained_mtp(level, kSpecies, 1.2, 4.2, 8);
    pot.scaling = 0.15;
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(-1, 1);
    pot.species_coeffs.resize(kSpecies);
    for (auto& c : pot.species_coeffs) c = u(rng);
    pot.moment_coeffs.resize(pot.alpha_moment_mapping.size());
    for (auto& c : pot.moment_coeffs) c = 0.5 * u(rng);
    pot.radial_coeffs.resize(std::size_t(kSpecies) * kSpecies * pot.radial_funcs_count * pot.radial_basis_size);
    for (auto& c : pot.radial_coeffs) c = u(rng);
    return pot;
}

/// Random atoms in `lattice` (rows; periodic) or in a box of that size (open), at least 1.3 Å
/// apart (minimum image ignored for tiny cells: only overlaps matter there).
mtpc::Configuration random_configuration(int n, const Eigen::Matrix3d& lattice, bool periodic, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0, 1);
    std::uniform_int_distribution<int> type(0, kSpecies - 1);
    mtpc::Configuration cfg;
    cfg.periodic = periodic;
    cfg.lattice = lattice;
    while (cfg.size() < n) {
        const Eigen::Vector3d s(u(rng), u(rng), u(rng));
        const Eigen::Vector3d x = lattice.transpose() * s;
        bool ok = true;
        for (const auto& y : cfg.positions) ok = ok && (x - y).norm() > 1.3;
        if (!ok) continue;
        cfg.positions.push_back(x);
        cfg.types.push_back(type(rng));
        cfg.ids.push_back(cfg.size());
    }
    return cfg;
}

struct Case {
    std::string name;
    mtpc::Configuration cfg;
};

std::vector<Case> test_configurations() {
    Eigen::Matrix3d tri;
    tri << 6.1, 0.0, 0.0,  //
        1.3, 5.7, 0.0,     //
        -0.8, 0.9, 6.4;
    Eigen::Matrix3d small;
    small << 2.9, 0.0, 0.0,  //
        0.4, 2.7, 0.0,       //
        0.3, -0.5, 3.1;
    Eigen::Matrix3d box = Eigen::Matrix3d::Identity() * 5.5;
    return {{"periodic triclinic", random_configuration(9, tri, true, 11)},
            {"small periodic cell", random_configuration(2, small, true, 12)},
            {"open cluster", random_configuration(8, box, false, 13)}};
}

double energy(const mtpc::MtpModel& model, const mtpc::Configuration& cfg) {
    return model.compute_efs(cfg).energy;
}

class MtpGradients : public ::testing::TestWithParam<int> {};

TEST_P(MtpGradients, ForcesAreMinusEnergyGradient) {
    const mtpc::MtpModel model(random_potential(GetParam(), 100 + GetParam()));
    for (const auto& c : test_configurations()) {
        const auto efs = model.compute_efs(c.cfg);
        double scale = 1e-3;
        for (const auto& f : efs.forces) scale = std::max(scale, f.cwiseAbs().maxCoeff());
        const double h = 1e-5;
        for (int i = 0; i < c.cfg.size(); ++i)
            for (int a = 0; a < 3; ++a) {
                auto plus = c.cfg, minus = c.cfg;
                plus.positions[i][a] += h;
                minus.positions[i][a] -= h;
                const double fd = -(energy(model, plus) - energy(model, minus)) / (2 * h);
                EXPECT_NEAR(efs.forces[i][a], fd, 1e-6 * scale) << c.name << " atom " << i << " axis " << a;
            }
    }
}

TEST_P(MtpGradients, VirialIsStrainDerivative) {
    const mtpc::MtpModel model(random_potential(GetParam(), 200 + GetParam()));
    // PlusStress = −∂E/∂ε_ab under x → (I + ε) x; Voigt order xx yy zz yz xz xy.
    const int voigt[6][2] = {{0, 0}, {1, 1}, {2, 2}, {1, 2}, {0, 2}, {0, 1}};
    for (const auto& c : test_configurations()) {
        const auto efs = model.compute_efs(c.cfg);
        double scale = 1e-3;
        for (double v : efs.virial) scale = std::max(scale, std::abs(v));
        const double h = 1e-6;
        for (int v = 0; v < 6; ++v) {
            double e[2];
            for (int s = 0; s < 2; ++s) {
                Eigen::Matrix3d strain = Eigen::Matrix3d::Identity();
                strain(voigt[v][0], voigt[v][1]) += s == 0 ? h : -h;
                auto cfg = c.cfg;
                for (auto& x : cfg.positions) x = strain * x;
                cfg.lattice = (strain * cfg.lattice.transpose()).transpose();
                e[s] = energy(model, cfg);
            }
            const double fd = -(e[0] - e[1]) / (2 * h);
            EXPECT_NEAR(efs.virial[v], fd, 1e-6 * scale) << c.name << " Voigt " << v;
        }
    }
}

/// Random reference values (energy, forces, virial) near the model's own, so residuals are O(1).
struct Target {
    double energy;
    std::vector<double> forces;
    std::array<double, 6> virial;
    mtpc::sdk::LossTarget view(bool stress_voigt = false) const {
        mtpc::sdk::LossTarget t;
        t.stress_voigt = stress_voigt;
        t.energy = energy;
        t.forces = forces.data();
        t.virial = virial.data();
        t.w_energy = 0.7;
        t.w_forces = 0.3;
        t.w_stress = 0.05;
        return t;
    }
};

Target random_target(const mtpc::EfsResult& efs, unsigned seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(-1, 1);
    Target t;
    t.energy = efs.energy + u(rng);
    for (const auto& f : efs.forces)
        for (int a = 0; a < 3; ++a) t.forces.push_back(f[a] + u(rng));
    for (int v = 0; v < 6; ++v) t.virial[v] = efs.virial[v] + u(rng);
    return t;
}

/// Checks one parameter kind: analytic gradient vs central differences of `value` over every
/// entry of `theta` (perturbed in place).
template <class Value>
void check_kind(const std::string& what, std::vector<double>& theta, const std::vector<double>& analytic,
                Value value) {
    double scale = 1e-8;
    for (double g : analytic) scale = std::max(scale, std::abs(g));
    for (std::size_t k = 0; k < theta.size(); ++k) {
        const double saved = theta[k];
        const double h = 1e-6 * std::max(1.0, std::abs(saved));
        theta[k] = saved + h;
        const double lp = value();
        theta[k] = saved - h;
        const double lm = value();
        theta[k] = saved;
        const double fd = (lp - lm) / (2 * h);
        EXPECT_NEAR(analytic[k], fd, 1e-6 * scale) << what << " parameter " << k;
    }
}

TEST_P(MtpGradients, LossAndEnergyParameterGradients) {
    const auto pot = random_potential(GetParam(), 300 + GetParam());
    const mtpc::MtpModel model(pot);
    std::vector<double> species = model.parameters().species_coeffs == nullptr ? std::vector<double>() : pot.species_coeffs;
    std::vector<double> moment = pot.moment_coeffs, radial = pot.radial_coeffs;
    auto params = [&] { return mtpc::MtpParameters{species.data(), moment.data(), radial.data()}; };
    unsigned seed = 1;
    for (const auto& c : test_configurations()) {
        const mtpc::NeighborList nl(c.cfg, model.cutoff());
        const int* types = c.cfg.types.data();
        const Target target = random_target(model.compute_efs(nl, types, params()), seed++);
        const auto t = target.view();

        std::vector<double> gs(species.size()), gm(moment.size()), gr(radial.size());
        model.loss_gradient(nl, types, params(), t, {gs.data(), gm.data(), gr.data()});
        auto loss = [&] { return model.loss_gradient(nl, types, params(), t, {}); };
        check_kind(c.name + ": loss / species", species, gs, loss);
        check_kind(c.name + ": loss / moment", moment, gm, loss);
        check_kind(c.name + ": loss / radial", radial, gr, loss);

        std::vector<double> es(species.size()), em(moment.size()), er(radial.size());
        model.energy_gradient(nl, types, params(), {es.data(), em.data(), er.data()});
        auto e = [&] { return model.compute_efs(nl, types, params()).energy; };
        check_kind(c.name + ": energy / species", species, es, e);
        check_kind(c.name + ": energy / moment", moment, em, e);
        check_kind(c.name + ": energy / radial", radial, er, e);
    }
}

TEST_P(MtpGradients, Eq8StressTermCountsEachVoigtComponentOnce) {
    // With only the stress weight set, the loss is w_s Σ_v c_v Δσ_v² with c = 1 on the diagonal and
    // c = 2 (3×3 virial) or 1 (eq. (8)) on the 3 off-diagonal components, and the radial gradient
    // of the eq. (8) form matches central differences.
    const auto pot = random_potential(GetParam(), 400 + GetParam());
    const mtpc::MtpModel model(pot);
    std::vector<double> radial = pot.radial_coeffs;
    std::vector<double> species = model.parameters().species_coeffs == nullptr ? std::vector<double>() : pot.species_coeffs;
    std::vector<double> moment = pot.moment_coeffs;
    auto params = [&] { return mtpc::MtpParameters{species.data(), moment.data(), radial.data()}; };
    const auto cases = test_configurations();
    const auto& c = cases.front();  // the periodic triclinic cell (it has a virial)
    const mtpc::NeighborList nl(c.cfg, model.cutoff());
    const int* types = c.cfg.types.data();
    const auto efs = model.compute_efs(nl, types, params());
    Target target = random_target(efs, 77);
    double diagonal = 0, off_diagonal = 0;
    for (int v = 0; v < 6; ++v) {
        const double d = efs.virial[v] - target.virial[v];
        (v < 3 ? diagonal : off_diagonal) += d * d;
    }
    for (const bool voigt : {false, true}) {
        auto t = target.view(voigt);
        t.w_energy = 0;
        t.w_forces = 0;
        const double expected = t.w_stress * (diagonal + (voigt ? 1 : 2) * off_diagonal);
        EXPECT_NEAR(model.loss_gradient(nl, types, params(), t, {}), expected, 1e-12 * expected);
    }
    const auto t = target.view(true);
    std::vector<double> gs(species.size()), gm(moment.size()), gr(radial.size());
    model.loss_gradient(nl, types, params(), t, {gs.data(), gm.data(), gr.data()});
    check_kind(c.name + ": eq8 loss / radial", radial, gr, [&] { return model.loss_gradient(nl, types, params(), t, {}); });
}

INSTANTIATE_TEST_SUITE_P(Levels, MtpGradients, ::testing::Values(6, 12, 20),
                         [](const auto& info) { return "level" + std::to_string(info.param); });

TEST(MtpThreads, ResultsDoNotDependOnThreadCount) {
    const auto pot = random_potential(12, 7);
    const mtpc::MtpModel model(pot);
    Eigen::Matrix3d lattice;
    lattice << 9.0, 0.0, 0.0,  //
        1.0, 8.5, 0.0,         //
        0.5, 0.7, 9.2;
    // Enough atoms for several gradient blocks and for threads over atoms (the model keeps
    // configurations under 2 × 64 atoms on one thread).
    std::vector<mtpc::Configuration> cfgs;
    for (unsigned s = 0; s < 3; ++s) cfgs.push_back(random_configuration(160, 1.6 * lattice, true, 50 + s));
    std::vector<mtpc::NeighborList> nls;
    std::vector<Target> targets;
    std::vector<mtpc::TrainingItem> batch;
    for (const auto& cfg : cfgs) nls.emplace_back(cfg, model.cutoff());
    for (std::size_t c = 0; c < cfgs.size(); ++c)
        targets.push_back(random_target(model.compute_efs(nls[c], cfgs[c].types.data(), model.parameters()), 9 + c));
    for (std::size_t c = 0; c < cfgs.size(); ++c) batch.push_back({&nls[c], cfgs[c].types.data(), targets[c].view()});

    const auto one = model.compute_efs(cfgs[0], 1), two = model.compute_efs(cfgs[0], 2);
    EXPECT_EQ(one.energy, two.energy);
    EXPECT_EQ(one.virial, two.virial);
    for (std::size_t i = 0; i < one.forces.size(); ++i) EXPECT_EQ(one.forces[i], two.forces[i]);

    const std::size_t n_grad = pot.species_coeffs.size() + pot.moment_coeffs.size() + pot.radial_coeffs.size();
    auto gradient = [&](int threads, bool use_batch) {
        std::vector<double> g(n_grad + 1, 0.0);
        const mtpc::MtpGradient view{g.data(), g.data() + kSpecies, g.data() + kSpecies + pot.moment_coeffs.size()};
        if (use_batch) {
            g.back() = model.batch_loss_gradient(batch, model.parameters(), view, threads);
        } else {
            for (const auto& item : batch)
                g.back() += model.loss_gradient(*item.neighbors, item.types, model.parameters(), item.target, view, threads);
        }
        return g;
    };
    EXPECT_EQ(gradient(1, false), gradient(2, false));
    EXPECT_EQ(gradient(1, true), gradient(2, true));
    EXPECT_EQ(gradient(1, true), gradient(3, true));
}

TEST(MtpDescriptor, MatchesModelAndAddsGradients) {
    const auto pot = random_potential(12, 21);
    const mtpc::MtpDescriptor desc(pot);
    const mtpc::MtpModel& model = desc.model();
    EXPECT_EQ(desc.linear_size(), kSpecies + int(pot.moment_coeffs.size()));
    EXPECT_EQ(desc.radial_shape().size(), std::int64_t(pot.radial_coeffs.size()));
    // Linear block = [species_coeffs, moment_coeffs]; C given separately (here: scaled).
    std::vector<double> linear = pot.species_coeffs;
    linear.insert(linear.end(), pot.moment_coeffs.begin(), pot.moment_coeffs.end());
    std::vector<double> C = pot.radial_coeffs;
    for (auto& c : C) c *= 0.9;
    for (const auto& c : test_configurations()) {
        std::vector<double> pos;
        for (const auto& x : c.cfg.positions) pos.insert(pos.end(), {x[0], x[1], x[2]});
        double lat[9];
        for (int r = 0; r < 3; ++r)
            for (int k = 0; k < 3; ++k) lat[3 * r + k] = c.cfg.lattice(r, k);
        const mtpc::sdk::AtomsView view{c.cfg.size(), c.cfg.types.data(), pos.data(), c.cfg.periodic ? lat : nullptr};
        mtpc::sdk::Efs out;
        desc.evaluate(view, linear.data(), C.data(), out);
        const mtpc::NeighborList nl(c.cfg, model.cutoff());
        const auto ref = model.compute_efs(nl, c.cfg.types.data(), desc.parameters(linear.data(), C.data()));
        EXPECT_EQ(out.energy, ref.energy) << c.name;
        EXPECT_EQ(out.virial, ref.virial) << c.name;
        ASSERT_EQ(out.forces.size(), 3 * ref.forces.size());
        for (std::size_t i = 0; i < ref.forces.size(); ++i)
            for (int a = 0; a < 3; ++a) EXPECT_EQ(out.forces[3 * i + a], ref.forces[i][a]);
        const Target target = random_target(ref, 77);
        std::vector<double> gl(linear.size(), 0.0), gC(C.size(), 0.0);
        const double l1 = desc.loss_gradient(view, target.view(), linear.data(), C.data(), gl.data(), gC.data());
        const auto gl1 = gl, gC1 = gC;
        const double l2 = desc.loss_gradient(view, target.view(), linear.data(), C.data(), gl.data(), gC.data());
        EXPECT_EQ(l1, l2);
        for (std::size_t k = 0; k < gl.size(); ++k) EXPECT_EQ(gl[k], 2 * gl1[k]) << "gradients are added";
        for (std::size_t k = 0; k < gC.size(); ++k) EXPECT_EQ(gC[k], 2 * gC1[k]) << "gradients are added";
        // The cached-neighbour-list fast path agrees exactly.
        std::vector<double> fl(linear.size(), 0.0), fC(C.size(), 0.0);
        EXPECT_EQ(desc.loss_gradient(nl, c.cfg.types.data(), target.view(), linear.data(), C.data(), fl.data(), fC.data()), l1);
        EXPECT_EQ(fl, gl1);
        EXPECT_EQ(fC, gC1);
    }
    // A type beyond the potential's species is an InputError.
    std::vector<int> bad_types = {0, kSpecies};
    std::vector<double> pos = {0, 0, 0, 2, 0, 0};
    mtpc::sdk::Efs out;
    EXPECT_THROW(desc.evaluate({2, bad_types.data(), pos.data(), nullptr}, linear.data(), C.data(), out),
                 mtpc::InputError);
}

}  // namespace
