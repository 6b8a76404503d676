// Extended XYZ as a first-class input: `calc-efs`/`calc-errors --species` and training manifests
// read .xyz data and give exactly what the same data as .cfg gives.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fmt/format.h>

#include <fstream>

#include "mtpc/core/error.hpp"
#include "mtpc/io/cfg_io.hpp"
#include "mtpc/io/read_configurations.hpp"
#include "mtpc/train/manifest.hpp"
#include "mtpc/train/trainer.hpp"
#include "teacher_manifest.hpp"
#include "test_support.hpp"

namespace {

/// The same configurations as extended XYZ (symbols A, B for types 0, 1), every number written
/// with 17 significant digits so it reads back bit-identically; the virial goes in `virial=`.
void write_as_extxyz(const std::vector<mtpc::Configuration>& cfgs, const std::string& path) {
    std::ofstream out(path);
    for (const auto& c : cfgs) {
        out << c.size() << '\n';
        const auto& L = c.lattice;
        out << fmt::format("Lattice=\"{:.17g} {:.17g} {:.17g} {:.17g} {:.17g} {:.17g} {:.17g} {:.17g} {:.17g}\" ",
                           L(0, 0), L(0, 1), L(0, 2), L(1, 0), L(1, 1), L(1, 2), L(2, 0), L(2, 1), L(2, 2));
        const auto& v = *c.plus_stress;
        out << fmt::format("Properties=species:S:1:pos:R:3:forces:R:3 energy={:.17g} ", *c.energy);
        out << fmt::format("virial=\"{:.17g} {:.17g} {:.17g} {:.17g} {:.17g} {:.17g}\" pbc=\"T T T\"\n", v[0], v[1],
                           v[2], v[3], v[4], v[5]);
        for (int i = 0; i < c.size(); ++i)
            out << fmt::format("{} {:.17g} {:.17g} {:.17g} {:.17g} {:.17g} {:.17g}\n", c.types[i] == 0 ? "A" : "B",
                               c.positions[i].x(), c.positions[i].y(), c.positions[i].z(), c.forces[i].x(),
                               c.forces[i].y(), c.forces[i].z());
    }
}

class ExtxyzWorkflow : public ::testing::Test {
protected:
    void SetUp() override {
        mtpc::test::write_teacher_data_set(dir_.path(), 11, 8, 4);
        for (const char* name : {"train", "valid"}) {
            const auto cfgs = mtpc::read_cfg((dir_.path() / (std::string(name) + ".cfg")).string());
            write_as_extxyz(cfgs, (dir_.path() / (std::string(name) + ".xyz")).string());
        }
    }
    mtpc::test::TempDir dir_{"mtpc_extxyz_workflow"};
};

}  // namespace

TEST_F(ExtxyzWorkflow, ReadsTheSameConfigurationsAsCfg) {
    const auto a = mtpc::read_configurations((dir_.path() / "train.cfg").string(), {});
    const auto b = mtpc::read_configurations((dir_.path() / "train.xyz").string(), {"A", "B"});
    ASSERT_EQ(a.size(), b.size());
    for (size_t k = 0; k < a.size(); ++k) {
        EXPECT_EQ(a[k].types, b[k].types);
        EXPECT_EQ(a[k].positions, b[k].positions);
        EXPECT_EQ(a[k].forces, b[k].forces);
        EXPECT_EQ(*a[k].energy, *b[k].energy);
        EXPECT_EQ(*a[k].plus_stress, *b[k].plus_stress);
    }
    EXPECT_THROW(mtpc::read_configurations((dir_.path() / "train.xyz").string(), {}), mtpc::InputError);
    EXPECT_THROW(mtpc::read_configurations((dir_.path() / "train.xyz").string(), {"A"}), mtpc::InputError);
}

