// Training: a tiny fit converges, an interrupted run resumes to the identical result, and every
// kind of bad manifest is rejected up front with the JSON path of the offending value.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <thread>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mtpc/core/directory_lock.hpp"
#include "mtpc/core/error.hpp"
#include "mtpc/io/cfg_io.hpp"
#include "mtpc/io/mtp_io.hpp"
#include "mtpc/mtp/min_distance.hpp"
#include "mtpc/mtp/mtp_model.hpp"
#include "mtpc/mtp/neighbor_list.hpp"
#include "mtpc/train/manifest.hpp"
#include "mtpc/train/trainer.hpp"
#include "teacher_manifest.hpp"
#include "test_support.hpp"

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

/// A temporary directory holding synthetic data labelled by a random "teacher" MTP (2 species,
/// level 6), so these tests need nothing from ../shared.
class TrainingFixture : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = fs::temp_directory_path() / ("mtpc_training_" + std::to_string(::getpid()));
        fs::remove_all(dir_);
        fs::create_directories(dir_);
        mtpc::test::write_teacher_data_set(dir_, /*seed=*/42, /*n_train=*/12, /*n_valid=*/6);
    }
    static void TearDownTestSuite() { fs::remove_all(dir_); }

    static json base_manifest(const std::string& out) {
        return mtpc::test::teacher_manifest(dir_, dir_ / out, /*max_iterations=*/150);
    }
    static std::string write_manifest(const json& j, const std::string& name) {
        const auto p = (dir_ / name).string();
        std::ofstream(p) << j.dump(1);
        return p;
    }
    static fs::path dir_;
};
fs::path TrainingFixture::dir_;

std::string error_of(const json& j, const std::string& path) {
    std::ofstream(path) << j.dump(1);
    try {
        mtpc::Trainer t(mtpc::load_manifest(path), {});
        t.validate();
    } catch (const mtpc::InputError& e) {
        return e.what();
    }
    return "";
}

/// The (step, iteration) column pairs of a learning_curve.csv, in file order.
std::vector<std::pair<int, int>> curve_steps_and_iterations(const fs::path& csv) {
    std::ifstream in(csv);
    std::string line;
    std::getline(in, line);
    std::vector<std::pair<int, int>> out;
    while (std::getline(in, line)) {
        int step = 0, iteration = 0;
        char optimizer[64];
        if (std::sscanf(line.c_str(), "%d,%63[^,],%d", &step, optimizer, &iteration) == 3)
            out.emplace_back(step, iteration);
    }
    return out;
}

/// Trains `m` (its output directory set to `whole_dir`) uninterrupted, then once per entry of
/// `stops`: stopped after that many progress reports (checkpointing at restart points) and resumed.
/// Each resumed run must equal the uninterrupted one in potential.mtp and in the (step, iteration)
/// rows of its learning curve, and leave no checkpoint behind.
void expect_resumes_identical(json m, const fs::path& whole_dir, const std::vector<long>& stops) {
    mtpc::TrainOptions opt;
    opt.quiet = true;
    opt.checkpoint_on_stop = mtpc::TrainOptions::CheckpointOnStop::kRestartPoint;
    m["output"]["directory"] = whole_dir.string();
    mtpc::Trainer(mtpc::parse_manifest(m, (whole_dir.string() + ".json")), opt).run();
    const std::string whole = mtpc::test::read_file(whole_dir / "base/seed-1/potential.mtp");
    ASSERT_FALSE(whole.empty());
    for (long stop_after : stops) {
        SCOPED_TRACE("interrupted after " + std::to_string(stop_after) + " reports");
        const fs::path out = whole_dir.string() + "_interrupted_" + std::to_string(stop_after);
        m["output"]["directory"] = out.string();
        const std::string manifest = out.string() + ".json";
        mtpc::TrainOptions stop = opt;
        stop.stop_after_reports = stop_after;
        try {
            mtpc::Trainer(mtpc::parse_manifest(m, manifest), stop).run();
            FAIL() << "the run was not interrupted";
        } catch (const mtpc::TrainingInterrupted& e) {
            EXPECT_NE(std::string(e.what()).find("--resume"), std::string::npos) << e.what();
        }
        ASSERT_TRUE(fs::exists(out / "base/seed-1/checkpoint.json"));
        EXPECT_FALSE(fs::exists(out / "base/seed-1/potential.mtp"));
        mtpc::TrainOptions resume = opt;
        resume.resume = true;
        mtpc::Trainer(mtpc::parse_manifest(m, manifest), resume).run();
        EXPECT_EQ(mtpc::test::read_file(out / "base/seed-1/potential.mtp"), whole)
            << "resumed run differs from the uninterrupted one";
        EXPECT_FALSE(fs::exists(out / "base/seed-1/checkpoint.json"));
        // The learning curve holds each (step, iteration) once, as the uninterrupted run's does.
        EXPECT_EQ(curve_steps_and_iterations(out / "base/seed-1/learning_curve.csv"),
                  curve_steps_and_iterations(whole_dir / "base/seed-1/learning_curve.csv"));
    }
}

