// A compressed potential's `.mtp` export is the compressed model: training with radial-mf and
// radial-tt writes potential.mtp (radial tensor materialised) and parameters.json (θ, the linear
// coefficients); the export, evaluated through read_mtp + MtpModel and through `mtpc calc-efs`,
// must give the energies (and forces) of the model mtpc holds in compressed form -- θ
// materialised by the plugin itself, loaded through PluginHost, and evaluated with MtpModel.
//
// Data: a small synthetic set labelled by a random "teacher" MTP (2 species, level 6), so the test
// needs nothing from ../shared.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <unistd.h>

#include "mtpc/io/cfg_io.hpp"
#include "mtpc/io/mtp_io.hpp"
#include "mtpc/mtp/mtp_model.hpp"
#include "mtpc/mtp/neighbor_list.hpp"
#include "mtpc/plugin/plugin_host.hpp"
#include "mtpc/sdk/radial_parameterization.hpp"
#include "mtpc/train/manifest.hpp"
#include "mtpc/train/trainer.hpp"
#include "teacher_manifest.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {


/// Trains one compressed variant per radial plugin once for the whole suite (a short BFGS run:
/// the point is a non-trivial θ, not a good fit).
class CompressedExport : public ::testing::TestWithParam<const char*> {
protected:
    static void SetUpTestSuite() {
        dir_ = fs::temp_directory_path() / ("mtpc_compressed_export_" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        mtpc::test::write_teacher_data_set(dir_, /*seed=*/7, /*n_train=*/10, /*n_valid=*/5);

        const json manifest =
            mtpc::test::teacher_mf_tt_manifest(dir_, dir_ / "runs", /*max_iterations=*/25, "radial-mf", "radial-tt");
        const std::string path = (dir_ / "export.json").string();
        std::ofstream(path) << manifest.dump(1);
        mtpc::TrainOptions options;
        options.quiet = true;
        mtpc::Trainer(mtpc::load_manifest(path), options).run();
    }
    static void TearDownTestSuite() { fs::remove_all(dir_); }

    static fs::path run_dir(const std::string& variant) { return dir_ / "runs" / variant / "seed-3"; }
    static fs::path dir_;
};
fs::path CompressedExport::dir_;

json read_json(const fs::path& p) {
    std::ifstream in(p);
    return json::parse(in);
}

/// max |a − b| / max(1, |b|) over all entries.
double max_relative_difference(const std::vector<double>& a, const std::vector<double>& b) {
    double worst = 0;
    for (size_t i = 0; i < a.size(); ++i) worst = std::max(worst, std::abs(a[i] - b[i]) / std::max(1.0, std::abs(b[i])));
    return worst;
}

/// The compressed model: θ from parameters.json materialised by the plugin, the structure from the
/// exported potential (the basis is not part of θ), energies and forces of `cfgs`.
struct Evaluation {
    std::vector<double> energies, forces;
};

Evaluation evaluate(const mtpc::MtpModel& model, const mtpc::MtpParameters& p, const std::vector<mtpc::Configuration>& cfgs) {
    Evaluation out;
    for (const auto& c : cfgs) {
        const mtpc::NeighborList nl(c, model.cutoff());
        const auto r = model.compute_efs(nl, c.types.data(), p);
        out.energies.push_back(r.energy);
        for (const auto& f : r.forces)
            for (int a = 0; a < 3; ++a) out.forces.push_back(f[a]);
    }
    return out;
}

Evaluation of_configurations(const std::vector<mtpc::Configuration>& cfgs) {
    Evaluation out;
    for (const auto& c : cfgs) {
        out.energies.push_back(*c.energy);
        for (const auto& f : c.forces)
            for (int a = 0; a < 3; ++a) out.forces.push_back(f[a]);
    }
    return out;
}

// Agreement to 1e-12 relative: both sides evaluate the same doubles with the same code (the .mtp
// writes shortest round-trip numbers), so any real difference -- a transposed reshape, a wrong
// species pair order, a stale θ -- shows up at the 1e-3 level or above (see the perturbation check).
constexpr double kTolerance = 1e-12;

TEST_P(CompressedExport, ExportEvaluatesLikeTheCompressedModel) {
    const std::string variant = GetParam();
    const fs::path run = run_dir(variant);
    ASSERT_TRUE(fs::exists(run / "potential.mtp")) << run;
    const json params = read_json(run / "parameters.json");
    ASSERT_EQ(params.at("radial_plugin").get<std::string>(), variant);

    // The compressed model, as mtpc holds it.
    mtpc::PluginHost host;
    host.scan({MTPC_PLUGIN_DIR});
    const auto radial = host.create<mtpc::sdk::RadialParameterization>(variant, params.at("radial_options").dump());
    const auto theta = params.at("theta").get<std::vector<double>>();
    ASSERT_EQ(int(theta.size()), radial->num_parameters());
    const mtpc::sdk::RadialShape shape = radial->shape();
    EXPECT_LT(radial->num_parameters(), shape.size()) << "not a compressed parameterization";
    std::vector<double> C(shape.size());
    radial->materialize(theta.data(), C.data());
    const auto species = params.at("species_coeffs").get<std::vector<double>>();
    const auto moments = params.at("moment_coeffs").get<std::vector<double>>();

    // The export.
    const mtpc::MtpPotential exported = mtpc::read_mtp((run / "potential.mtp").string());
    const mtpc::MtpModel model(exported);
    ASSERT_EQ(model.radial_shape().size(), shape.size());
    EXPECT_LE(max_relative_difference(exported.radial_coeffs, C), kTolerance) << "radial tensor of the export";

    const auto cfgs = mtpc::read_cfg((dir_ / "valid.cfg").string());
    const Evaluation compressed = evaluate(model, {species.data(), moments.data(), C.data()}, cfgs);
    const Evaluation from_file = evaluate(model, model.parameters(), cfgs);
    EXPECT_LE(max_relative_difference(from_file.energies, compressed.energies), kTolerance);
    EXPECT_LE(max_relative_difference(from_file.forces, compressed.forces), kTolerance);

    // `mtpc calc-efs` on the export.
    const fs::path efs_out = run / "valid_efs.cfg";
    const std::string cmd = std::string("'") + MTPC_EXE + "' calc-efs '" + (run / "potential.mtp").string() + "' '" +
                            (dir_ / "valid.cfg").string() + "' '" + efs_out.string() + "' > /dev/null";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    const Evaluation cli = of_configurations(mtpc::read_cfg(efs_out.string()));
    ASSERT_EQ(cli.energies.size(), compressed.energies.size());
    EXPECT_LE(max_relative_difference(cli.energies, compressed.energies), kTolerance);
    EXPECT_LE(max_relative_difference(cli.forces, compressed.forces), kTolerance);

    // The comparison can fail: a small change of θ moves the energies far beyond the tolerance.
    auto perturbed = theta;
    for (auto& t : perturbed) t *= 1.01;
    std::vector<double> C2(shape.size());
    radial->materialize(perturbed.data(), C2.data());
    const Evaluation moved = evaluate(model, {species.data(), moments.data(), C2.data()}, cfgs);
    EXPECT_GT(max_relative_difference(moved.energies, compressed.energies), 1e6 * kTolerance);
}

INSTANTIATE_TEST_SUITE_P(RadialPlugins, CompressedExport, ::testing::Values("radial-mf", "radial-tt"),
                         [](const ::testing::TestParamInfo<const char*>& info) {
                             std::string name = info.param;
                             for (auto& c : name)
                                 if (c == '-') c = '_';
                             return name;
                         });

}  // namespace
