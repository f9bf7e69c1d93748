// The trainer loop with its extensions and checkpoints, on a tiny DCGAN.
#include "gan/train/trainer.h"

#include <csignal>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <limits>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/utils.h>

#include "gan/augment/ada.h"
#include "gan/checkpoint/checkpoint.h"
#include "gan/core/atomic_file.h"
#include "gan/core/run_directory.h"
#include "gan/core/stop_signal.h"
#include "gan/losses/terms/loss_term.h"
#include "gan/networks/dcgan/dcgan.h"
#include "gan/outputs/loss_log_extension.h"
#include "gan/outputs/progress_extension.h"
#include "gan/outputs/sample_grid_extension.h"
#include "gan/train/alternating_updater.h"

namespace gan {
namespace {

using ::testing::HasSubstr;

std::string TestDir(const std::string& name) {
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  EXPECT_TRUE(MakeDirectories(dir).ok());
  return dir;
}

ImageDataset TinyData() {
  torch::manual_seed(100);
  ImageDataset data;
  data.images = torch::randint(0, 256, {40, 1, 28, 28}).to(torch::kUInt8);
  return data;
}

struct TinyRun {
  std::shared_ptr<DcganGenerator> g;
  std::shared_ptr<DcganDiscriminator> d;
  std::unique_ptr<AlternatingUpdater> updater;
  std::unique_ptr<BatchLoader> loader;
  std::shared_ptr<Augmentation> augmentation;  // the updater's, if any
};

TinyRun MakeTinyRun(uint64_t seed = 1, AlternatingUpdaterOptions options = {}) {
  torch::manual_seed(seed);
  const DcganSpec spec = StandardDcganSpec(32, 1, 4, 8);
  TinyRun s;
  s.g = MakeDcganGenerator(spec);
  s.d = MakeDcganDiscriminator(spec);
  s.augmentation = options.augmentation;
  s.updater = std::make_unique<AlternatingUpdater>(s.g, s.d, *AdversarialLossByName("bce"),
                                                   std::move(options));
  TransformPipeline transforms({ScaleToMinusOneOne(), Pad(2), RandomHorizontalFlip()});
  s.loader = std::make_unique<BatchLoader>(TinyData(), transforms,
                                           BatchLoaderOptions{.batch_size = 8, .seed = seed});
  return s;
}

class RecordingExtension : public Extension {
 public:
  explicit RecordingExtension(std::vector<int64_t>* fired) : fired_(fired) {}
  std::string name() const override { return "recording"; }
  absl::Status Run(TrainingState& state) override {
    fired_->push_back(state.iteration);
    return absl::OkStatus();
  }

