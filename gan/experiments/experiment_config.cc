#include "gan/experiments/experiment_config.h"

#include <tuple>

#include "absl/strings/str_cat.h"
#include "gan/core/config.h"
#include "gan/networks/heads/discriminator_head.h"
#include "gan/train/alternating_updater.h"
#include "gan/train/mixed_precision.h"
#include "gan/train/optimization.h"

namespace gan {
namespace {

void RequirePositive(ConfigReader& reader, const std::string& key, double value) {
  if (value <= 0) reader.Invalid(key, absl::StrCat("must be positive, got ", value));
}

void RequireNonNegative(ConfigReader& reader, const std::string& key, double value) {
  if (value < 0) reader.Invalid(key, absl::StrCat("must not be negative, got ", value));
}

void ReadData(ConfigReader reader, DataOptions& data, ConfigReader& parent) {
  reader.Read("dataset", &data.dataset);
  reader.Read("dir", &data.dir);
  reader.Read("split", &data.split);
  reader.Read("max_examples", &data.max_examples);
  reader.Read("pad", &data.pad);
  reader.Read("resize", &data.resize);
  reader.Read("random_flip", &data.random_flip);
  reader.Read("channels", &data.channels);
  RequireNonNegative(reader, "max_examples", data.max_examples);
  RequireNonNegative(reader, "pad", data.pad);
  RequireNonNegative(reader, "resize", data.resize);
  if (data.channels != 1 && data.channels != 3) {
    reader.Invalid("channels", absl::StrCat("must be 1 or 3, got ", data.channels));
  }
  parent.Absorb(reader.Finish());
}

void ReadModel(ConfigReader reader, ModelConfig& model, ConfigReader& parent) {
  reader.Read("family", &model.family);
  reader.Read("variant", &model.variant);
  reader.Read("width", &model.width);
  reader.Read("latent_dim", &model.latent_dim);
  reader.Read("init_std", &model.init_std);
  reader.Read("d_batch_norm", &model.d_batch_norm);
  reader.Read("minibatch_kernels", &model.minibatch_kernels);
  reader.Read("minibatch_kernel_dim", &model.minibatch_kernel_dim);
  reader.Read("code_dim", &model.code_dim);
  reader.Read("num_classes", &model.num_classes);
  reader.Read("head", &model.head);
  reader.Read("embedding_dim", &model.embedding_dim);
  reader.Read("shared_embedding_dim", &model.shared_embedding_dim);
  reader.Read("attention_resolution", &model.attention_resolution);
  reader.Read("mapping_layers", &model.mapping_layers);
  reader.Read("style_mixing_probability", &model.style_mixing_probability);
  RequirePositive(reader, "width", model.width);
  RequirePositive(reader, "latent_dim", model.latent_dim);
  RequireNonNegative(reader, "init_std", model.init_std);
  RequireNonNegative(reader, "minibatch_kernels", model.minibatch_kernels);
  RequirePositive(reader, "minibatch_kernel_dim", model.minibatch_kernel_dim);
  RequirePositive(reader, "code_dim", model.code_dim);
  RequireNonNegative(reader, "num_classes", model.num_classes);
  RequirePositive(reader, "embedding_dim", model.embedding_dim);
  RequirePositive(reader, "shared_embedding_dim", model.shared_embedding_dim);
  RequirePositive(reader, "mapping_layers", model.mapping_layers);
  if (model.style_mixing_probability < 0 || model.style_mixing_probability > 1) {
    reader.Invalid("style_mixing_probability",
                   absl::StrCat("must be in [0, 1], got ", model.style_mixing_probability));
  }
  if (model.attention_resolution < -1) {
    reader.Invalid("attention_resolution",
                   absl::StrCat("must be -1 (family default), 0 (none) or a resolution, got ",
                                model.attention_resolution));
  }
  HeadKind head;
  if (!ParseHeadKind(model.head, &head)) {
    reader.Invalid("head", "must be one of unconditional, projection, acgan, reacgan, got '" +
                               model.head + "'");
  } else if (IsConditional(head) && model.num_classes == 0) {
    reader.Invalid("head", "'" + model.head + "' is conditional: set model.num_classes");
  }
  parent.Absorb(reader.Finish());
}

void ReadTrain(ConfigReader reader, TrainConfig& train, ConfigReader& parent) {
  reader.Read("batch_size", &train.batch_size);
  reader.Read("epochs", &train.epochs);
  reader.Read("max_iterations", &train.max_iterations);
  reader.Read("lr_g", &train.lr_g);
  reader.Read("lr_d", &train.lr_d);
  reader.Read("beta1", &train.beta1);
  reader.Read("beta2", &train.beta2);
  reader.Read("optimizer", &train.optimizer);
  reader.Read("n_dis", &train.n_dis);
  reader.Read("generator_first", &train.generator_first);
  reader.Read("penalty", &train.penalty);
  reader.Read("penalty_weight", &train.penalty_weight);
  reader.Read("weight_clip", &train.weight_clip);
  reader.Read("joint_batch_norm", &train.joint_batch_norm);
  reader.Read("feature_matching", &train.feature_matching);
  reader.Read("unroll_steps", &train.unroll_steps);
  reader.Read("ebgan_margin", &train.ebgan_margin);
  reader.Read("pull_away_weight", &train.pull_away_weight);
  reader.Read("began_gamma", &train.began_gamma);
  reader.Read("began_lambda_k", &train.began_lambda_k);
  reader.Read("class_loss", &train.class_loss);
  reader.Read("class_loss_weight", &train.class_loss_weight);
  reader.Read("d2d_margin", &train.d2d_margin);
  reader.Read("d2d_temperature", &train.d2d_temperature);
  reader.Read("orthogonal_regularization", &train.orthogonal_regularization);
  reader.Read("drift_weight", &train.drift_weight);
  reader.Read("ema_decay", &train.ema_decay);
  reader.Read("ema_start", &train.ema_start);
  reader.Read("progressive_stable_images", &train.progressive_stable_images);
  reader.Read("progressive_fade_images", &train.progressive_fade_images);
  reader.Read("mixed_precision", &train.mixed_precision);
  reader.Read("channels_last", &train.channels_last);
  reader.Read("nonfinite", &train.nonfinite);
  reader.Read("max_skipped_steps", &train.max_skipped_steps);
  reader.Read("seed", &train.seed);
  reader.Read("threads", &train.threads);
  reader.Read("workers", &train.workers);
  reader.Read("device", &train.device);
  RequirePositive(reader, "batch_size", train.batch_size);
  RequireNonNegative(reader, "epochs", train.epochs);
  RequireNonNegative(reader, "max_iterations", train.max_iterations);
  if (train.epochs == 0 && train.max_iterations == 0) {
    reader.Invalid("epochs", "and train.max_iterations are both 0: nothing to train");
  }
  RequirePositive(reader, "lr_g", train.lr_g);
  RequirePositive(reader, "lr_d", train.lr_d);
  for (const auto& [key, beta] : {std::pair{"beta1", train.beta1}, {"beta2", train.beta2}}) {
    if (beta < 0 || beta >= 1) reader.Invalid(key, absl::StrCat("must be in [0, 1), got ", beta));
  }
  RequirePositive(reader, "n_dis", train.n_dis);
  OptimizerOptions::Kind kind;
  if (!ParseOptimizerKind(train.optimizer, &kind)) {
    reader.Invalid("optimizer", "must be adam, rmsprop or sgd, got '" + train.optimizer + "'");
  }
  Penalty penalty;
  if (!ParsePenalty(train.penalty, &penalty)) {
    reader.Invalid("penalty",
                   "must be one of none, wgan_gp, dragan, r1, got '" + train.penalty + "'");
  }
  RequireNonNegative(reader, "penalty_weight", train.penalty_weight);
  RequireNonNegative(reader, "weight_clip", train.weight_clip);
  RequireNonNegative(reader, "unroll_steps", train.unroll_steps);
  RequireNonNegative(reader, "ebgan_margin", train.ebgan_margin);
  RequireNonNegative(reader, "pull_away_weight", train.pull_away_weight);
  RequireNonNegative(reader, "began_gamma", train.began_gamma);
  RequireNonNegative(reader, "began_lambda_k", train.began_lambda_k);
  ClassLoss class_loss;
  if (!ParseClassLoss(train.class_loss, &class_loss)) {
    reader.Invalid("class_loss", "must be one of none, acgan, d2d_ce, got '" + train.class_loss + "'");
  }
  RequireNonNegative(reader, "class_loss_weight", train.class_loss_weight);
  if (train.d2d_margin < 0 || train.d2d_margin > 1) {
    reader.Invalid("d2d_margin", absl::StrCat("must be in [0, 1], got ", train.d2d_margin));
  }
  RequirePositive(reader, "d2d_temperature", train.d2d_temperature);
  RequireNonNegative(reader, "orthogonal_regularization", train.orthogonal_regularization);
  RequireNonNegative(reader, "drift_weight", train.drift_weight);
  if (train.ema_decay < 0 || train.ema_decay >= 1) {
    reader.Invalid("ema_decay", absl::StrCat("must be in [0, 1) (0 = off), got ", train.ema_decay));
  }
  RequireNonNegative(reader, "ema_start", static_cast<double>(train.ema_start));
  RequireNonNegative(reader, "progressive_stable_images",
                     static_cast<double>(train.progressive_stable_images));
  RequirePositive(reader, "progressive_fade_images",
                  static_cast<double>(train.progressive_fade_images));
  MixedPrecision precision;
  if (!ParseMixedPrecision(train.mixed_precision, &precision)) {
    reader.Invalid("mixed_precision", "must be none, bf16 or fp16, got '" + train.mixed_precision + "'");
  } else if (precision == MixedPrecision::kFloat16 && train.device == "cpu") {
    reader.Invalid("mixed_precision", "fp16 needs train.device cuda; on the CPU use bf16");
  }
  if (train.nonfinite != "stop" && train.nonfinite != "skip") {
    reader.Invalid("nonfinite", "must be stop or skip, got '" + train.nonfinite + "'");
  }
  RequireNonNegative(reader, "max_skipped_steps", static_cast<double>(train.max_skipped_steps));
  RequireNonNegative(reader, "seed", static_cast<double>(train.seed));
  RequireNonNegative(reader, "threads", train.threads);
  RequireNonNegative(reader, "workers", train.workers);
  parent.Absorb(reader.Finish());
}

void ReadLossOptions(ConfigReader reader, LossOptionsConfig& options, ConfigReader& parent) {
  reader.Read("real_target", &options.real_target);
  reader.Read("fake_target", &options.fake_target);
  for (const auto& [key, value] :
       {std::pair{"real_target", options.real_target}, {"fake_target", options.fake_target}}) {
    if (value < 0 || value > 1) reader.Invalid(key, absl::StrCat("must be in [0, 1], got ", value));
  }
  parent.Absorb(reader.Finish());
}

void ReadOutput(ConfigReader reader, OutputConfig& output, ConfigReader& parent) {
  reader.Read("sample_every", &output.sample_every);
  reader.Read("samples", &output.samples);
  reader.Read("sample_columns", &output.sample_columns);
  reader.Read("sample_batch_statistics", &output.sample_batch_statistics);
  reader.Read("log_every", &output.log_every);
  reader.Read("sample_every_epochs", &output.sample_every_epochs);
  reader.Read("checkpoint_every", &output.checkpoint_every);
  reader.Read("checkpoint_every_epochs", &output.checkpoint_every_epochs);
  reader.Read("keep_checkpoints", &output.keep_checkpoints);
  reader.Read("progress_seconds", &output.progress_seconds);
  reader.Read("evaluate_every_epochs", &output.evaluate_every_epochs);
  reader.Read("evaluate_every", &output.evaluate_every);
  reader.Read("evaluate_samples", &output.evaluate_samples);
  reader.Read("evaluate_split", &output.evaluate_split);
  reader.Read("evaluate_extractor", &output.evaluate_extractor);
  reader.Read("evaluate_resize", &output.evaluate_resize);
  reader.Read("evaluate_cache_dir", &output.evaluate_cache_dir);
  RequireNonNegative(reader, "sample_every", output.sample_every);
  RequirePositive(reader, "samples", output.samples);
  RequirePositive(reader, "sample_columns", output.sample_columns);
  RequirePositive(reader, "log_every", output.log_every);
  RequireNonNegative(reader, "sample_every_epochs", output.sample_every_epochs);
  RequireNonNegative(reader, "checkpoint_every", output.checkpoint_every);
  RequireNonNegative(reader, "checkpoint_every_epochs", output.checkpoint_every_epochs);
  RequirePositive(reader, "keep_checkpoints", output.keep_checkpoints);
  RequireNonNegative(reader, "progress_seconds", output.progress_seconds);
  RequireNonNegative(reader, "evaluate_every_epochs", output.evaluate_every_epochs);
  RequireNonNegative(reader, "evaluate_every", output.evaluate_every);
  if (output.evaluate_samples < 10) {
    reader.Invalid("evaluate_samples",
                   absl::StrCat("must be at least 10 (the IS splits), got ", output.evaluate_samples));
  }
  if (output.evaluate_resize != "pytorch" && output.evaluate_resize != "tf1") {
    reader.Invalid("evaluate_resize", "must be pytorch or tf1, got '" + output.evaluate_resize + "'");
  }
  parent.Absorb(reader.Finish());
}

}  // namespace

absl::StatusOr<ExperimentConfig> ParseExperimentConfig(const nlohmann::json& json) {
  ExperimentConfig config;
  ConfigReader root(json, "");
  root.Require("name", &config.name);
  root.Read("loss", &config.loss);
  ReadLossOptions(root.Child("loss_options"), config.loss_options, root);
  ReadData(root.Child("data"), config.data, root);
  ReadModel(root.Child("model"), config.model, root);
  ReadTrain(root.Child("train"), config.train, root);
  ReadOutput(root.Child("output"), config.output, root);
  const absl::Status status = root.Finish();
  if (!status.ok()) return status;
  const TrainConfig& train = config.train;
  const ModelConfig& model = config.model;
  const bool resnet = model.family == "resnet" || model.family == "sagan" || model.family == "biggan";
  if ((model.family == "stylegan" || model.family == "pggan") &&
      (model.num_classes > 0 || model.head != "unconditional")) {
    return absl::InvalidArgumentError(absl::StrCat(
        "model.family '", model.family, "' is unconditional: 'model.num_classes' must be 0 and ",
        "'model.head' unconditional (got ", model.num_classes, " and '", model.head, "')"));
  }
  if ((model.family == "stylegan" || model.family == "pggan") && train.batch_size > 4 &&
      train.batch_size % 4 != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "config: 'train.batch_size' must be a multiple of 4 for model.family '", model.family,
        "' (its D's minibatch standard deviation takes groups of 4), got ", train.batch_size));
  }
  // Family-specific keys set for another family would be silently ignored: refuse them.
  const ModelConfig model_defaults;
  const TrainConfig train_defaults;
  const std::tuple<const char*, const char*, bool> family_keys[] = {
      {"model.mapping_layers", "stylegan", model.mapping_layers != model_defaults.mapping_layers},
      {"model.style_mixing_probability", "stylegan",
       model.style_mixing_probability != model_defaults.style_mixing_probability},
      {"train.progressive_stable_images", "pggan",
       train.progressive_stable_images != train_defaults.progressive_stable_images},
      {"train.progressive_fade_images", "pggan",
       train.progressive_fade_images != train_defaults.progressive_fade_images}};
  for (const auto& [key, family, set] : family_keys) {
    if (set && model.family != family) {
      return absl::InvalidArgumentError(absl::StrCat("config key '", key,
                                                     "' applies to model.family '", family,
                                                     "', not '", model.family, "'"));
    }
  }
  if (!resnet && (model.num_classes > 0 || model.head != "unconditional" ||
                  model.attention_resolution != -1)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "config keys 'model.num_classes', 'model.head' and 'model.attention_resolution' need "
        "a resnet, sagan or biggan model.family, not '", model.family, "'"));
  }
  const std::pair<const char*, const char*> class_loss_heads[] = {{"acgan", "acgan"},
                                                                  {"d2d_ce", "reacgan"}};
  for (const auto& [loss, head] : class_loss_heads) {
    if (train.class_loss == loss && model.head != head) {
      return absl::InvalidArgumentError(absl::StrCat("config: train.class_loss '", loss,
                                                     "' needs model.head '", head, "', not '",
                                                     model.head, "'"));
    }
    if (model.head == head && train.class_loss != loss) {
      return absl::InvalidArgumentError(absl::StrCat("config: model.head '", head,
                                                     "' needs train.class_loss '", loss,
                                                     "', not '", train.class_loss, "'"));
    }
  }
  if (config.model.family == "ebgan" || config.model.family == "began") {
    const std::pair<const char*, bool> logit_only[] = {
        {"penalty", train.penalty != "none"},       {"weight_clip", train.weight_clip > 0},
        {"joint_batch_norm", train.joint_batch_norm}, {"feature_matching", train.feature_matching},
        {"unroll_steps", train.unroll_steps > 0},   {"n_dis", train.n_dis != 1},
        {"generator_first", train.generator_first}, {"drift_weight", train.drift_weight > 0}};
    for (const auto& [key, set] : logit_only) {
      if (set) {
        return absl::InvalidArgumentError(absl::StrCat(
            "config key 'train.", key, "' applies to logit discriminators, not model.family '",
            config.model.family, "'"));
      }
    }
  }
  return config;
}