/// The learning curve's (iteration, loss) rows, in file order.
struct CurveRow {
    int iteration;
    double loss;
};
std::vector<CurveRow> curve_rows(const fs::path& csv) {
    std::ifstream in(csv);
    std::string line;
    std::getline(in, line);
    std::vector<CurveRow> out;
    while (std::getline(in, line)) {
        int step = 0, iteration = 0, evaluations = 0;
        double loss = 0;
        char optimizer[64];
        if (std::sscanf(line.c_str(), "%d,%63[^,],%d,%d,%lg", &step, optimizer, &iteration, &evaluations, &loss) == 5)
            out.push_back({iteration, loss});
    }
    return out;
}

}  // namespace

TEST_F(TrainingFixture, TinyFitDropsLossBelowBound) {
    mtpc::TrainOptions opt;
    opt.quiet = true;
    // Without regularisation the teacher (random, non-orthonormal radial functions) is in the model
    // class and at the loss's minimum; the default penalties would hold the fit away from it.
    json m = base_manifest("fit");
    m["loss"].update({{"linear_l2", 0.0}, {"radial_orthonormality", 0.0}, {"radial_species_spread", 0.0}});
    mtpc::Trainer t(mtpc::parse_manifest(m, (dir_ / "fit.json").string()), opt);
    const auto runs = t.run();
    ASSERT_EQ(runs.size(), 1u);
    // So the fit must get close: energies to < 2 meV/atom (initial errors are ~100s of meV/atom
    // from the random start).
    EXPECT_LT(runs[0].train.energy_per_atom.rmse, 2e-3) << runs[0].to_json().dump();
    EXPECT_LT(runs[0].validation.energy_per_atom.rmse, 5e-3) << runs[0].to_json().dump();
    // The learning curve starts high and ends lower.
    std::ifstream curve(dir_ / "fit/base/seed-1/learning_curve.csv");
    std::string header, first, line, last;
    std::getline(curve, header);
    std::getline(curve, first);
    while (std::getline(curve, line)) last = line;
    auto loss_of = [](const std::string& l) {
        size_t p = 0;
        for (int c = 0; c < 4; ++c) p = l.find(',', p) + 1;
        return std::stod(l.substr(p));
    };
    EXPECT_LT(loss_of(last), 1e-2 * loss_of(first));
    // The exported potential reproduces the in-memory model.
    const auto pot = mtpc::read_mtp((dir_ / "fit/base/seed-1/potential.mtp").string());
    const mtpc::MtpModel model(pot);
    const auto cfgs = mtpc::read_cfg((dir_ / "valid.cfg").string());
    double sq = 0;
    for (const auto& c : cfgs) {
        const double d = (model.compute_efs(c).energy - *c.energy) / c.size();
        sq += d * d;
    }
    EXPECT_NEAR(std::sqrt(sq / cfgs.size()), runs[0].validation.energy_per_atom.rmse, 1e-9);
}

