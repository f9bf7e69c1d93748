#include "gan/train/optimizer_step.h"

#include <sstream>
#include <utility>

namespace gan {

OptimizerStep::OptimizerStep(std::shared_ptr<torch::nn::Module> module,
                             OptimizerStepOptions options)
    : module_(std::move(module)),
      options_(std::move(options)),
      optimizer_(MakeOptimizer(*module_, options_.optimizer)),
      loss_scaler_(options_.loss_scaler) {
  if (options_.learning_rate_schedule.kind != LearningRateSchedule::Kind::kConstant) {
    rates_ = std::make_unique<ScheduledLearningRates>(*optimizer_);
  }
}

void OptimizerStep::SetIteration(int64_t iteration) {
  if (rates_) rates_->Apply(options_.learning_rate_schedule.Factor(iteration));
}

void OptimizerStep::Backward(const torch::Tensor& loss) const {
  (options_.loss_scaling ? loss_scaler_.Scale(loss) : loss).backward();
}

bool OptimizerStep::Step(const torch::Tensor& loss) {
  if (options_.data_parallel) options_.data_parallel->AverageGradients(*module_);
  // With loss scaling, only a non-finite loss is divergence; overflowing scaled gradients
  // are the scaler's to skip.
  const bool diverged =
      options_.skip_nonfinite_steps &&
      (options_.loss_scaling ? !torch::isfinite(loss).all().item<bool>()
                             : !LossAndGradientsFinite(loss, *module_));
  if (diverged) {
    ClearGradients(*module_);
    ++skipped_steps_;
    return false;
  }
  if (options_.loss_scaling) return loss_scaler_.Step(*optimizer_);
  optimizer_->step();
  return true;
}

void OptimizerStep::ResetState() { optimizer_->state().clear(); }

OptimizerStep::Snapshot::Snapshot(const OptimizerStep& step)
    : loss_scaler_(step.loss_scaler_), skipped_steps_(step.skipped_steps_) {
  torch::serialize::OutputArchive archive;
  step.optimizer_->save(archive);
  std::ostringstream bytes;
  archive.save_to(bytes);
  optimizer_state_ = bytes.str();
}

void OptimizerStep::Snapshot::Restore(OptimizerStep& step) const {
  torch::serialize::InputArchive archive;
  std::istringstream bytes(optimizer_state_);
  archive.load_from(bytes);
  step.optimizer_->load(archive);
  step.loss_scaler_ = loss_scaler_;
  step.skipped_steps_ = skipped_steps_;
}

void OptimizerStep::SaveLossScale(torch::serialize::OutputArchive& archive,
                                  const std::string& prefix) const {
  if (options_.loss_scaling) loss_scaler_.Save(archive, prefix);
}

void OptimizerStep::LoadLossScale(torch::serialize::InputArchive& archive,
                                  const std::string& prefix) {
  if (options_.loss_scaling) loss_scaler_.Load(archive, prefix);
}

}  // namespace gan
