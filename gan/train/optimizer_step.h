// One network's optimizer step, as an updater takes it for G or for D: the optimizer with
// its learning-rate schedule, the gradients averaged over data-parallel ranks first (so
// that every rank sees the same gradients and reaches the same verdict), dynamic loss
// scaling, and the skipping of non-finite steps.
//
// Skipping: with skip_nonfinite_steps, a step whose loss (or, without loss scaling, one
// of whose gradients) is NaN or Inf is not applied and is counted in skipped_steps().
// With loss scaling, a finite loss whose scaled gradients overflow is the scaler's to
// skip (it halves its scale): part of fp16 training, not divergence, so not counted.
//
//   gan::OptimizerStep step(discriminator, options);
//   step.SetIteration(iteration);      // the schedule's rates
//   step.Backward(loss);               // as often as there are parts of the batch
//   const bool taken = step.Step(loss);
#ifndef GAN_TRAIN_OPTIMIZER_STEP_H_
#define GAN_TRAIN_OPTIMIZER_STEP_H_

#include <cstdint>
#include <memory>
#include <string>

#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>
#include <torch/serialize/archive.h>

#include "gan/train/data_parallel.h"
#include "gan/train/learning_rate_schedule.h"
#include "gan/train/loss_scaler.h"
#include "gan/train/optimization.h"

namespace gan {

struct OptimizerStepOptions {
  OptimizerOptions optimizer;
  // The rates over the run, set by SetIteration (gan/train/learning_rate_schedule.h).
  LearningRateSchedule learning_rate_schedule;
  std::shared_ptr<DataParallel> data_parallel;  // null: one process
  bool loss_scaling = false;
  LossScalerOptions loss_scaler;
  bool skip_nonfinite_steps = false;
};

class OptimizerStep {
 public:
  OptimizerStep(std::shared_ptr<torch::nn::Module> module, OptimizerStepOptions options);

  // Sets the optimizer's rates to the schedule's at `iteration` (a no-op when constant).
  void SetIteration(int64_t iteration);
  // Backpropagates `loss` (scaled when loss scaling is on), adding to the gradients.
  void Backward(const torch::Tensor& loss) const;
  // Steps the optimizer on the gradients backpropagated since they were cleared, unless
  // the step is skipped (see above; its gradients are then cleared). `loss` is the whole
  // batch's. Returns whether the step was taken.
  bool Step(const torch::Tensor& loss);
  // The optimizer starts over (Adam's moments and step count); learning rates stay.
  void ResetState();

  torch::optim::Optimizer& optimizer() { return *optimizer_; }
  const torch::optim::Optimizer& optimizer() const { return *optimizer_; }
  const DynamicLossScaler& loss_scaler() const { return loss_scaler_; }
  // Non-finite steps skipped since this object was made or the count cleared.
  int64_t skipped_steps() const { return skipped_steps_; }
  void ClearSkippedSteps() { skipped_steps_ = 0; }

  // The optimizer's state, the loss scale and the skip count, to take back steps that
  // were only looked ahead (gan/train/unrolled_look_ahead.h).
  class Snapshot {
   public:
    explicit Snapshot(const OptimizerStep& step);
    void Restore(OptimizerStep& step) const;

   private:
    std::string optimizer_state_;
    DynamicLossScaler loss_scaler_;
    int64_t skipped_steps_;
  };

  // The loss scale under "<prefix>/..." when loss scaling is on (nothing otherwise); a
  // checkpoint without one restarts from the initial scale.
  void SaveLossScale(torch::serialize::OutputArchive& archive, const std::string& prefix) const;
  void LoadLossScale(torch::serialize::InputArchive& archive, const std::string& prefix);

 private:
  std::shared_ptr<torch::nn::Module> module_;
  OptimizerStepOptions options_;
  std::unique_ptr<torch::optim::Optimizer> optimizer_;
  std::unique_ptr<ScheduledLearningRates> rates_;  // null for a constant schedule
  DynamicLossScaler loss_scaler_;
  int64_t skipped_steps_ = 0;
};

}  // namespace gan

#endif  // GAN_TRAIN_OPTIMIZER_STEP_H_