TEST_F(TrainingFixture, SameSeedGivesBitIdenticalFit) {
    mtpc::TrainOptions opt;
    opt.quiet = true;
    json m = base_manifest("det1");
    m["steps"][0]["options"]["max_iterations"] = 20;
    m["radial"] = {{"plugin", "radial-mf"}, {"options", {{"rank", 2}}}};
    mtpc::Trainer(mtpc::parse_manifest(m, (dir_ / "det1.json").string()), opt).run();
    m["output"]["directory"] = (dir_ / "det2").string();
    m["threads"] = 2;  // thread count must not change the result
    mtpc::Trainer(mtpc::parse_manifest(m, (dir_ / "det2.json").string()), opt).run();
    std::ifstream a(dir_ / "det1/base/seed-1/potential.mtp"), b(dir_ / "det2/base/seed-1/potential.mtp");
    const std::string sa((std::istreambuf_iterator<char>(a)), {}), sb((std::istreambuf_iterator<char>(b)), {});
    ASSERT_FALSE(sa.empty());
    EXPECT_EQ(sa, sb);
}

TEST_F(TrainingFixture, ResumeAfterInterruptGivesIdenticalResult) {
    // Two steps, the first restarting its BFGS every 10 iterations (restart points = checkpoints).
    json m = base_manifest("whole");
    m["steps"] = {{{"optimizer", "bfgs"}, {"options", {{"max_iterations", 60}, {"restart_every", 10}}}},
                  {{"optimizer", "lbfgs"}, {"options", {{"max_iterations", 40}, {"restart_every", 10}}}}};
    // Interrupt at several points (inside step 1, at a step boundary, inside step 2), resume each.
    expect_resumes_identical(m, dir_ / "whole", {7, 33, 61, 85});
}

TEST_F(TrainingFixture, ResumeWithLinearEveryGivesIdenticalResult) {
    // The periodic re-solve's segment starts are restart points holding the re-solved x; a resumed
    // segment solves again from θ alone and must land on the same point.
    json m = base_manifest("relinear_whole");
    m["steps"] = {{{"optimizer", "bfgs"}, {"options", {{"max_iterations", 30}, {"linear_every", 10}}}}};
    expect_resumes_identical(m, dir_ / "relinear_whole", {5, 13, 27});
}

TEST_F(TrainingFixture, ResumeWithTheDoublingScheduleGivesIdenticalResult) {
    // Re-solves after 2, 6, 14, 24 iterations: interrupted before, at and between them.
    json m = base_manifest("schedule_whole");
    m["steps"] = {{{"optimizer", "bfgs"}, {"options", {{"max_iterations", 30}, {"linear_every", 10}, {"linear_first", 2}}}}};
    expect_resumes_identical(m, dir_ / "schedule_whole", {2, 4, 7, 15, 26});
}

TEST_F(TrainingFixture, ResumeThroughRiemannianReSolvesGivesIdenticalResult) {
    // R-MF re-solves through the host at restarts (after 2, 6, 14, 24 iterations): the restart
    // points hold the re-solved x, and a run resumed there must land on the same potential.
    json m = base_manifest("rmf_schedule_whole");
    m["radial"] = {{"plugin", "radial-mf"}, {"options", {{"rank", 2}}}};
    m["steps"] = {{{"optimizer", "optimizer-rbfgs"},
                   {"options", {{"max_iterations", 30}, {"linear_every", 10}, {"linear_first", 2}}}}};
    expect_resumes_identical(m, dir_ / "rmf_schedule_whole", {3, 7, 16});
}