 private:
  std::vector<int64_t>* fired_;
};

class FailingExtension : public Extension {
 public:
  std::string name() const override { return "failing"; }
  absl::Status Run(TrainingState&) override { return absl::InternalError("disk full"); }
};

TEST(TriggerTest, IterationEpochAndEndConditions) {
  TrainingState state;
  state.iteration = 10;
  state.epoch = 2;
  EXPECT_TRUE(Trigger::EveryIterations(5).Fires(state, false, false));
  EXPECT_FALSE(Trigger::EveryIterations(3).Fires(state, false, false));
  EXPECT_TRUE(Trigger::EveryIterations(3).OrAtEnd().Fires(state, false, true));
  EXPECT_TRUE(Trigger::EveryEpochs(2).Fires(state, true, false));
  EXPECT_FALSE(Trigger::EveryEpochs(2).Fires(state, false, false));
  EXPECT_FALSE(Trigger::EveryEpochs(3).Fires(state, true, false));
  EXPECT_FALSE(Trigger::AtEnd().Fires(state, true, false));
}

TEST(TrainerTest, RunsToTotalAcrossEpochsFiringTriggers) {
  TinyRun s = MakeTinyRun();
  ASSERT_EQ(s.loader->batches_per_epoch(), 5);
  Trainer trainer(*s.updater, *s.loader, /*total_iterations=*/12);
  std::vector<int64_t> every4, every_epoch, at_end;
  trainer.Add(std::make_unique<RecordingExtension>(&every4), Trigger::EveryIterations(4));
  trainer.Add(std::make_unique<RecordingExtension>(&every_epoch), Trigger::EveryEpochs(1));
  trainer.Add(std::make_unique<RecordingExtension>(&at_end), Trigger::AtEnd());
  ASSERT_TRUE(trainer.Run().ok());
  EXPECT_EQ(trainer.state().iteration, 12);
  EXPECT_EQ(trainer.state().epoch, 2);
  EXPECT_EQ(trainer.state().batch_in_epoch, 2);
  EXPECT_EQ(every4, (std::vector<int64_t>{4, 8, 12}));
  EXPECT_EQ(every_epoch, (std::vector<int64_t>{5, 10}));
  EXPECT_EQ(at_end, (std::vector<int64_t>{12}));
}

TEST(TrainerTest, ExtensionErrorStopsTrainingNamingIt) {
  TinyRun s = MakeTinyRun();
  Trainer trainer(*s.updater, *s.loader, 10);
  trainer.Add(std::make_unique<FailingExtension>(), Trigger::EveryIterations(3));
  const absl::Status status = trainer.Run();
  EXPECT_THAT(std::string(status.message()), HasSubstr("extension 'failing' at iteration 3"));
  EXPECT_EQ(trainer.state().iteration, 3);
}

std::vector<torch::Tensor> State(torch::nn::Module& module) {
  std::vector<torch::Tensor> out;
  for (const auto& t : module.parameters()) out.push_back(t.detach().clone());
  for (const auto& t : module.buffers()) out.push_back(t.detach().clone());
  return out;
}

// Updater options whose state must survive a resume too: ADA's p and the signs gathered
// towards its next update (every 2 D steps, so iteration 3 is mid-interval), LeCam's
// moving averages, a learning-rate schedule. Fresh objects for every run.
AlternatingUpdaterOptions StatefulOptions() {
  AlternatingUpdaterOptions options;
  AdaOptions ada;
  ada.initial_p = 0.5;
  ada.interval = 2;
  ada.speed_images = 100;  // p moves by 0.16 per update: visibly
  options.augmentation = std::make_shared<AdaptiveAugment>(ada);
  options.terms = {*LossTermByName("lecam", {{"start", 1}})};
  options.learning_rate_schedule = {LearningRateSchedule::Kind::kLinear, 2, 9};
  return options;
}

class ResumeTest : public ::testing::TestWithParam<bool> {};

TEST_P(ResumeTest, ResumedRunMatchesUninterruptedRunExactly) {
  torch::set_num_threads(1);
  const bool stateful = GetParam();
  const auto options = [stateful] {
    return stateful ? StatefulOptions() : AlternatingUpdaterOptions();
  };
  const std::string dir = TestDir(stateful ? "resume_exact_stateful" : "resume_exact");
  // Uninterrupted: 9 iterations (crosses the epoch boundary at 5).
  TinyRun straight = MakeTinyRun(7, options());
  Trainer full(*straight.updater, *straight.loader, 9);
  ASSERT_TRUE(full.Run().ok());

  // Interrupted after 3 iterations, checkpointed, and resumed in fresh objects.
  TinyRun first = MakeTinyRun(7, options());
  Trainer part(*first.updater, *first.loader, 3);
  part.Add(std::make_unique<CheckpointExtension>(*first.updater, dir, 2, "tiny"),
           Trigger::AtEnd());
  ASSERT_TRUE(part.Run().ok());
  torch::randn({100});  // disturb the global generator: the checkpoint must restore it

  TinyRun second = MakeTinyRun(99, options());  // other initial weights, same data seed below
  second.loader = std::make_unique<BatchLoader>(
      TinyData(), TransformPipeline({ScaleToMinusOneOne(), Pad(2), RandomHorizontalFlip()}),
      BatchLoaderOptions{.batch_size = 8, .seed = 7});
  Trainer resumed(*second.updater, *second.loader, 9);
  auto used = ResumeFromLatest(dir, *second.updater, resumed.state(), "tiny");
  ASSERT_TRUE(used.ok()) << used.status();
  EXPECT_EQ(resumed.state().iteration, 3);
  ASSERT_TRUE(resumed.Run().ok());

  const auto expected_g = State(*straight.g), actual_g = State(*second.g);
  const auto expected_d = State(*straight.d), actual_d = State(*second.d);
  ASSERT_EQ(expected_g.size(), actual_g.size());
  for (size_t i = 0; i < expected_g.size(); ++i) EXPECT_TRUE(expected_g[i].equal(actual_g[i])) << i;
  for (size_t i = 0; i < expected_d.size(); ++i) EXPECT_TRUE(expected_d[i].equal(actual_d[i])) << i;
  if (stateful) {
    const double p = static_cast<const AdaptiveAugment&>(*straight.augmentation).p();
    EXPECT_NE(p, 0.5) << "p must have moved for the test to mean anything";
    EXPECT_EQ(static_cast<const AdaptiveAugment&>(*second.augmentation).p(), p);
  }
}

INSTANTIATE_TEST_SUITE_P(PlainAndStateful, ResumeTest, ::testing::Bool());

TEST(CheckpointTest, KeepsTheNewestAndSkipsABrokenOne) {
  const std::string dir = TestDir("keep");
  TinyRun s = MakeTinyRun();
  Trainer trainer(*s.updater, *s.loader, 8);
  trainer.Add(std::make_unique<CheckpointExtension>(*s.updater, dir, 2, "fp"),
              Trigger::EveryIterations(2));
  ASSERT_TRUE(trainer.Run().ok());
  const auto files = ListCheckpoints(dir);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].first, 6);
  EXPECT_EQ(files[1].first, 8);

