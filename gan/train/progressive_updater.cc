#include "gan/train/progressive_updater.h"

#include <utility>

namespace gan {

ProgressiveUpdater::ProgressiveUpdater(std::unique_ptr<Updater> inner,
                                       std::shared_ptr<ProgressiveGenerator> generator,
                                       std::shared_ptr<ProgressiveDiscriminator> discriminator,
                                       ProgressiveUpdaterOptions options)
    : inner_(std::move(inner)),
      generator_(std::move(generator)),
      discriminator_(std::move(discriminator)),
      options_(options) {
  TORCH_CHECK(inner_ && generator_ && discriminator_, "ProgressiveUpdater: null argument");
  TORCH_CHECK(inner_->generator() == generator_,
              "ProgressiveUpdater: `generator` must be the inner updater's generator()");
  const absl::Status valid = ValidateProgressiveScheduleOptions(options_.schedule);
  TORCH_CHECK(valid.ok(), "ProgressiveUpdater: ", std::string(valid.message()));
  TORCH_CHECK(options_.schedule.num_levels == generator_->num_levels() &&
                  options_.schedule.num_levels == discriminator_->num_levels(),
              "ProgressiveUpdater: the schedule has ", options_.schedule.num_levels,
              " levels, the generator ", generator_->num_levels(), " and the discriminator ",
              discriminator_->num_levels());
  TORCH_CHECK(options_.images_per_iteration > 0,
              "ProgressiveUpdater: images_per_iteration must be positive, got ",
              options_.images_per_iteration);
  // An EMA shadow samples at the trained G's phase from the first iteration on, not only
  // after the average's next buffer copy.
  if (inner_->sampling_generator() != inner_->generator()) {
    sampler_ = std::dynamic_pointer_cast<ProgressiveGenerator>(inner_->sampling_generator());
  }
  SetPhase(PhaseAt(0));
}

ProgressivePhase ProgressiveUpdater::PhaseAt(int64_t iteration) const {
  return ProgressivePhaseAt(options_.schedule, iteration * options_.images_per_iteration);
}

void ProgressiveUpdater::SetPhase(const ProgressivePhase& phase) {
  generator_->set_phase(phase.level, phase.alpha);
  discriminator_->set_phase(phase.level, phase.alpha);
  if (sampler_) sampler_->set_phase(phase.level, phase.alpha);
}

std::map<std::string, torch::Tensor> ProgressiveUpdater::Update(const Batch& batch,
                                                                int64_t iteration) {
  const ProgressivePhase phase = PhaseAt(iteration);
  SetPhase(phase);
  std::map<std::string, torch::Tensor> losses = inner_->Update(batch, iteration);
  const auto on_device = torch::TensorOptions().dtype(torch::kFloat).device(device());
  losses["level"] = torch::scalar_tensor(static_cast<double>(phase.level), on_device);
  losses["alpha"] = torch::scalar_tensor(phase.alpha, on_device);
  return losses;
}

}  // namespace gan
