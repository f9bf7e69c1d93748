#include "gan/experiments/experiment_config.h"

#include "absl/strings/str_cat.h"
#include "gan/core/config.h"

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
  RequirePositive(reader, "width", model.width);
  RequirePositive(reader, "latent_dim", model.latent_dim);
  RequireNonNegative(reader, "init_std", model.init_std);
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
  reader.Read("n_dis", &train.n_dis);
  reader.Read("generator_first", &train.generator_first);
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
  RequireNonNegative(reader, "seed", static_cast<double>(train.seed));
  RequireNonNegative(reader, "threads", train.threads);
  RequireNonNegative(reader, "workers", train.workers);
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
  RequireNonNegative(reader, "sample_every", output.sample_every);
  RequirePositive(reader, "samples", output.samples);
  RequirePositive(reader, "sample_columns", output.sample_columns);
  RequirePositive(reader, "log_every", output.log_every);
  RequireNonNegative(reader, "sample_every_epochs", output.sample_every_epochs);
  RequireNonNegative(reader, "checkpoint_every", output.checkpoint_every);
  RequireNonNegative(reader, "checkpoint_every_epochs", output.checkpoint_every_epochs);
  RequirePositive(reader, "keep_checkpoints", output.keep_checkpoints);
  RequireNonNegative(reader, "progress_seconds", output.progress_seconds);
  parent.Absorb(reader.Finish());
}

}  // namespace

absl::StatusOr<ExperimentConfig> ParseExperimentConfig(const nlohmann::json& json) {
  ExperimentConfig config;
  ConfigReader root(json, "");
  root.Require("name", &config.name);
  root.Read("loss", &config.loss);
  ReadData(root.Child("data"), config.data, root);
  ReadModel(root.Child("model"), config.model, root);
  ReadTrain(root.Child("train"), config.train, root);
  ReadOutput(root.Child("output"), config.output, root);
  const absl::Status status = root.Finish();
  if (!status.ok()) return status;
  return config;
}

std::string ArchitectureFingerprint(const ExperimentConfig& config, int64_t image_size,
                                    int64_t image_channels) {
  const nlohmann::json fingerprint = {{"family", config.model.family},
                                      {"variant", config.model.variant},
                                      {"width", config.model.width},
                                      {"latent_dim", config.model.latent_dim},
                                      {"image_size", image_size},
                                      {"image_channels", image_channels},
                                      {"loss", config.loss}};
  return fingerprint.dump();
}

}  // namespace gan