TEST_F(TrainingFixture, ByDefaultAStopKeepsTheIterateReachedAndTheResumeLosesNoWork) {
    // No restart points inside the step (restart_every 0): a stop after 33 reports must not send
    // the resumed run back to iteration 0.
    json m = base_manifest("stopped_midway");
    m["steps"] = {{{"optimizer", "bfgs"}, {"options", {{"max_iterations", 60}}}}};
    mtpc::TrainOptions opt;
    opt.quiet = true;
    mtpc::Trainer(mtpc::parse_manifest(m, (dir_ / "whole_once.json").string()), opt).run();
    const auto whole_curve = curve_rows(dir_ / "stopped_midway/base/seed-1/learning_curve.csv");

    m["output"]["directory"] = (dir_ / "stopped_midway_2").string();
    mtpc::TrainOptions stop = opt;
    stop.stop_after_reports = 33;
    try {
        mtpc::Trainer(mtpc::parse_manifest(m, (dir_ / "stopped.json").string()), stop).run();
        FAIL() << "the run was not interrupted";
    } catch (const mtpc::TrainingInterrupted& e) {
        EXPECT_NE(std::string(e.what()).find("iteration 32"), std::string::npos) << e.what();
    }
    const json ck = json::parse(mtpc::test::read_file(dir_ / "stopped_midway_2/base/seed-1/checkpoint.json"));
    EXPECT_EQ(ck["iterations_done"], 32);  // report 1 is iteration 0, the start
    EXPECT_EQ(ck["at_restart_point"], false);

    mtpc::TrainOptions resume = opt;
    resume.resume = true;
    mtpc::Trainer(mtpc::parse_manifest(m, (dir_ / "stopped.json").string()), resume).run();
    const auto resumed_curve = curve_rows(dir_ / "stopped_midway_2/base/seed-1/learning_curve.csv");
    // Same iterations, each once; identical up to and including the stop (the same iterate), and
    // the fit ends where the uninterrupted one does up to the lost BFGS memory.
    ASSERT_EQ(resumed_curve.size(), whole_curve.size());
    for (size_t k = 0; k < resumed_curve.size(); ++k) {
        EXPECT_EQ(resumed_curve[k].iteration, whole_curve[k].iteration) << "row " << k;
        if (resumed_curve[k].iteration <= 32) {
            EXPECT_EQ(resumed_curve[k].loss, whole_curve[k].loss) << "row " << k;
        }
    }
    // After the stop the path differs (a fresh BFGS memory; here it ends 9% lower): the resumed fit
    // must keep improving from the stop and end comparably, not start over.
    EXPECT_LT(resumed_curve.back().loss, resumed_curve[32].loss);
    EXPECT_LT(resumed_curve.back().loss, 1.5 * whole_curve.back().loss);
    EXPECT_FALSE(fs::exists(dir_ / "stopped_midway_2/base/seed-1/checkpoint.json"));
}

// ---- issue 12: resume only what can be resumed; one writer per output directory ------------

/// An interrupted run of `m` in `out`, ready to be resumed.
void interrupt(const json& m, const fs::path& manifest_file) {
    mtpc::TrainOptions stop;
    stop.quiet = true;
    stop.stop_after_reports = 15;
    EXPECT_THROW(mtpc::Trainer(mtpc::parse_manifest(m, manifest_file.string()), stop).run(), mtpc::TrainingInterrupted);
}

std::string resume_error(const json& m, const fs::path& manifest_file) {
    mtpc::TrainOptions resume;
    resume.quiet = true;
    resume.resume = true;
    try {
        mtpc::Trainer(mtpc::parse_manifest(m, manifest_file.string()), resume).run();
    } catch (const mtpc::InputError& e) {
        return e.what();
    }
    return "";
}

TEST_F(TrainingFixture, ResumeUnderChangedSettingsIsRefusedNamingTheChange) {
    json m = base_manifest("changed");
    m["steps"][0]["options"]["restart_every"] = 10;
    interrupt(m, dir_ / "changed.json");
    json other = m;
    other["loss"]["force_weight"] = 0.1;
    other["threads"] = 2;  // threads do not change the result: not a change
    const std::string msg = resume_error(other, dir_ / "changed.json");
    EXPECT_NE(msg.find("changed since this checkpoint"), std::string::npos) << msg;
    EXPECT_NE(msg.find("/settings/loss/force_weight"), std::string::npos) << msg;
    EXPECT_EQ(msg.find("threads"), std::string::npos) << msg;
    EXPECT_EQ(resume_error(m, dir_ / "changed.json"), "");  // the same settings resume
}

TEST_F(TrainingFixture, EditedCheckpointIsRefused) {
    json m = base_manifest("edited");
    m["steps"][0]["options"]["restart_every"] = 10;
    const fs::path ck = dir_ / "edited/base/seed-1/checkpoint.json";
    for (const auto& [key, value] : std::vector<std::pair<std::string, json>>{
             {"step", -1}, {"iterations_done", 1e12}, {"iterations_done", 151}, {"x", json::array({1, 2})}}) {
        interrupt(m, dir_ / "edited.json");
        json c = json::parse(mtpc::test::read_file(ck));
        c[key] = value;
        std::ofstream(ck) << c.dump();
        const std::string msg = resume_error(m, dir_ / "edited.json");
        EXPECT_NE(msg.find("checkpoint.json: " + key), std::string::npos) << key << " = " << value << ": " << msg;
    }
}

