#include "gan/experiments/updater_factory.h"

#include "absl/strings/str_cat.h"
#include "gan/losses/adversarial_loss.h"
#include "gan/train/alternating_updater.h"
#include "gan/train/ema_updater.h"
#include "gan/train/energy_updaters.h"
#include "gan/train/optimization.h"

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

absl::StatusOr<std::unique_ptr<Updater>> MakeTrainingUpdater(const ExperimentConfig& config,
                                                             const Networks& networks,
                                                             const torch::Device& device) {
  const TrainConfig& train = config.train;
  const OptimizerOptions optimizer_g = Optimizer(train, train.lr_g);
  const OptimizerOptions optimizer_d = Optimizer(train, train.lr_d);
  if (networks.autoencoder) {
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
  return std::unique_ptr<Updater>(std::make_unique<AlternatingUpdater>(
      networks.generator, networks.discriminator, *loss, options));
}

}  // namespace

absl::StatusOr<std::unique_ptr<Updater>> MakeUpdater(const ExperimentConfig& config,
                                                     const Networks& networks,
                                                     const torch::Device& device) {
  absl::StatusOr<std::unique_ptr<Updater>> updater = MakeTrainingUpdater(config, networks, device);
  if (!updater.ok() || config.train.ema_decay == 0) return updater;
  if (!networks.ema_generator) {
    return absl::InvalidArgumentError("train.ema_decay > 0 needs Networks::ema_generator");
  }
  return std::unique_ptr<Updater>(std::make_unique<EmaUpdater>(
      std::move(*updater), networks.ema_generator,
      EmaOptions{config.train.ema_decay, config.train.ema_start}));
}

}  // namespace gan
