// The trainer loop: triggers, extensions, divergence and stop signals, on a tiny DCGAN
// (checkpoints are tested in gan/checkpoint, the output extensions in gan/outputs).
#include "gan/train/trainer.h"

#include <csignal>
#include <cmath>
#include <limits>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/utils.h>

#include "gan/core/stop_signal.h"
#include "gan/train/alternating_updater.h"
#include "gan/train/tiny_training_run.h"

namespace gan {
namespace {

using ::testing::HasSubstr;

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

}  // namespace
}  // namespace gan