std::string ArchitectureFingerprint(const ExperimentConfig& config, int64_t image_size,
                                    int64_t image_channels) {
  nlohmann::json fingerprint = {{"family", config.model.family},
                                      {"variant", config.model.variant},
                                      {"width", config.model.width},
                                      {"latent_dim", config.model.latent_dim},
                                      {"d_batch_norm", config.model.d_batch_norm},
                                      {"minibatch_kernels", config.model.minibatch_kernels},
                                      {"minibatch_kernel_dim", config.model.minibatch_kernel_dim},
                                      {"code_dim", config.model.code_dim},
                                      {"num_classes", config.model.num_classes},
                                      {"head", config.model.head},
                                      {"embedding_dim", config.model.embedding_dim},
                                      {"shared_embedding_dim", config.model.shared_embedding_dim},
                                      {"attention_resolution", config.model.attention_resolution},
                                      {"ema", config.train.ema_decay > 0},
                                      {"image_size", image_size},
                                      {"image_channels", image_channels},
                                      {"loss", config.loss}};
  // Only where it shapes the networks, so older runs' fingerprints stay valid.
  if (config.model.family == "stylegan") {
    fingerprint["mapping_layers"] = config.model.mapping_layers;
  }
  return fingerprint.dump();
}

}  // namespace gan