  // Truncate the newest as a crash during a non-atomic write would.
  std::string bytes;
  ASSERT_TRUE(ReadFile(files[1].second, &bytes).ok());
  { std::ofstream(files[1].second, std::ios::binary) << bytes.substr(0, bytes.size() / 2); }
  TinyRun fresh = MakeTinyRun(5);
  TrainingState state;
  const absl::Status broken = LoadCheckpoint(files[1].second, *fresh.updater, state, "fp");
  EXPECT_EQ(broken.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(broken.message()), HasSubstr(files[1].second));
  auto used = ResumeFromLatest(dir, *fresh.updater, state, "fp");
  ASSERT_TRUE(used.ok()) << used.status();
  EXPECT_EQ(*used, files[0].second);
  EXPECT_EQ(state.iteration, 6);
  EXPECT_EQ(state.epoch, 1);
  EXPECT_EQ(state.batch_in_epoch, 1);
}

TEST(CheckpointTest, OtherConfigurationsAndForeignFilesAreClearErrors) {
  const std::string dir = TestDir("mismatch");
  TinyRun s = MakeTinyRun();
  TrainingState state;
  const std::string path = CheckpointPath(dir, 0);
  ASSERT_TRUE(SaveCheckpoint(path, *s.updater, state, "{\"width\":4}").ok());
  const absl::Status mismatch = LoadCheckpoint(path, *s.updater, state, "{\"width\":8}");
  EXPECT_EQ(mismatch.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(mismatch.message()), HasSubstr("different configuration"));
  EXPECT_THAT(std::string(mismatch.message()), HasSubstr("{\"width\":4}"));
  ASSERT_TRUE(WriteFileAtomically(dir + "/ckpt_000000001.pt", "not a checkpoint").ok());
  EXPECT_THAT(std::string(LoadCheckpoint(dir + "/ckpt_000000001.pt", *s.updater, state, "")
                              .message()),
              HasSubstr("ckpt_000000001.pt"));
  EXPECT_EQ(ResumeFromLatest(TestDir("empty_ckpt"), *s.updater, state, "").status().code(),
            absl::StatusCode::kNotFound);
}

