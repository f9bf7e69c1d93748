#include "gan/experiments/updater_factory.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gan/losses/adversarial_loss.h"
#include "gan/losses/energy_based.h"
#include "gan/losses/terms/loss_term.h"
#include "gan/train/alternating_updater.h"
#include "gan/train/ema_section.h"
#include "gan/train/learning_rate_schedule.h"
#include "gan/train/energy_updaters.h"
#include "gan/train/optimization.h"
#include "gan/train/progressive_updater.h"

namespace gan {
namespace {

// Energy-based training: the train keys of logit discriminators do not apply.
absl::StatusOr<std::unique_ptr<Updater>> MakeEnergyUpdater(
    const ExperimentConfig& config, const Networks& networks, const torch::Device& device,
    const std::shared_ptr<DataParallel>& data_parallel) {
  const TrainConfig& train = config.train;
  const bool autocast = config.precision.mixed_precision != MixedPrecision::kNone;
  const char* unsupported = data_parallel                  ? "data-parallel training"
                            : train.skip_nonfinite_steps   ? "train.nonfinite = skip"
                            : autocast                     ? "precision.mixed_precision"
                            : config.precision.channels_last ? "precision.channels_last"
                            : config.optim.decaying()      ? "optim.lr_schedule"
                            : train.accumulation_steps != 1 ? "train.accumulation_steps"
                            : train.sync_batch_norm        ? "train.sync_batch_norm"
                            : train.freeze_d_blocks > 0    ? "train.freeze_d_blocks"
                                                           : nullptr;
  if (unsupported != nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("model.family '", config.model.family_name, "': ", unsupported,
                     " is supported by the adversarial updaters, not the energy-based ones"));
  }
  if (!config.loss.energy) {
    return absl::InvalidArgumentError(absl::StrCat(
        "config key 'loss': '", config.loss.name, "' is a loss of discriminator logits; the ",
        "discriminator of model.family '", config.model.family_name, "' is an autoencoder, ",
        "trained with one of ", absl::StrJoin(EnergyLossNames(), ", ")));
  }
  if (!config.terms.terms.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "config key 'terms' (", config.terms.terms.front().name, ") applies to logit ",
        "discriminators, not the autoencoder of model.family '", config.model.family_name, "'"));
  }
  if (config.augment.name != "none") {
    return absl::InvalidArgumentError(absl::StrCat(
        "config key 'augment' (", config.augment.name, ") applies to logit discriminators, ",
        "not the autoencoder of model.family '", config.model.family_name, "'"));
  }
  const std::pair<const char*, bool> logit_only[] = {
      {"weight_clip", train.weight_clip > 0},       {"joint_batch_norm", train.joint_batch_norm},
      {"unroll_steps", train.unroll_steps > 0},     {"n_dis", train.n_dis != 1},
      {"generator_first", train.generator_first}};
  for (const auto& [key, set] : logit_only) {
    if (set) {
      return absl::InvalidArgumentError(absl::StrCat(
          "config key 'train.", key, "' applies to logit discriminators, not the autoencoder ",
          "of model.family '", config.model.family_name, "'"));
    }
  }
  return EnergyUpdaterFor(*config.loss.energy, networks.generator, networks.autoencoder,
                          config.optim.generator, config.optim.discriminator, device);
}

