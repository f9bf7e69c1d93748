#include "gan/run/updater_factory.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "gan/core/status_macros.h"
#include "gan/train/ema_section.h"
#include "gan/train/progressive_updater.h"

namespace gan {

absl::StatusOr<std::unique_ptr<Updater>> MakeUpdater(const ExperimentConfig& config,
                                                     const Networks& networks,
                                                     const torch::Device& device,
                                                     std::shared_ptr<DataParallel> data_parallel,
                                                     int64_t total_iterations) {
  if (config.update.scheme == nullptr) {
    return absl::InvalidArgumentError("the config has no update scheme (ParseExperimentConfig sets it)");
  }
  const UpdateScheme& scheme = *config.update.scheme;
  UpdateInputs inputs;
  inputs.generator = networks.generator;
  inputs.discriminator = networks.discriminator;
  inputs.autoencoder = networks.autoencoder;
  inputs.family_name = config.model.family_name;
  inputs.loss = &config.loss;
  inputs.terms = &config.terms;
  inputs.augment = &config.augment;
  inputs.optim = &config.optim;
  inputs.precision = &config.precision;
  inputs.device = device;
  inputs.data_parallel = std::move(data_parallel);
  inputs.total_iterations = total_iterations;
  GAN_ASSIGN_OR_RETURN(std::unique_ptr<Updater> updater, scheme.NewUpdater(inputs));
  if (config.ema.enabled()) {
    if (!networks.ema_generator) {
      return absl::InvalidArgumentError(
          "an average of G (the ema section) needs Networks::ema_generator");
    }
    updater = WithEma(std::move(updater), networks.ema_generator, config.ema,
                      scheme.iterations_per_generator_step(), ImagesPerIteration(config));
  }
  // The growth schedule is outermost, so that the phase is set on the EMA shadow too
  // before every iteration.
  const GrowthSchedule* growth = config.model.family->growth();
  if (growth == nullptr) return updater;
  GrowingNetwork* growing = networks.generator->growing();
  if (growing == nullptr || networks.discriminator == nullptr ||
      networks.discriminator->growing() == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "model.family '", config.model.family_name, "' has a growth schedule but built ",
        "networks that do not grow"));
  }
  ProgressiveUpdaterOptions options;
  options.schedule.num_levels = growing->num_levels();
  options.schedule.stable_images = growth->stable_images;
  options.schedule.fade_images = growth->fade_images;
  options.images_per_iteration = ImagesPerIteration(config);
  options.fade_reals = growth->fade_reals;
  options.reset_optimizers = growth->reset_optimizers;
  return std::unique_ptr<Updater>(std::make_unique<ProgressiveUpdater>(
      std::move(updater), networks.generator, networks.discriminator, options));
}

}  // namespace gan