// A fingerprint can only catch configurations it knows; a file whose tensors have other
// shapes (another width under the same fingerprint) must still fail at load, naming the
// tensor, not later inside a convolution.
TEST(CheckpointTest, TensorsOfAnotherShapeAreRefusedAtLoad) {
  const std::string dir = TestDir("shapes");
  TinyRun s = MakeTinyRun();
  TrainingState state;
  const std::string path = CheckpointPath(dir, 0);
  ASSERT_TRUE(SaveCheckpoint(path, *s.updater, state, "same").ok());
  torch::manual_seed(1);
  const DcganSpec wider = StandardDcganSpec(32, 1, 4, 16);
  AlternatingUpdater other(MakeDcganGenerator(wider), MakeDcganDiscriminator(wider),
                           *AdversarialLossByName("bce"), AlternatingUpdaterOptions());
  const absl::Status status = LoadCheckpoint(path, other, state, "same");
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(status.message()), HasSubstr("ckpt_000000000.pt"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("generator tensor '"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("the network expects"));

  auto generator = MakeDcganGenerator(wider);
  EXPECT_THAT(std::string(LoadCheckpointGenerator(path, *generator, false).status().message()),
              HasSubstr("in the checkpoint, the network expects"));
}

TEST(SampleGridExtensionTest, WritesGridWithoutDisturbingTraining) {
  const std::string dir = TestDir("samples");
  TinyRun s = MakeTinyRun();
  SampleGridExtension samples(s.g, dir, {.count = 6, .columns = 3, .seed = 4}, torch::kCPU);
  const auto buffers_before = State(*s.g);
  torch::manual_seed(11);
  TrainingState state;
  state.iteration = 20;
  ASSERT_TRUE(samples.Run(state).ok());
  const torch::Tensor next = torch::randn({3});
  torch::manual_seed(11);
  EXPECT_TRUE(torch::randn({3}).equal(next)) << "sampling consumed the training RNG";
  const auto buffers_after = State(*s.g);
  for (size_t i = 0; i < buffers_before.size(); ++i) {
    EXPECT_TRUE(buffers_before[i].equal(buffers_after[i]));
  }
  std::string png;
  ASSERT_TRUE(ReadFile(dir + "/iter_000000020.png", &png).ok());
  EXPECT_EQ(png.substr(1, 3), "PNG");
  // The same fixed latents give the same images.
  EXPECT_TRUE(samples.Sample().equal(samples.Sample()));
  EXPECT_EQ(samples.Sample().sizes(), (std::vector<int64_t>{6, 1, 32, 32}));
}

TEST(LossLogExtensionTest, WritesMeansAndTruncatesOnResume) {
  const std::string path = TestDir("log") + "/log.jsonl";
  TinyRun s = MakeTinyRun();
  Trainer trainer(*s.updater, *s.loader, 6);
  trainer.Add(std::make_unique<LossLogExtension>(path), Trigger::EveryIterations(2));
  ASSERT_TRUE(trainer.Run().ok());
  std::string text;
  ASSERT_TRUE(ReadFile(path, &text).ok());
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2]["iteration"], 6);
  EXPECT_EQ(lines[2]["epoch"], 1);
  for (const auto& line : lines) {
    EXPECT_TRUE(std::isfinite(line["loss_d"].get<double>()));
    EXPECT_TRUE(std::isfinite(line["loss_g"].get<double>()));
  }
  // A resume from iteration 4 drops the line for 6, and a torn line.
  { std::ofstream(path, std::ios::app) << "{\"iteration\": 8, \"loss"; }
  LossLogExtension log(path);
  TrainingState state;
  state.iteration = 4;
  ASSERT_TRUE(log.Start(state).ok());
  ASSERT_TRUE(ReadFile(path, &text).ok());
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 2);
  EXPECT_THAT(text, ::testing::Not(HasSubstr("\"iteration\":6")));
}

TEST(ProgressExtensionTest, FormatsRateEtaAndLosses) {
  ProgressExtension progress(30.0, stderr, /*terminal=*/0);
  TrainingState state;
  ASSERT_TRUE(progress.Start(state).ok());
  state.iteration = 50;
  state.epoch = 1;
  state.iterations_per_epoch = 40;
  state.total_iterations = 250;
  state.logged_losses = {{"loss_d", 1.5}, {"loss_g", 0.25}};
  EXPECT_EQ(progress.Format(state, 10.0),
            "epoch 1/7  iter 50/250  5.00 it/s  elapsed 10s  ETA 40s  loss_d 1.5000  loss_g 0.2500");
  EXPECT_EQ(FormatDuration(3725), "1h02m05s");
  EXPECT_EQ(FormatDuration(65), "1m05s");
}

TEST(ProgressExtensionTest, PlainOutputPrintsWholeLinesAtTheEnd) {
  std::FILE* out = std::tmpfile();
  ProgressExtension progress(1000.0, out, /*terminal=*/0);
  TrainingState state;
  state.total_iterations = 3;
  ASSERT_TRUE(progress.Start(state).ok());
  for (int i = 1; i <= 3; ++i) {
    state.iteration = i;
    ASSERT_TRUE(progress.Run(state).ok());
  }
  std::rewind(out);
  char buffer[512] = {0};
  const size_t n = std::fread(buffer, 1, sizeof(buffer) - 1, out);
  std::fclose(out);
  const std::string text(buffer, n);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 1);  // only the final line
  EXPECT_THAT(text, HasSubstr("iter 3/3"));
  EXPECT_EQ(text.find('\r'), std::string::npos);
}

}  // namespace
}  // namespace gan