TEST_F(TrainingFixture, VariantNamesArePlainUniqueDirectories) {
    json m = base_manifest("variants");
    m["variants"] = {{{"name", ".."}, {"set", json::object()}}};
    EXPECT_NE(error_of(m, (dir_ / "v1.json").string()).find("variants[0].name: '..' is not a plain directory name"),
              std::string::npos);
    m["variants"] = {{{"name", "a"}, {"set", json::object()}}, {{"name", "a"}, {"set", json::object()}}};
    EXPECT_NE(error_of(m, (dir_ / "v2.json").string()).find("variants[1].name: 'a' is used by another variant"),
              std::string::npos);
    m["variants"] = {{{"name", "a b"}, {"set", json::object()}}, {{"name", "a_b"}, {"set", json::object()}}};
    EXPECT_NE(error_of(m, (dir_ / "v3.json").string()).find("would share the directory a_b"), std::string::npos);
    m["variants"] = {{{"name", "a"}, {"set", {{"output.directory", "/tmp/elsewhere"}}}}};
    EXPECT_NE(error_of(m, (dir_ / "v4.json").string()).find("'output.directory' cannot vary"), std::string::npos);
}

TEST_F(TrainingFixture, OutputDirectoryHasOneWriterAtATime) {
    const json m = base_manifest("locked");
    fs::create_directories(dir_ / "locked");
    const mtpc::DirectoryLock held((dir_ / "locked").string());
    mtpc::TrainOptions opt;
    opt.quiet = true;
    try {
        mtpc::Trainer(mtpc::parse_manifest(m, (dir_ / "locked.json").string()), opt).run();
        ADD_FAILURE() << "a second writer was let in";
    } catch (const mtpc::InputError& e) {
        EXPECT_NE(std::string(e.what()).find("another mtpc process is writing"), std::string::npos) << e.what();
    }
}

TEST_F(TrainingFixture, ConvergenceRuleEndsAFitThatSetsNoIterationCount) {
    json m = base_manifest("converge");
    m["steps"] = {{{"optimizer", "bfgs"}, {"options", {{"gradient_tolerance", 0}, {"function_tolerance", 0},
                                                        {"parameter_tolerance", 0}}}}};
    m["convergence"] = {{"window", 20}, {"relative_decrease", 0.05}};
    mtpc::TrainOptions opt;
    opt.quiet = true;
    const auto runs = mtpc::Trainer(mtpc::parse_manifest(m, (dir_ / "converge.json").string()), opt).run();
    ASSERT_EQ(runs[0].stop_reasons.size(), 1u);
    EXPECT_EQ(runs[0].stop_reasons[0].rfind("converged", 0), 0u) << runs[0].stop_reasons[0];
    EXPECT_LT(runs[0].iterations, 1000) << "stopped by the iteration limit, not the rule";
    EXPECT_EQ(runs[0].iterations % 20, 0) << "the rule stops at the end of a window";
    EXPECT_LT(runs[0].train.energy_per_atom.rmse, 0.1) << "a converged fit, not a stalled start";
    const json metrics = json::parse(mtpc::test::read_file(dir_ / "converge/base/seed-1/metrics.json"));
    EXPECT_EQ(metrics.at("stop_reasons")[0].get<std::string>(), runs[0].stop_reasons[0]);
}

TEST_F(TrainingFixture, AutoMinDistIsJustBelowTheClosestTrainingPair) {
    json m = base_manifest("autodist");
    m["model"]["min_dist"] = "auto";
    m["steps"][0]["options"]["max_iterations"] = 2;
    mtpc::TrainOptions opt;
    opt.quiet = true;
    mtpc::Trainer(mtpc::parse_manifest(m, (dir_ / "autodist.json").string()), opt).run();
    double closest = std::numeric_limits<double>::infinity();
    for (const auto& c : mtpc::read_cfg((dir_ / "train.cfg").string()))
        closest = std::min(closest, mtpc::min_interatomic_distance(mtpc::NeighborList(c, 5.0, "train.cfg")));
    const auto pot = mtpc::read_mtp((dir_ / "autodist/base/seed-1/potential.mtp").string());
    EXPECT_DOUBLE_EQ(pot.min_dist, mtpc::kAutoMinDistFactor * closest);
    EXPECT_LT(pot.min_dist, closest);
}

