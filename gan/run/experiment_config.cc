#include "gan/run/experiment_config.h"

#include <algorithm>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "gan/core/config.h"
#include "gan/losses/energy_based.h"

namespace gan {
namespace {

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

// Keys of the former flat layout and where they are now; reading one is an error that
// says so.
constexpr std::pair<const char*, const char*> kMovedTrainKeys[] = {
    {"penalty", "the terms section: \"terms\": {\"<penalty>\": {\"weight\": <penalty_weight>}}"},
    {"penalty_weight", "the weight of the penalty's term: terms.<penalty>.weight"},
    {"drift_weight", "the terms section: \"terms\": {\"drift\": {\"weight\": <drift_weight>}}"},
    {"class_loss", "the terms section: \"terms\": {\"<class_loss>\": {\"weight\": <class_loss_weight>}}"},
    {"class_loss_weight", "the weight of the class loss's term: terms.<class_loss>.weight"},
    {"d2d_margin", "terms.d2d_ce.margin"},
    {"d2d_temperature", "terms.d2d_ce.temperature"},
    {"orthogonal_regularization", "terms.orthogonal.beta"},
    {"feature_matching", "the terms section: \"terms\": {\"feature_matching\": {}}"},
    {"ebgan_margin", "the loss section: \"loss\": {\"name\": \"ebgan\", \"margin\": ...}"},
    {"pull_away_weight", "the loss section: \"loss\": {\"name\": \"ebgan\", \"pull_away_weight\": ...}"},
    {"began_gamma", "the loss section: \"loss\": {\"name\": \"began\", \"gamma\": ...}"},
    {"began_lambda_k", "the loss section: \"loss\": {\"name\": \"began\", \"lambda_k\": ...}"},
    {"ema_start", "ema.start_g_steps, counted in G steps (one per n_dis iterations) "
                  "instead of iterations"}};

// Train keys that moved into the sections of the components that read them: the former
// key, its section (a dotted path) and its key there. A user's config naming one is an
// error saying where it is; a saved config is translated.
struct MovedKey {
  const char* former;
  const char* section;
  const char* key;
};
constexpr MovedKey kMovedToSections[] = {
    {"ema_decay", "ema", "decay"},
    {"ema_half_life_images", "ema", "half_life_images"},
    {"ema_rampup", "ema", "rampup"},
    {"ema_start_g_steps", "ema", "start_g_steps"},
    {"ema_buffers", "ema", "buffers"},
    {"optimizer", "optim", "optimizer"},
    {"lr_g", "optim", "lr_g"},
    {"lr_d", "optim", "lr_d"},
    {"beta1", "optim", "beta1"},
    {"beta2", "optim", "beta2"},
    {"lr_schedule", "optim", "lr_schedule"},
    {"lr_decay_start", "optim", "lr_decay_start"},
    {"mixed_precision", "precision", "mixed_precision"},
    {"channels_last", "precision", "channels_last"},
    {"n_dis", "update", "n_dis"},
    {"generator_first", "update", "generator_first"},
    {"weight_clip", "update", "weight_clip"},
    {"joint_batch_norm", "update", "joint_batch_norm"},
    {"unroll_steps", "update", "unroll_steps"},
    {"unroll_order", "update", "unroll_order"},
    {"accumulation_steps", "update", "accumulation_steps"},
    {"freeze_d_blocks", "update", "freeze_d_blocks"},
    {"sync_batch_norm", "update", "sync_batch_norm"},
    {"nonfinite", "update", "nonfinite"},
    {"max_skipped_steps", "update", "max_skipped_steps"},
    {"device", "runtime", "device"},
    {"threads", "runtime", "threads"},
    {"workers", "runtime", "workers"},
    {"seed", "runtime", "seed"},
    {"progressive_stable_images", "model.growth", "stable_images"},
    {"progressive_fade_images", "model.growth", "fade_images"},
    {"progressive_fade_reals", "model.growth", "fade_reals"},
    {"progressive_reset_optimizers", "model.growth", "reset_optimizers"}};

// Where a moved key is now, as JSON: "model": {"growth": {"stable_images": ...}}.
std::string MovedKeyShape(const MovedKey& moved) {
  std::string shape = absl::StrCat("\"", moved.key, "\": ...");
  const std::vector<std::string> path = absl::StrSplit(moved.section, '.');
  for (auto it = path.rbegin(); it != path.rend(); ++it) {
    shape = absl::StrCat("\"", *it, "\": {", shape, "}");
  }
  return shape;
}

void ReadTrain(ConfigReader reader, TrainConfig& train, ConfigReader& parent) {
  for (const auto& [key, where] : kMovedTrainKeys) {
    if (reader.Has(key)) reader.Invalid(key, absl::StrCat("has moved to ", where));
  }
  for (const MovedKey& moved : kMovedToSections) {
    if (reader.Has(moved.former)) {
      reader.Invalid(moved.former, absl::StrCat("has moved to the ", moved.section,
                                                " section: ", MovedKeyShape(moved)));
    }
  }
  reader.Read("batch_size", &train.batch_size);
  reader.Read("epochs", &train.epochs);
  reader.Read("max_iterations", &train.max_iterations);
  RequirePositive(reader, "batch_size", train.batch_size);
  RequireNonNegative(reader, "epochs", train.epochs);
  RequireNonNegative(reader, "max_iterations", train.max_iterations);
  if (train.epochs == 0 && train.max_iterations == 0) {
    reader.Invalid("epochs", "and train.max_iterations are both 0: nothing to train");
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

namespace {

// The former flat layout's keys, in the sections they moved to.
nlohmann::json TranslateFormerLayout(nlohmann::json json) {
  if (!json.is_object() || !json.contains("train") || !json["train"].is_object()) return json;
  nlohmann::json& train = json["train"];
  nlohmann::json terms = json.value("terms", nlohmann::json::object());
  nlohmann::json loss = json.value("loss", nlohmann::json("hinge"));
  if (loss.is_string()) loss = nlohmann::json{{"name", loss}};
  auto take = [&train](const char* key, nlohmann::json fallback) {
    nlohmann::json value = train.contains(key) ? train[key] : fallback;
    train.erase(key);
    return value;
  };
  // A term named by a train key, with its weight under another (none: no term).
  auto named_term = [&](const char* key, const char* weight_key, double default_weight) {
    const nlohmann::json name = take(key, "none");
    const nlohmann::json weight = take(weight_key, default_weight);
    if (name.is_string() && name != "none") terms[name.get<std::string>()]["weight"] = weight;
  };
  named_term("penalty", "penalty_weight", 10.0);
  const nlohmann::json margin = take("d2d_margin", nullptr);
  const nlohmann::json temperature = take("d2d_temperature", nullptr);
  named_term("class_loss", "class_loss_weight", 1.0);
  if (terms.contains("d2d_ce")) {
    if (!margin.is_null()) terms["d2d_ce"]["margin"] = margin;
    if (!temperature.is_null()) terms["d2d_ce"]["temperature"] = temperature;
  }
  // Weights where 0 meant off.
  for (const auto& [key, term, option] : {std::tuple{"drift_weight", "drift", "weight"},
                                          {"orthogonal_regularization", "orthogonal", "beta"}}) {
    const nlohmann::json weight = take(key, 0.0);
    if (weight.is_number() && weight.get<double>() > 0) terms[term][option] = weight;
  }
  if (take("feature_matching", false) == true) terms["feature_matching"] = nlohmann::json::object();
  // Options of one loss each; ignored under other losses, as they were.
  for (const auto& [key, owner, option] :
       {std::tuple{"ebgan_margin", "ebgan", "margin"}, {"pull_away_weight", "ebgan", "pull_away_weight"},
        {"began_gamma", "began", "gamma"}, {"began_lambda_k", "began", "lambda_k"}}) {
    const nlohmann::json value = take(key, nullptr);
    if (!value.is_null() && loss["name"] == owner) loss[option] = value;
  }
  if (json.contains("loss_options") && json["loss_options"].is_object()) {
    for (const auto& [key, value] : json["loss_options"].items()) loss[key] = value;
  }
  json.erase("loss_options");
  json["loss"] = loss.size() == 1 ? loss["name"] : loss;
  if (!terms.empty()) json["terms"] = terms;
  return json;
}

// Versions 2 and 3 made the reference implementations' forms the defaults; a config saved
// by an earlier version keeps the forms its run trained with.
nlohmann::json PinEarlierDefaults(nlohmann::json json) {
  if (!json.is_object()) return json;
  const nlohmann::json saved_version = json.value("config_version", nlohmann::json(1));
  if (!saved_version.is_number_integer()) return json;  // the parser says what is wrong
  const int version = saved_version.get<int>();
  const auto pin = [](nlohmann::json& section, const char* key, nlohmann::json value) {
    if (section.is_object() && !section.contains(key)) section[key] = std::move(value);
  };
  nlohmann::json no_section;
  nlohmann::json& model = json.contains("model") ? json["model"] : no_section;
  nlohmann::json& train = json.contains("train") ? json["train"] : no_section;
  const std::string family = model.is_object() ? model.value("family", "") : "";
  if (version < 2) {
    if (json.contains("terms") && json["terms"].is_object()) {
      nlohmann::json& terms = json["terms"];
      if (terms.contains("d2d_ce")) pin(terms["d2d_ce"], "form", "paper");
      if (terms.contains("feature_matching")) pin(terms["feature_matching"], "distance", "squared_l2");
    }
    if (family == "dcgan") pin(model, "minibatch_form", "paper");
  }
  if (version < 3) {
    if (family == "resnet" || family == "sagan" || family == "biggan") {
      pin(model, "attention_pool_keys", false);
    }
    if (family == "resnet") {
      pin(model, "d_hidden_channels", "output");
      pin(model, "residual_init_gain", 1.0);
    }
    if (family == "pggan") {
      pin(train, "progressive_fade_reals", false);
      pin(train, "progressive_reset_optimizers", false);
    }
    // ema_start counted iterations; the G step of iteration i is number i / n_dis, so the
    // G steps before iteration S are floor(S / n) (D first) or ceil(S / n) (G first).
    if (train.is_object() && train.contains("ema_start") && train["ema_start"].is_number_integer()) {
      const int64_t start = train["ema_start"].get<int64_t>();
      const nlohmann::json n_dis = train.value("n_dis", nlohmann::json(1));
      const int64_t n = n_dis.is_number_integer() && n_dis.get<int64_t>() > 0 ? n_dis.get<int64_t>() : 1;
      const bool generator_first = train.value("generator_first", false) == true;
      train.erase("ema_start");
      train["ema_start_g_steps"] = generator_first ? (start + n - 1) / n : start / n;
    }
  }
  return json;
}

}  // namespace

namespace {

// The object at dotted `path` under `json`, made where absent; null where something that is
// not an object is in the way (the parser then says what is wrong).
nlohmann::json* ObjectAt(nlohmann::json& json, const std::string& path) {
  nlohmann::json* object = &json;
  for (const absl::string_view key : absl::StrSplit(path, '.')) {
    nlohmann::json& next = (*object)[std::string(key)];
    if (next.is_null()) next = nlohmann::json::object();
    if (!next.is_object()) return nullptr;
    object = &next;
  }
  return object;
}

// Train keys in the sections they moved to (kMovedToSections). Keys that did nothing where
// they were are dropped: the alternating scheme's under an energy-based loss (which
// accepted only their defaults, or ignored them), growth for networks that do not grow.
nlohmann::json MoveTrainKeysToSections(nlohmann::json json) {
  if (!json.is_object() || !json.contains("train") || !json["train"].is_object()) return json;
  const nlohmann::json loss = json.value("loss", nlohmann::json("hinge"));
  const nlohmann::json loss_name = loss.is_object() ? loss.value("name", nlohmann::json()) : loss;
  const std::vector<std::string> energy_losses = EnergyLossNames();
  const bool energy = loss_name.is_string() &&
                      std::find(energy_losses.begin(), energy_losses.end(), loss_name.get<std::string>()) !=
                          energy_losses.end();
  const bool grows = json.contains("model") && json["model"].is_object() &&
                     json["model"].value("family", "") == "pggan";
  nlohmann::json train = json["train"];
  for (const MovedKey& moved : kMovedToSections) {
    if (!train.contains(moved.former)) continue;
    const std::string section = moved.section;
    if ((section == "update" && energy) || (section == "model.growth" && !grows)) {
      train.erase(moved.former);
      continue;
    }
    if (nlohmann::json* target = ObjectAt(json, section)) {
      (*target)[moved.key] = train[moved.former];
      train.erase(moved.former);
    }
  }
  json["train"] = train;
  return json;
}

}  // namespace

nlohmann::json TranslateSavedConfig(nlohmann::json json) {
  return MoveTrainKeysToSections(PinEarlierDefaults(TranslateFormerLayout(std::move(json))));
}

absl::StatusOr<ExperimentConfig> ParseExperimentConfig(const nlohmann::json& json) {
  ExperimentConfig config;
  ConfigReader root(json, "");
  root.Require("name", &config.name);
  int version = kConfigVersion;
  root.Read("config_version", &version);
  if (version < 1 || version > kConfigVersion) {
    root.Invalid("config_version", absl::StrCat("must be 1 to ", kConfigVersion, " (this build's), got ", version));
  }
  if (root.Has("loss_options")) {
    root.Invalid("loss_options",
                 "has moved into the loss section: \"loss\": {\"name\": \"bce\", "
                 "\"real_target\": ..., \"fake_target\": ...}");
  }
  absl::StatusOr<LossSection> loss =
      ReadLossSection(root.Has("loss") ? root.Section("loss") : nlohmann::json("hinge"));
  if (loss.ok()) config.loss = std::move(*loss);
  root.Absorb(loss.status());
  absl::StatusOr<LossTerms> terms = ReadLossTerms(root.Section("terms"));
  if (terms.ok()) config.terms = std::move(*terms);
  root.Absorb(terms.status());
  absl::StatusOr<AugmentSection> augment = ReadAugmentSection(root.Section("augment"));
  if (augment.ok()) config.augment = std::move(*augment);
  root.Absorb(augment.status());
  ReadData(root.Child("data"), config.data, root);
  absl::StatusOr<ModelSection> model = ReadModelSection(root.Section("model"));
  if (model.ok()) config.model = std::move(*model);
  root.Absorb(model.status());
  ConfigReader ema = root.Child("ema");
  config.ema = ReadEmaSection(ema);
  root.Absorb(ema.Finish());
  ConfigReader optim = root.Child("optim");
  config.optim = ReadOptimSection(optim);
  root.Absorb(optim.Finish());
  ReadTrain(root.Child("train"), config.train, root);
  absl::StatusOr<UpdateSection> update =
      ReadUpdateSection(root.Section("update"), DefaultUpdateScheme(config.loss));
  if (update.ok()) config.update = std::move(*update);
  root.Absorb(update.status());
  ConfigReader runtime = root.Child("runtime");
  config.runtime = ReadRuntimeSection(runtime);
  root.Absorb(runtime.Finish());
  ConfigReader precision = root.Child("precision");
  config.precision = ReadPrecisionSection(precision);
  if (config.precision.mixed_precision == MixedPrecision::kFloat16 && config.runtime.device == "cpu") {
    precision.Invalid("mixed_precision", "fp16 needs runtime.device cuda; on the CPU use bf16");
  }
  root.Absorb(precision.Finish());
  ReadOutput(root.Child("output"), config.output, root);
  const absl::Status status = root.Finish();
  if (!status.ok()) return status;
  const absl::Status batch = config.model.family->CheckBatchSize(config.train.batch_size);
  if (!batch.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("config key 'train.batch_size' ",
                                                   batch.message(), " (model.family '",
                                                   config.model.family_name, "')"));
  }
  return config;
}

int64_t ImagesPerIteration(const ExperimentConfig& config) {
  const int batches = config.update.scheme ? config.update.scheme->batches_per_iteration() : 1;
  return config.train.batch_size * batches;
}

std::string ArchitectureFingerprint(const ExperimentConfig& config, const ImageShape& shape) {
  return nlohmann::json{{"model", config.model.settings},
                        {"image_size", shape.size},
                        {"image_channels", shape.channels},
                        {"ema", config.ema.enabled()}}
      .dump();
}

bool FingerprintMatches(const std::string& saved, const std::string& current) {
  if (saved == current) return true;
  const nlohmann::json old = nlohmann::json::parse(saved, nullptr, /*allow_exceptions=*/false);
  const nlohmann::json now = nlohmann::json::parse(current, nullptr, /*allow_exceptions=*/false);
  if (!old.is_object() || !now.is_object() || !now.contains("model") || !now["model"].is_object()) {
    return false;
  }
  if (old.contains("model") && old["model"].is_object()) {
    // Model keys added to a family since the checkpoint was written (taking their
    // default, the behaviour of the time) are not in its fingerprint: they cannot disagree.
    nlohmann::json known = now;
    for (auto it = now["model"].begin(); it != now["model"].end(); ++it) {
      if (!old["model"].contains(it.key())) known["model"].erase(it.key());
    }
    return known == old;
  }
  if (!old.contains("family")) return false;
  // The former layout kept the model keys beside the shape; keys it did not record (the
  // families' newer ones) cannot disagree.
  nlohmann::json translated = now;
  nlohmann::json& model = translated["model"];
  for (auto it = model.begin(); it != model.end(); ++it) {
    if (old.contains(it.key())) *it = old.at(it.key());
  }
  if (model.contains("variant") && model["variant"] == "seed000") model["variant"] = "stl10_96";
  for (const char* key : {"image_size", "image_channels", "ema"}) {
    if (old.contains(key)) translated[key] = old.at(key);
  }
  return translated == now;
}

}  // namespace gan
