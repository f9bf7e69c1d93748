// Checkpoints of a tiny training run: an interrupted and resumed run equals one that never
// stopped, the newest checkpoints are kept, and foreign or mismatched files are clear errors.
#include "gan/checkpoint/checkpoint.h"

#include <cmath>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "gan/augment/ada.h"
#include "gan/core/atomic_file.h"
#include "gan/losses/terms/loss_term.h"
#include "gan/train/tiny_training_run.h"
#include "gan/train/trainer.h"

namespace gan {
namespace {

using ::testing::HasSubstr;

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