TEST_F(TrainingFixture, MinDistMustBeANumberOrAuto) {
    json m = base_manifest("x");
    m["model"]["min_dist"] = "automatic";
    EXPECT_NE(error_of(m, (dir_ / "bad.json").string()).find("model.min_dist: must be a number or \"auto\""),
              std::string::npos);
}

TEST_F(TrainingFixture, BuiltInStepsReSolveTheLinearCoefficientsByDefault) {
    // The recipe's default (README): a bfgs/lbfgs step that does not set linear_every re-solves
    // after 50, 150, 350, 750 iterations and then every 500; a step's own period, 0 included, is
    // kept (fixed, unless it sets linear_first too); the manifest injects nothing into a plugin
    // step (the low-rank optimisers carry the same defaults themselves: LowRankSteps... below).
    json m = base_manifest("x");
    m["steps"] = {{{"optimizer", "bfgs"}},
                  {{"optimizer", "lbfgs"}, {"options", {{"linear_every", 0}}}},
                  {{"optimizer", "optimizer-rbfgs"}, {"options", {{"max_iterations", 5}}}},
                  {{"optimizer", "bfgs"}, {"options", {{"linear_every", 100}}}},
                  {{"optimizer", "bfgs"}, {"options", {{"linear_first", 20}}}}};
    const mtpc::Manifest parsed = mtpc::parse_manifest(m, (dir_ / "m.json").string());
    ASSERT_EQ(parsed.steps.size(), 5u);
    EXPECT_EQ(parsed.steps[0].options.at("linear_every"), mtpc::StepSpec::kDefaultLinearEvery);
    EXPECT_EQ(parsed.steps[0].options.at("linear_every"), 500);
    EXPECT_EQ(parsed.steps[0].options.at("linear_first"), mtpc::StepSpec::kDefaultLinearFirst);
    EXPECT_EQ(parsed.steps[0].options.at("linear_first"), 50);
    EXPECT_EQ(parsed.steps[1].options.at("linear_every"), 0);
    EXPECT_FALSE(parsed.steps[1].options.contains("linear_first"));
    EXPECT_FALSE(parsed.steps[2].options.contains("linear_every"));
    EXPECT_FALSE(parsed.steps[2].options.contains("linear_first"));
    EXPECT_EQ(parsed.steps[3].options.at("linear_every"), 100);
    EXPECT_FALSE(parsed.steps[3].options.contains("linear_first"));
    EXPECT_EQ(parsed.steps[4].options.at("linear_every"), 500);
    EXPECT_EQ(parsed.steps[4].options.at("linear_first"), 20);
}

TEST_F(TrainingFixture, AllLossWeightsZeroIsRejected) {
    json m = base_manifest("x");
    m["loss"] = {{"energy_weight", 0}, {"force_weight", 0}, {"stress_weight", 0}};
    EXPECT_NE(error_of(m, (dir_ / "bad.json").string()).find("all loss weights are 0"), std::string::npos);
}