namespace gan {
namespace {

// Wraps a real updater and reports a non-finite loss at one iteration.
class DivergingUpdater : public Updater {
 public:
  DivergingUpdater(Updater& inner, int64_t bad_iteration, double bad_value)
      : inner_(inner), bad_iteration_(bad_iteration), bad_value_(bad_value) {}
  std::map<std::string, torch::Tensor> Update(const Batch& batch, int64_t iteration) override {
    auto losses = inner_.Update(batch, iteration);
    if (iteration == bad_iteration_) losses["loss_d"] = torch::tensor(bad_value_);
    return losses;
  }
  void Save(torch::serialize::OutputArchive& archive) const override { inner_.Save(archive); }
  void Load(torch::serialize::InputArchive& archive) override { inner_.Load(archive); }
  const Generator& generator() const override { return inner_.generator(); }
  torch::Device device() const override { return inner_.device(); }

 private:
  Updater& inner_;
  int64_t bad_iteration_;
  double bad_value_;
};

TEST(TrainerTest, NonFiniteLossStopsBeforeAnyExtensionSeesIt) {
  for (double bad : {std::nan(""), std::numeric_limits<double>::infinity()}) {
    TinyRun run = MakeTinyRun();
    DivergingUpdater updater(*run.updater, /*bad_iteration=*/3, bad);
    Trainer trainer(updater, *run.loader, 10);
    std::vector<int64_t> fired;
    trainer.Add(std::make_unique<RecordingExtension>(&fired), Trigger::EveryIterations(1).OrAtEnd());
    const absl::Status status = trainer.Run();
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(std::string(status.message()), HasSubstr("training diverged at iteration 4: loss_d = "));
    EXPECT_EQ(fired, (std::vector<int64_t>{1, 2, 3}));  // nothing ran for the bad iteration
  }
}

TEST(TrainerTest, DivergenceAfterSkippedStepsSaysHowManyWereSkipped) {
  TinyRun run = MakeTinyRun();
  AlternatingUpdaterOptions options;
  options.skip_nonfinite_steps = true;
  AlternatingUpdater skipping(run.g, run.d, *AdversarialLossByName("bce"), options);
  DivergingUpdater updater(skipping, /*bad_iteration=*/2, std::nan(""));
  Trainer trainer(updater, *run.loader, 10);
  const absl::Status status = trainer.Run();
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("iteration 3: loss_d = nan (after 0 non-finite steps skipped"));
}

TEST(TrainerTest, StopSignalFinishesTheIterationAndRunsOnlyStopTriggers) {
  TinyRun run = MakeTinyRun();
  Trainer trainer(*run.updater, *run.loader, 10);
  std::vector<int64_t> every, at_stop;
  trainer.Add(std::make_unique<RecordingExtension>(&every), Trigger::EveryIterations(1).OrAtEnd());
  trainer.Add(std::make_unique<RecordingExtension>(&at_stop), Trigger::AtEnd().OrAtStop());
  InstallStopSignalHandlers();
  std::raise(SIGTERM);  // recorded, not fatal: handled after the next iteration
  const absl::Status status = trainer.Run();
  ClearStopSignal();
  EXPECT_EQ(status.code(), absl::StatusCode::kCancelled);
  EXPECT_THAT(std::string(status.message()), HasSubstr("after iteration 1"));
  EXPECT_EQ(trainer.state().iteration, 1);
  EXPECT_TRUE(every.empty());  // periodic triggers do not fire on the stopping iteration
  EXPECT_EQ(at_stop, (std::vector<int64_t>{1}));
}

TEST(CheckpointTest, RefusesToOverwriteGoodWeightsWithNonFiniteOnes) {
  TinyRun run = MakeTinyRun();
  const std::string dir = TestDir("nan_checkpoints");
  CheckpointExtension extension(*run.updater, dir, 3, "fingerprint");
  TrainingState state;
  state.iteration = 5;
  ASSERT_TRUE(extension.Run(state).ok());
  {
    torch::NoGradGuard no_grad;
    run.g->parameters()[0][0].fill_(std::nan(""));
  }
  state.iteration = 6;
  const absl::Status status = extension.Run(state);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(status.message()), HasSubstr("NaN or Inf"));
  EXPECT_EQ(ListCheckpoints(dir).size(), 1u);
}

}  // namespace
}  // namespace gan
