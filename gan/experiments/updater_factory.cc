#include "gan/experiments/updater_factory.h"

#include "absl/strings/str_cat.h"
#include "gan/losses/adversarial_loss.h"
#include "gan/train/alternating_updater.h"
#include "gan/train/ema_updater.h"
#include "gan/train/energy_updaters.h"
#include "gan/train/optimization.h"
#include "gan/train/progressive_updater.h"

namespace gan {
namespace {

OptimizerOptions Optimizer(const TrainConfig& train, double lr) {
  OptimizerOptions options;
  ParseOptimizerKind(train.optimizer, &options.kind);  // validated with the config
  options.lr = lr;
  options.beta1 = train.beta1;
  options.beta2 = train.beta2;
  return options;
}

absl::StatusOr<std::unique_ptr<Updater>> MakeTrainingUpdater(
    const ExperimentConfig& config, const Networks& networks, const torch::Device& device,
    std::shared_ptr<DataParallel> data_parallel) {
  const TrainConfig& train = config.train;
  const OptimizerOptions optimizer_g = Optimizer(train, train.lr_g);
  const OptimizerOptions optimizer_d = Optimizer(train, train.lr_d);
  if (networks.autoencoder) {
    const char* unsupported = data_parallel                      ? "data-parallel training"
                              : train.nonfinite == "skip"          ? "train.nonfinite = skip"
                              : train.mixed_precision != "none"    ? "train.mixed_precision"
                              : train.channels_last                ? "train.channels_last"
                                                                   : nullptr;
    if (unsupported != nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("model.family '", config.model.family, "': ", unsupported,
                       " is supported by the adversarial updaters, not the energy-based ones"));
    }
    if (config.model.family == "ebgan") {
      return std::unique_ptr<Updater>(std::make_unique<EbganUpdater>(
          networks.generator, networks.autoencoder,
          EbganOptions{train.ebgan_margin, train.pull_away_weight}, optimizer_g, optimizer_d,
          device));
    }
    return std::unique_ptr<Updater>(std::make_unique<BeganUpdater>(
        networks.generator, networks.autoencoder,
        BeganOptions{train.began_gamma, train.began_lambda_k}, optimizer_g, optimizer_d, device));
  }
  AdversarialLossOptions loss_options{config.loss_options.real_target,
                                      config.loss_options.fake_target};
  absl::StatusOr<AdversarialLoss> loss = AdversarialLossByName(config.loss, loss_options);
  if (!loss.ok()) return loss.status();
  AlternatingUpdaterOptions options;
  options.generator_first = train.generator_first;
  options.n_dis = train.n_dis;
  options.optimizer_g = optimizer_g;
  options.optimizer_d = optimizer_d;
  options.device = device;
  ParsePenalty(train.penalty, &options.penalty);  // validated with the config
  options.penalty_weight = train.penalty_weight;
  options.weight_clip = train.weight_clip;
  options.joint_batch_norm = train.joint_batch_norm;
  options.feature_matching = train.feature_matching;
  options.unroll_steps = train.unroll_steps;
  ParseClassLoss(train.class_loss, &options.class_loss);  // validated with the config
  options.class_loss_weight = train.class_loss_weight;
  options.d2d_ce.margin = train.d2d_margin;
  options.d2d_ce.temperature = train.d2d_temperature;
  options.orthogonal_regularization = train.orthogonal_regularization;
  options.drift_weight = train.drift_weight;
  ParseMixedPrecision(train.mixed_precision, &options.mixed_precision);  // validated
  // float16 gradients underflow without it; bfloat16 has float32's range.
  options.loss_scaling = options.mixed_precision == MixedPrecision::kFloat16;
  options.channels_last = train.channels_last;
  options.skip_nonfinite_steps = train.nonfinite == "skip";
  options.max_skipped_steps = train.max_skipped_steps;
  options.data_parallel = std::move(data_parallel);
  return std::unique_ptr<Updater>(std::make_unique<AlternatingUpdater>(
      networks.generator, networks.discriminator, *loss, options));
}

// Hands the inner updater batches without labels. The StyleGAN and PGGAN networks are
// unconditional and reject labels, which labelled data sets (Fashion-MNIST) still carry.
class UnlabelledUpdater : public Updater {
 public:
  explicit UnlabelledUpdater(std::unique_ptr<Updater> inner) : inner_(std::move(inner)) {}
  std::map<std::string, torch::Tensor> Update(const Batch& batch, int64_t iteration) override {
    return inner_->Update(Batch{batch.images, torch::Tensor()}, iteration);
  }
  void Save(torch::serialize::OutputArchive& archive) const override { inner_->Save(archive); }
  void Load(torch::serialize::InputArchive& archive) override { inner_->Load(archive); }
  const Generator& generator() const override { return inner_->generator(); }
  const Generator& sampling_generator() const override { return inner_->sampling_generator(); }
  torch::Device device() const override { return inner_->device(); }

 private:
  std::unique_ptr<Updater> inner_;
};

// The training updater, with the EMA of G when train.ema_decay > 0.
absl::StatusOr<std::unique_ptr<Updater>> MakeAveragingUpdater(
    const ExperimentConfig& config, const Networks& networks, const torch::Device& device,
    std::shared_ptr<DataParallel> data_parallel) {
  absl::StatusOr<std::unique_ptr<Updater>> updater =
      MakeTrainingUpdater(config, networks, device, std::move(data_parallel));
  if (updater.ok() && (config.model.family == "stylegan" || config.model.family == "pggan")) {
    updater = std::unique_ptr<Updater>(std::make_unique<UnlabelledUpdater>(std::move(*updater)));
  }
  if (!updater.ok() || config.train.ema_decay == 0) return updater;
  if (!networks.ema_generator) {
    return absl::InvalidArgumentError("train.ema_decay > 0 needs Networks::ema_generator");
  }
  return std::unique_ptr<Updater>(std::make_unique<EmaUpdater>(
      std::move(*updater), networks.ema_generator,
      EmaOptions{config.train.ema_decay, config.train.ema_start}));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Updater>> MakeUpdater(const ExperimentConfig& config,
                                                     const Networks& networks,
                                                     const torch::Device& device,
                                                     std::shared_ptr<DataParallel> data_parallel) {
  absl::StatusOr<std::unique_ptr<Updater>> updater =
      MakeAveragingUpdater(config, networks, device, std::move(data_parallel));
  if (!updater.ok() || config.model.family != "pggan") return updater;
  // Outermost, so the phase is set on the EMA shadow too before every iteration.
  auto generator = std::dynamic_pointer_cast<ProgressiveGenerator>(networks.generator);
  auto discriminator = std::dynamic_pointer_cast<ProgressiveDiscriminator>(networks.discriminator);
  if (!generator || !discriminator) {
    return absl::InvalidArgumentError(
        "model.family 'pggan' needs a ProgressiveGenerator and a ProgressiveDiscriminator");
  }
  ProgressiveUpdaterOptions options;
  options.schedule.num_levels = generator->num_levels();
  options.schedule.stable_images = config.train.progressive_stable_images;
  options.schedule.fade_images = config.train.progressive_fade_images;
  options.images_per_iteration = config.train.batch_size;
  return std::unique_ptr<Updater>(std::make_unique<ProgressiveUpdater>(
      std::move(*updater), std::move(generator), std::move(discriminator), options));
}

}  // namespace gan