TEST_F(TrainingFixture, SigintStopsTheCliWithACheckpoint) {
    json m = base_manifest("sigint");
    m["steps"] = {{{"optimizer", "bfgs"}, {"options", {{"max_iterations", 1000000}, {"gradient_tolerance", 0},
                                                        {"function_tolerance", 0}, {"parameter_tolerance", 0}}}}};
    m["convergence"] = false;  // a run that only a signal ends
    const std::string manifest = write_manifest(m, "sigint.json");
    const pid_t pid = fork();
    if (pid == 0) {
        const int devnull = ::open("/dev/null", O_WRONLY);
        ::dup2(devnull, 1);
        ::dup2(devnull, 2);
        ::execl(MTPC_EXE, MTPC_EXE, "train", manifest.c_str(), "--plain", static_cast<char*>(nullptr));
        _exit(127);
    }
    const auto ck = dir_ / "sigint/base/seed-1/checkpoint.json";
    for (int i = 0; i < 3000 && !fs::exists(ck); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    ::kill(pid, SIGINT);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(WIFEXITED(status)) << "mtpc did not exit normally on SIGINT";
    EXPECT_EQ(WEXITSTATUS(status), 1);
    EXPECT_TRUE(fs::exists(ck));
}

TEST_F(TrainingFixture, ParametersFileReloadsAndContinues) {
    // Train a compressed model, then start a new pipeline from its parameters.json: the new run
    // starts exactly where the old one ended (same θ and linear coefficients, same loss).
    mtpc::TrainOptions opt;
    opt.quiet = true;
    json m = base_manifest("first");
    m["radial"] = {{"plugin", "radial-mf"}, {"options", {{"rank", 2}}}};
    m["steps"][0]["options"]["max_iterations"] = 30;
    const auto first = mtpc::Trainer(mtpc::parse_manifest(m, (dir_ / "first.json").string()), opt).run();
    json m2 = m;
    m2["model"] = {{"init_from", (dir_ / "first/base/seed-1/parameters.json").string()}};
    m2["steps"][0]["options"]["max_iterations"] = 0;  // evaluate the starting point only
    m2["output"]["directory"] = (dir_ / "second").string();
    const auto second = mtpc::Trainer(mtpc::parse_manifest(m2, (dir_ / "second.json").string()), opt).run();
    ASSERT_EQ(second.size(), 1u);
    EXPECT_NEAR(second[0].final_loss, first[0].final_loss, 1e-10 * first[0].final_loss);
    EXPECT_EQ(second[0].counts.radial_parameters, 2 * (4 + 12));
    // Continuing with more iterations improves on it.
    m2["steps"][0]["options"]["max_iterations"] = 30;
    m2["output"]["directory"] = (dir_ / "third").string();
    const auto third = mtpc::Trainer(mtpc::parse_manifest(m2, (dir_ / "third.json").string()), opt).run();
    EXPECT_LT(third[0].final_loss, first[0].final_loss);
}

// ---- bad manifests: one test per kind of error, each naming the JSON path ----------------------

TEST_F(TrainingFixture, UnknownKeyIsRejectedWithPath) {
    json m = base_manifest("bad");
    m["loss"]["enrgy_weight"] = 1;
    EXPECT_NE(error_of(m, (dir_ / "bad.json").string()).find("loss.enrgy_weight: unknown key"), std::string::npos);
}

TEST_F(TrainingFixture, WrongTypeIsRejectedWithPath) {
    json m = base_manifest("bad");
    m["model"]["level"] = "fourteen";
    EXPECT_NE(error_of(m, (dir_ / "bad.json").string()).find("model.level: must be an integer"), std::string::npos);
}

TEST_F(TrainingFixture, MissingFileIsRejectedWithPath) {
    json m = base_manifest("bad");
    m["data"]["validation"] = "/nonexistent/valid.cfg";
    const auto e = error_of(m, (dir_ / "bad.json").string());
    EXPECT_NE(e.find("data.validation: file '/nonexistent/valid.cfg' does not exist"), std::string::npos) << e;
}

TEST_F(TrainingFixture, UnknownPluginIsRejectedWithPath) {
    json m = base_manifest("bad");
    m["steps"].push_back({{"optimizer", "optimizer-nonexistent"}});
    const auto e = error_of(m, (dir_ / "bad.json").string());
    EXPECT_NE(e.find("steps[1].optimizer: unknown plugin 'optimizer-nonexistent'"), std::string::npos) << e;
}

TEST_F(TrainingFixture, BadPluginOptionIsRejectedWithPath) {
    json m = base_manifest("bad");
    m["radial"] = {{"plugin", "radial-mf"}, {"options", {{"rank", "four"}}}};
    const auto e = error_of(m, (dir_ / "bad.json").string());
    EXPECT_NE(e.find("radial:"), std::string::npos) << e;
    EXPECT_NE(e.find("rank"), std::string::npos) << e;
    json m2 = base_manifest("bad");
    m2["steps"][0]["options"]["max_iteration"] = 5;
    const auto e2 = error_of(m2, (dir_ / "bad2.json").string());
    EXPECT_NE(e2.find("steps[0].options: bfgs: unknown option 'max_iteration'"), std::string::npos) << e2;
    json m3 = base_manifest("bad");  // issue 12: out of range says the range, not "must be an integer"
    m3["steps"][0]["options"]["max_iterations"] = 1000000000;
    const auto e3 = error_of(m3, (dir_ / "bad3.json").string());
    EXPECT_NE(e3.find("'max_iterations' must be an integer in [0, 100000000], found 1000000000"), std::string::npos) << e3;
}

TEST_F(TrainingFixture, AnErrorRaisedWhileAStepRunsNamesTheStep) {
    // MFRA checks its ranks against the radial tensor only when it runs (the shape comes with the
    // objective): rank_max 20 exceeds min(m, n) = 4 for two species.  The plugin's message names
    // the plugin; the trainer adds which of the manifest's steps ran it.
    json m = base_manifest("step_error");
    m["radial"] = {{"plugin", "radial-mf"}, {"options", {{"rank", 2}}}};
    m["steps"] = {{{"optimizer", "bfgs"}, {"options", {{"max_iterations", 2}}}},
                  {{"optimizer", "optimizer-mfra"}, {"options", {{"rank_max", 20}, {"max_iterations", 2}}}}};
    const std::string path = write_manifest(m, "step_error.json");
    mtpc::TrainOptions quiet;
    quiet.quiet = true;
    std::string message;
    try {
        mtpc::Trainer(mtpc::load_manifest(path), quiet).run();
    } catch (const std::exception& e) {
        message = e.what();
    }
    EXPECT_EQ(message.rfind("steps[1]: optimizer-mfra: need rank_min", 0), 0u) << message;
}

TEST_F(TrainingFixture, NegativePenaltyWeightIsRejectedWithPath) {
    for (const char* key : {"linear_l2", "radial_orthonormality", "radial_species_spread", "radial_curvature"}) {
        json m = base_manifest("bad");
        m["loss"][key] = -1e-3;
        const auto e = error_of(m, (dir_ / "bad.json").string());
        EXPECT_NE(e.find(std::string("loss.") + key + ": must be non-negative"), std::string::npos) << e;
    }
    json m = base_manifest("penalties");
    EXPECT_EQ(mtpc::parse_manifest(m, (dir_ / "p.json").string()).loss.radial_curvature, 1e-2);  // the default
    m["loss"]["radial_curvature"] = 0.0;
    EXPECT_EQ(mtpc::parse_manifest(m, (dir_ / "p.json").string()).loss.radial_curvature, 0.0);
}

TEST_F(TrainingFixture, MissingRequiredKeyIsRejectedWithPath) {
    json m = base_manifest("bad");
    m.erase("steps");
    EXPECT_NE(error_of(m, (dir_ / "bad.json").string()).find("steps: is required"), std::string::npos);
}

TEST_F(TrainingFixture, BadSweepValueIsRejectedBeforeTraining) {
    json m = base_manifest("bad");
    m["radial"] = {{"plugin", "radial-mf"}, {"options", {{"rank", 2}}}};
    m["sweep"] = {{"parameter", "model.level"}, {"values", {6, 7}}};
    const auto e = error_of(m, (dir_ / "bad.json").string());
    EXPECT_NE(e.find("model.level: must be even"), std::string::npos) << e;
}

TEST_F(TrainingFixture, InvalidJsonIsRejected) {
    const auto p = dir_ / "broken.json";
    std::ofstream(p) << "{\"species\": [\"A\",";
    try {
        mtpc::load_manifest(p.string());
        FAIL();
    } catch (const mtpc::InputError& e) {
        EXPECT_NE(std::string(e.what()).find("broken.json: not valid JSON"), std::string::npos) << e.what();
    }
}

TEST_F(TrainingFixture, DescribeCountsParameters) {
    json m = base_manifest("desc");
    m["variants"] = {{{"name", "full"}, {"set", {{"radial.plugin", "radial-full"}}}},
                     {{"name", "mf2"}, {"set", {{"radial.plugin", "radial-mf"}, {"radial.options", {{"rank", 2}}}}}}};
    mtpc::Trainer t(mtpc::parse_manifest(m, (dir_ / "desc.json").string()), {});
    const auto c = t.describe();
    ASSERT_EQ(c.size(), 2u);
    // level 6: N_f = 2, 5 basis functions; N_T = 2, N_b = 6.
    EXPECT_EQ(c[0].radial_full, 2 * 2 * 2 * 6);
    EXPECT_EQ(c[0].radial_parameters, 48);
    EXPECT_EQ(c[0].scalar, 5);
    EXPECT_EQ(c[1].radial_parameters, 2 * (4 + 12));
}