TEST_F(ExtxyzWorkflow, CalcErrorsAndCalcEfsTakeXyzWithSpecies) {
    // A potential to evaluate: train briefly from the .cfg data.
    nlohmann::json m = {{"species", {"A", "B"}},
                        {"data", {{"train", (dir_.path() / "train.cfg").string()}}},
                        {"model", mtpc::test::teacher_model()},
                        {"steps", {{{"optimizer", "bfgs"}, {"options", {{"max_iterations", 10}}}}}},
                        {"threads", 1},
                        {"output", {{"directory", (dir_.path() / "cfg-run").string()}}}};
    mtpc::TrainOptions quiet;
    quiet.quiet = true;
    mtpc::Trainer(mtpc::parse_manifest(m, (dir_.path() / "cfg.json").string()), quiet).run();
    const std::string pot = (dir_.path() / "cfg-run/base/seed-1/potential.mtp").string();
    const std::string exe = MTPC_EXE;

    const auto from_cfg = mtpc::test::run_command(exe + " calc-errors " + pot + " " + (dir_.path() / "valid.cfg").string());
    const auto from_xyz = mtpc::test::run_command(exe + " calc-errors " + pot + " " + (dir_.path() / "valid.xyz").string() +
                                                  " --species A,B");
    ASSERT_EQ(from_cfg.status, 0) << from_cfg.out;
    ASSERT_EQ(from_xyz.status, 0) << from_xyz.out;
    EXPECT_EQ(from_cfg.out, from_xyz.out);

    const auto no_species = mtpc::test::run_command(exe + " calc-efs " + pot + " " + (dir_.path() / "valid.xyz").string() +
                                                    " " + (dir_.path() / "out.cfg").string());
    EXPECT_NE(no_species.status, 0);
    EXPECT_NE(no_species.out.find("--species"), std::string::npos) << no_species.out;
    EXPECT_FALSE(std::filesystem::exists(dir_.path() / "out.cfg"));

    const auto efs = mtpc::test::run_command(exe + " calc-efs " + pot + " " + (dir_.path() / "valid.xyz").string() +
                                             " " + (dir_.path() / "out.cfg").string() + " --species A,B");
    ASSERT_EQ(efs.status, 0) << efs.out;
    const auto ref = mtpc::test::run_command(exe + " calc-efs " + pot + " " + (dir_.path() / "valid.cfg").string() +
                                             " " + (dir_.path() / "ref.cfg").string());
    ASSERT_EQ(ref.status, 0) << ref.out;
    const auto a = mtpc::read_cfg((dir_.path() / "out.cfg").string());
    const auto b = mtpc::read_cfg((dir_.path() / "ref.cfg").string());
    ASSERT_EQ(a.size(), b.size());
    for (size_t k = 0; k < a.size(); ++k) {
        EXPECT_EQ(*a[k].energy, *b[k].energy);
        EXPECT_EQ(a[k].forces, b[k].forces);
    }
}

TEST_F(ExtxyzWorkflow, ManifestTrainsOnXyzExactlyAsOnCfg) {
    auto manifest = [&](const std::string& ext, const std::string& out) {
        return nlohmann::json{{"species", {"A", "B"}},
                              {"data",
                               {{"train", (dir_.path() / ("train" + ext)).string()},
                                {"validation", (dir_.path() / ("valid" + ext)).string()}}},
                              {"model", mtpc::test::teacher_model()},
                              {"loss", {{"stress_weight", 0.001}}},
                              {"steps", {{{"optimizer", "bfgs"}, {"options", {{"max_iterations", 15}}}}}},
                              {"threads", 1},
                              {"output", {{"directory", (dir_.path() / out).string()}}}};
    };
    mtpc::TrainOptions quiet;
    quiet.quiet = true;
    mtpc::Trainer(mtpc::parse_manifest(manifest(".cfg", "a"), (dir_.path() / "a.json").string()), quiet).run();
    mtpc::Trainer(mtpc::parse_manifest(manifest(".xyz", "b"), (dir_.path() / "b.json").string()), quiet).run();
    const std::string a = mtpc::test::read_file(dir_.path() / "a/base/seed-1/potential.mtp");
    ASSERT_FALSE(a.empty());
    EXPECT_EQ(a, mtpc::test::read_file(dir_.path() / "b/base/seed-1/potential.mtp"));
}