absl::StatusOr<std::unique_ptr<Updater>> MakeTrainingUpdater(
    const ExperimentConfig& config, const Networks& networks, const torch::Device& device,
    std::shared_ptr<DataParallel> data_parallel, int64_t total_iterations) {
  if (networks.autoencoder) return MakeEnergyUpdater(config, networks, device, data_parallel);
  const TrainConfig& train = config.train;
  if (!config.loss.adversarial) {
    return absl::InvalidArgumentError(absl::StrCat(
        "config key 'loss': '", config.loss.name, "' trains autoencoder discriminators; the ",
        "discriminator of model.family '", config.model.family_name, "' outputs logits, ",
        "trained with one of ", absl::StrJoin(AdversarialLossNames(), ", ")));
  }
  // The terms and D's auxiliary outputs must agree (gan/losses/terms/loss_term.h).
  const absl::Status outputs =
      CheckTrainedOutputs(config.terms.terms, networks.discriminator->auxiliary_outputs());
  if (!outputs.ok()) return outputs;
  AlternatingUpdaterOptions options;
  options.generator_first = train.generator_first;
  options.n_dis = train.n_dis;
  options.optimizer_g = config.optim.generator;
  options.optimizer_d = config.optim.discriminator;
  options.device = device;
  absl::StatusOr<std::vector<NamedLossTerm>> terms = NewLossTerms(config.terms);
  if (!terms.ok()) return terms.status();
  options.terms = std::move(*terms);
  absl::StatusOr<std::shared_ptr<Augmentation>> augmentation = NewAugmentation(config.augment);
  if (!augmentation.ok()) return augmentation.status();
  options.augmentation = std::move(*augmentation);
  options.weight_clip = train.weight_clip;
  options.joint_batch_norm = train.joint_batch_norm;
  options.unroll_steps = train.unroll_steps;
  options.unroll_second_order = train.unroll_second_order;
  options.mixed_precision = config.precision.mixed_precision;
  options.loss_scaling = config.precision.loss_scaling();
  options.channels_last = config.precision.channels_last;
  options.accumulation_steps = train.accumulation_steps;
  options.sync_batch_norm = train.sync_batch_norm;
  options.freeze_discriminator_blocks = train.freeze_d_blocks;
  options.skip_nonfinite_steps = train.skip_nonfinite_steps;
  options.max_skipped_steps = train.max_skipped_steps;
  options.data_parallel = std::move(data_parallel);
  absl::StatusOr<LearningRateSchedule> schedule = config.optim.ScheduleFor(total_iterations);
  if (!schedule.ok()) return schedule.status();
  options.learning_rate_schedule = *schedule;
  const absl::Status fits = CheckAlternatingUpdaterOptions(options, *networks.discriminator);
  if (!fits.ok()) return fits;
  return std::unique_ptr<Updater>(std::make_unique<AlternatingUpdater>(
      networks.generator, networks.discriminator, *config.loss.adversarial, options));
}

// The training updater, with the average of G when the ema section asks for one.
absl::StatusOr<std::unique_ptr<Updater>> MakeAveragingUpdater(
    const ExperimentConfig& config, const Networks& networks, const torch::Device& device,
    std::shared_ptr<DataParallel> data_parallel, int64_t total_iterations) {
  absl::StatusOr<std::unique_ptr<Updater>> updater =
      MakeTrainingUpdater(config, networks, device, std::move(data_parallel), total_iterations);
  if (!updater.ok() || !config.ema.enabled()) return updater;
  if (!networks.ema_generator) {
    return absl::InvalidArgumentError("an average of G (the ema section) needs Networks::ema_generator");
  }
  return WithEma(std::move(*updater), networks.ema_generator, config.ema, config.train.n_dis,
                 config.train.ImagesPerIteration());
}

}  // namespace

absl::StatusOr<std::unique_ptr<Updater>> MakeUpdater(const ExperimentConfig& config,
                                                     const Networks& networks,
                                                     const torch::Device& device,
                                                     std::shared_ptr<DataParallel> data_parallel,
                                                     int64_t total_iterations) {
  absl::StatusOr<std::unique_ptr<Updater>> updater =
      MakeAveragingUpdater(config, networks, device, std::move(data_parallel), total_iterations);
  if (!updater.ok()) return updater;
  // Networks that grow are PGGAN's; the schedule is outermost, so that the phase is set on
  // the EMA shadow too before every iteration.
  GrowingNetwork* growing = networks.generator->growing();
  if (growing == nullptr || networks.discriminator == nullptr ||
      networks.discriminator->growing() == nullptr) {
    const TrainConfig defaults;
    const std::pair<const char*, bool> schedule[] = {
        {"progressive_stable_images",
         config.train.progressive_stable_images != defaults.progressive_stable_images},
        {"progressive_fade_images",
         config.train.progressive_fade_images != defaults.progressive_fade_images},
        {"progressive_fade_reals",
         config.train.progressive_fade_reals != defaults.progressive_fade_reals},
        {"progressive_reset_optimizers",
         config.train.progressive_reset_optimizers != defaults.progressive_reset_optimizers}};
    for (const auto& [key, set] : schedule) {
      if (set) {
        return absl::InvalidArgumentError(absl::StrCat(
            "config key 'train.", key, "' applies to networks that grow (PGGAN's), not those ",
            "of model.family '", config.model.family_name, "'"));
      }
    }
    return updater;
  }
  ProgressiveUpdaterOptions options;
  options.schedule.num_levels = growing->num_levels();
  options.schedule.stable_images = config.train.progressive_stable_images;
  options.schedule.fade_images = config.train.progressive_fade_images;
  options.images_per_iteration = config.train.ImagesPerIteration();
  options.fade_reals = config.train.progressive_fade_reals;
  options.reset_optimizers = config.train.progressive_reset_optimizers;
  return std::unique_ptr<Updater>(std::make_unique<ProgressiveUpdater>(
      std::move(*updater), networks.generator, networks.discriminator, options));
}

}  // namespace gan
