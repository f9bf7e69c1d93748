#include "gan/train/progressive_updater.h"

#include <utility>
#include <vector>

namespace gan {

ProgressiveUpdater::ProgressiveUpdater(std::unique_ptr<Updater> inner, Generator generator,
                                       Discriminator discriminator,
                                       ProgressiveUpdaterOptions options)
    : inner_(std::move(inner)),
      generator_(std::move(generator)),
      discriminator_(std::move(discriminator)),
      growing_generator_(generator_ ? generator_->growing() : nullptr),
      growing_discriminator_(discriminator_ ? discriminator_->growing() : nullptr),
      options_(options) {
  TORCH_CHECK(inner_ && generator_ && discriminator_, "ProgressiveUpdater: null argument");
  TORCH_CHECK(growing_generator_ && growing_discriminator_,
              "ProgressiveUpdater: the generator and the discriminator must be networks that grow");
  TORCH_CHECK(inner_->generator() == generator_,
              "ProgressiveUpdater: `generator` must be the inner updater's generator()");
  const absl::Status valid = ValidateProgressiveScheduleOptions(options_.schedule);
  TORCH_CHECK(valid.ok(), "ProgressiveUpdater: ", std::string(valid.message()));
  TORCH_CHECK(options_.schedule.num_levels == growing_generator_->num_levels() &&
                  options_.schedule.num_levels == growing_discriminator_->num_levels(),
              "ProgressiveUpdater: the schedule has ", options_.schedule.num_levels,
              " levels, the generator ", growing_generator_->num_levels(),
              " and the discriminator ", growing_discriminator_->num_levels());
  TORCH_CHECK(options_.images_per_iteration > 0,
              "ProgressiveUpdater: images_per_iteration must be positive, got ",
              options_.images_per_iteration);
  // An EMA shadow samples at the trained G's phase from the first iteration on, not only
  // after the average's next buffer copy.
  if (inner_->sampling_generator() != inner_->generator()) {
    growing_sampler_ = inner_->sampling_generator()->growing();
  }
  SetPhase(PhaseAt(0));
}

torch::Tensor BlendRealsForFade(const torch::Tensor& images, int64_t level, double alpha) {
  if (alpha >= 1.0 || level == 0) return images;
  const int64_t size = images.size(2);
  const int64_t resolution = int64_t{4} << level;
  TORCH_CHECK(images.dim() == 4 && images.size(3) == size && size % resolution == 0,
              "BlendRealsForFade: images must be [N, C, S, S] with S a multiple of ", resolution,
              ", got ", images.sizes());
  const auto pool = [](const torch::Tensor& x, int64_t factor) {
    return factor == 1 ? x : torch::avg_pool2d(x, {factor, factor});
  };
  const auto upsample = [](const torch::Tensor& x, int64_t factor) {
    return factor == 1 ? x
                       : torch::upsample_nearest2d(
                             x, std::vector<int64_t>{x.size(2) * factor, x.size(3) * factor});
  };
  const torch::Tensor at_level = pool(images, size / resolution);
  const torch::Tensor coarse = upsample(pool(at_level, 2), 2);
  return upsample(torch::lerp(coarse, at_level, alpha), size / resolution);
}

ProgressivePhase ProgressiveUpdater::PhaseAt(int64_t iteration) const {
  return ProgressivePhaseAt(options_.schedule, iteration * options_.images_per_iteration);
}

void ProgressiveUpdater::SetPhase(const ProgressivePhase& phase) {
  growing_generator_->set_phase(phase.level, phase.alpha);
  growing_discriminator_->set_phase(phase.level, phase.alpha);
  if (growing_sampler_) growing_sampler_->set_phase(phase.level, phase.alpha);
}

bool ProgressiveUpdater::StartsAPhase(int64_t iteration) const {
  if (iteration == 0) return false;
  const ProgressivePhase now = PhaseAt(iteration), before = PhaseAt(iteration - 1);
  return now.level != before.level || (now.alpha >= 1.0) != (before.alpha >= 1.0);
}

std::map<std::string, torch::Tensor> ProgressiveUpdater::Update(const Batch& batch,
                                                                int64_t iteration) {
  const ProgressivePhase phase = PhaseAt(iteration);
  SetPhase(phase);
  if (options_.reset_optimizers && StartsAPhase(iteration)) inner_->ResetOptimizerState();
  std::map<std::string, torch::Tensor> losses =
      options_.fade_reals
          ? inner_->Update({BlendRealsForFade(batch.images, phase.level, phase.alpha), batch.labels},
                           iteration)
          : inner_->Update(batch, iteration);
  const auto on_device = torch::TensorOptions().dtype(torch::kFloat).device(device());
  losses["level"] = torch::scalar_tensor(static_cast<double>(phase.level), on_device);
  losses["alpha"] = torch::scalar_tensor(phase.alpha, on_device);
  return losses;
}

}  // namespace gan
