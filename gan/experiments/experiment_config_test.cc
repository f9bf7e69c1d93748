#include "gan/run/experiment_config.h"

#include <dirent.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gan/core/config.h"
#include "gan/core/runfiles.h"
#include "gan/experiments/experiment_test_support.h"
#include "gan/run/updater_factory.h"
#include "gan/networks/progressive/progressive.h"
#include "gan/train/alternating_scheme.h"
#include "gan/train/progressive_schedule.h"
#include "gan/networks/stylegan/stylegan.h"

namespace gan {
namespace {

using ::testing::HasSubstr;

nlohmann::json Shipped(const std::string& name) {
  const std::string path =
      FindRunfile("gan/experiments/configs/" + name + ".json").value();
  auto json = ReadJsonFile(path);
  EXPECT_TRUE(json.ok()) << json.status();
  return json.ok() ? *json : nlohmann::json();
}

// A shipped config with overrides applied.
nlohmann::json Edited(const std::string& name, const std::vector<std::string>& assignments) {
  nlohmann::json json = Shipped(name);
  for (const std::string& assignment : assignments) {
    EXPECT_TRUE(ApplyOverride(assignment, &json).ok()) << assignment;
  }
  return json;
}

ExperimentConfig Parsed(const std::string& name, const std::vector<std::string>& assignments = {}) {
  absl::StatusOr<ExperimentConfig> config = ParseExperimentConfig(Edited(name, assignments));
  EXPECT_TRUE(config.ok()) << name << ": " << config.status();
  return config.ok() ? *config : ExperimentConfig();
}

std::string Error(nlohmann::json json, const std::string& override_assignment) {
  EXPECT_TRUE(ApplyOverride(override_assignment, &json).ok());
  const auto config = ParseExperimentConfig(json);
  return config.ok() ? "" : std::string(config.status().message());
}

// The alternating scheme's settings of a parsed config.
const AlternatingUpdaterOptions& Alternating(const ExperimentConfig& config) {
  const auto* scheme = dynamic_cast<const AlternatingScheme*>(config.update.scheme.get());
  static const AlternatingUpdaterOptions kNone;
  EXPECT_NE(scheme, nullptr) << config.name << ": " << config.update.scheme_name;
  return scheme == nullptr ? kNone : scheme->options();
}

absl::StatusOr<Networks> Build(const ExperimentConfig& config, int64_t size, int64_t channels) {
  return config.model.family->Build({size, channels});
}

// MakeUpdater's error for a shipped config with overrides, at tiny width (32x32x1).
std::string UpdaterError(const std::string& name, const std::vector<std::string>& assignments) {
  const ExperimentConfig config = Parsed(name, assignments);
  absl::StatusOr<Networks> networks = Build(config, 32, 1);
  EXPECT_TRUE(networks.ok()) << networks.status();
  if (!networks.ok()) return "";
  if (config.ema.enabled()) {
    networks->ema_generator = *config.model.family->BuildGenerator({32, 1});
  }
  const auto updater = MakeUpdater(config, *networks, torch::kCPU);
  return updater.ok() ? "" : std::string(updater.status().message());
}

TEST(ExperimentConfigTest, EveryShippedConfigIsAnExperimentThatTestsCover) {
  const std::string dir = FindRunfile("gan/experiments/configs").value();
  std::vector<std::string> configs;
  DIR* handle = opendir(dir.c_str());
  ASSERT_NE(handle, nullptr) << dir;
  while (const dirent* entry = readdir(handle)) {
    const std::string file = entry->d_name;
    if (file.size() > 5 && file.substr(file.size() - 5) == ".json") {
      configs.push_back(file.substr(0, file.size() - 5));
    }
  }
  closedir(handle);
  std::vector<std::string> experiments = AllExperiments();
  std::sort(configs.begin(), configs.end());
  std::sort(experiments.begin(), experiments.end());
  EXPECT_EQ(configs, experiments);
}

// Sampling builds G alone: it must be the G that training built and checkpointed.
TEST(ExperimentConfigTest, BuildGeneratorBuildsTheTrainingGenerator) {
  for (const std::string& name : AllExperiments()) {
    SCOPED_TRACE(name);
    const ExperimentConfig config = Parsed(name);
    const ImageShape shape = config.data.dataset == "stl10" ? ImageShape{96, 3} : ImageShape{32, 1};
    absl::StatusOr<Networks> networks = config.model.family->Build(shape);
    absl::StatusOr<Generator> alone = config.model.family->BuildGenerator(shape);
    ASSERT_TRUE(networks.ok() && alone.ok());
    auto shapes = [](const torch::nn::Module& module) {
      std::vector<std::pair<std::string, std::vector<int64_t>>> named;
      for (const auto& item : module.named_parameters()) {
        named.emplace_back(item.key(), item.value().sizes().vec());
      }
      for (const auto& item : module.named_buffers()) {
        named.emplace_back(item.key(), item.value().sizes().vec());
      }
      return named;
    };
    EXPECT_EQ(shapes(**alone), shapes(*networks->generator));
    EXPECT_EQ((*alone)->num_classes(), networks->generator->num_classes());
  }
}

TEST(ExperimentConfigTest, EveryFamilyIsLinkedAndRegistered) {
  EXPECT_EQ(RegisteredNetworkFamilies(),
            (std::vector<std::string>{"began", "biggan", "dcgan", "ebgan", "pggan", "resnet",
                                      "sagan", "stylegan", "stylegan2"}));
}

TEST(ExperimentConfigTest, ShippedConfigsParseAndBuildTheirNetworks) {
  struct Case {
    std::string name;
    int64_t image_size, channels;
    std::vector<int64_t> image_shape;
  };
  for (const Case& c : std::vector<Case>{{"dcgan_fashion_mnist", 32, 1, {2, 1, 32, 32}},
                                         {"dcgan_stl10_hinge", 96, 3, {2, 3, 96, 96}},
                                         {"dcgan_stl10_bce", 96, 3, {2, 3, 96, 96}}}) {
    const ExperimentConfig config = Parsed(c.name);
    EXPECT_EQ(config.name, c.name);
    auto networks = Build(config, c.image_size, c.channels);
    ASSERT_TRUE(networks.ok()) << networks.status();
    const torch::Tensor images = networks->generator->forward(
        torch::randn({2, networks->generator->latent_dim()}));
    EXPECT_EQ(images.sizes().vec(), c.image_shape);
    EXPECT_EQ(networks->discriminator->forward(images).sizes().vec(), std::vector<int64_t>{2});
  }
}

TEST(ExperimentConfigTest, Stl10StudyExperimentsUseTheStudysHyperParameters) {
  const ExperimentConfig hinge = Parsed("dcgan_stl10_hinge");
  const ExperimentConfig bce = Parsed("dcgan_stl10_bce");
  EXPECT_EQ(hinge.loss.name, "hinge");
  EXPECT_EQ(bce.loss.name, "bce");
  for (const auto& config : {hinge, bce}) {
    EXPECT_EQ(config.model.settings["variant"], "stl10_96");
    EXPECT_EQ(config.model.settings["latent_dim"], 128);
    EXPECT_EQ(config.train.batch_size, 512);
    EXPECT_EQ(config.train.epochs, 300);
    EXPECT_DOUBLE_EQ(config.optim.generator.lr, 2e-4);
    EXPECT_DOUBLE_EQ(config.optim.discriminator.beta1, 0.5);
    EXPECT_TRUE(Alternating(config).generator_first);
    EXPECT_EQ(config.data.dataset, "stl10");
    EXPECT_EQ(config.data.split, "unlabeled");
  }
}

TEST(ExperimentConfigTest, BadValuesAreRejectedNamingTheKey) {
  const nlohmann::json base = Shipped("dcgan_fashion_mnist");
  EXPECT_THAT(Error(base, "update.accumulation_steps=0"),
              HasSubstr("'update.accumulation_steps' must be positive, got 0"));
  EXPECT_THAT(Error(base, "train.batch_size=-3"),
              HasSubstr("'train.batch_size' must be positive, got -3"));
  EXPECT_THAT(Error(base, "train.bach_size=3"), HasSubstr("unknown config key 'train.bach_size'"));
  EXPECT_THAT(Error(base, "train.epochs=\"5\""), HasSubstr("'train.epochs': expected an integer"));
  EXPECT_THAT(Error(base, "optim.beta1=1.5"), HasSubstr("'optim.beta1' must be in [0, 1)"));
  EXPECT_THAT(Error(base, "data.channels=2"), HasSubstr("'data.channels' must be 1 or 3"));
  EXPECT_THAT(Error(base, "colour=red"), HasSubstr("unknown config key 'colour'"));
  EXPECT_THAT(Error(base, "terms.gp={}"), HasSubstr("'terms.gp' is not a loss term; the terms are"));
  EXPECT_THAT(Error(base, "optim.optimizer=lbfgs"), HasSubstr("'optim.optimizer' must be adam, rmsprop or sgd"));
  EXPECT_THAT(Error(base, "optim.lr_schedule=step"),
              HasSubstr("'optim.lr_schedule' must be constant, linear or cosine, got 'step'"));
  EXPECT_THAT(Error(base, "optim.lr_decay_start=-1"), HasSubstr("'optim.lr_decay_start' must not"));
  EXPECT_THAT(Error(base, "precision.mixed_precision=fp8"),
              HasSubstr("'precision.mixed_precision' must be none, bf16 or fp16, got 'fp8'"));
  EXPECT_THAT(Error(base, "precision.mixed_precision=fp16"),
              HasSubstr("'precision.mixed_precision' fp16 needs runtime.device cuda"));
  EXPECT_THAT(Error(base, "train.channels_last=true"),
              HasSubstr("'train.channels_last' has moved to the precision section"));
  EXPECT_THAT(Error(base, "update.nonfinite=ignore"),
              HasSubstr("'update.nonfinite' must be stop or skip, got 'ignore'"));
  EXPECT_THAT(Error(base, "optim.optimizer=7"), HasSubstr("'optim.optimizer'"));
  EXPECT_THAT(Error(base, "train.lr_g=1e-4"),
              HasSubstr("'train.lr_g' has moved to the optim section: \"optim\": {\"lr_g\""));
  EXPECT_THAT(Error(base, R"(loss={"name": "bce", "real_target": 1.2})"),
              HasSubstr("'loss.real_target' must be in [0, 1]"));
  EXPECT_THAT(Error(base, "loss=hinje"), HasSubstr("'loss.name': 'hinje' is not a loss"));
  EXPECT_THAT(Error(base, "model.width=0"), HasSubstr("'model.width' must be positive, got 0"));
  EXPECT_THAT(Error(base, "augment=flip"), HasSubstr("'augment.name': 'flip' is not an augmentation"));
  EXPECT_THAT(Error(base, R"(augment={"name": "diffaugment", "policy": "color,rotate"})"),
              HasSubstr("'augment.policy' is not a DiffAugment policy: 'color,rotate' names 'rotate'"));
  nlohmann::json nameless = base;
  nameless.erase("name");
  EXPECT_THAT(ParseExperimentConfig(nameless).status().message(), HasSubstr("'name' is required"));
}

TEST(ExperimentConfigTest, ModelKeysBelongToTheirFamily) {
  const nlohmann::json dcgan = Shipped("dcgan_fashion_mnist");
  EXPECT_THAT(Error(dcgan, "model.minibatch_form=openai"),
              HasSubstr("'model.minibatch_form' must be paper or improved_gan, got 'openai'"));
  EXPECT_THAT(Error(dcgan, "model.family=vae"),
              HasSubstr("'vae' is not a network family; the families are began, biggan, dcgan"));
  const std::string conditional = Error(dcgan, "model.num_classes=10");
  EXPECT_THAT(conditional, HasSubstr("unknown config key 'model.num_classes'"));
  EXPECT_THAT(conditional, HasSubstr("(model.family 'dcgan')"));
  EXPECT_THAT(Error(Shipped("stylegan_fashion_mnist"), "model.num_classes=10"),
              HasSubstr("unknown config key 'model.num_classes'"));
  EXPECT_THAT(Error(Shipped("pggan_fashion_mnist"), "model.mapping_layers=4"),
              HasSubstr("unknown config key 'model.mapping_layers'"));
  EXPECT_THAT(Error(Shipped("began"), "model.d_batch_norm=true"),
              HasSubstr("unknown config key 'model.d_batch_norm'"));  // BEGAN's has none
  EXPECT_THAT(Error(Shipped("sagan"), "model.shared_embedding_dim=64"),
              HasSubstr("unknown config key 'model.shared_embedding_dim'"));  // BigGAN's only
  EXPECT_THAT(Error(Shipped("sagan"), "model.d_hidden_channels=\"input\""),
              HasSubstr("unknown config key 'model.d_hidden_channels'"));  // SNGAN's only
  EXPECT_THAT(Error(Shipped("sngan_resnet"), "model.d_hidden_channels=\"middle\""),
              HasSubstr("'model.d_hidden_channels' must be input or output, got 'middle'"));
  EXPECT_THAT(Error(Shipped("sngan_resnet"), "model.residual_init_gain=0"),
              HasSubstr("'model.residual_init_gain' must be > 0, got 0"));
  EXPECT_THAT(Error(Shipped("biggan"), "ema.buffers=\"mean\""),
              HasSubstr("'ema.buffers' must be copy or average, got 'mean'"));
}

TEST(ExperimentConfigTest, FormerNamesSayWhatTheyAreCalledNow) {
  EXPECT_THAT(Error(Shipped("dcgan_stl10_hinge"), "model.variant=seed000"),
              HasSubstr("config key 'model.variant' 'seed000' is now called 'stl10_96'"));
  EXPECT_THAT(Error(Shipped("dcgan_fashion_mnist"), "model.variant=big"),
              HasSubstr("'model.variant' must be one of stl10_96, libtorch_example, standard"));
}

TEST(ExperimentConfigTest, KeysOfTheFormerLayoutSayWhereTheyMoved) {
  const nlohmann::json base = Shipped("dcgan_fashion_mnist");
  EXPECT_THAT(Error(base, "train.penalty=wgan_gp"),
              HasSubstr("config key 'train.penalty' has moved to the terms section: \"terms\": "
                        "{\"<penalty>\": {\"weight\": <penalty_weight>}}"));
  EXPECT_THAT(Error(base, "train.class_loss=acgan"),
              HasSubstr("'train.class_loss' has moved to the terms section"));
  EXPECT_THAT(Error(base, "train.d2d_margin=0.9"), HasSubstr("moved to terms.d2d_ce.margin"));
  EXPECT_THAT(Error(base, "train.orthogonal_regularization=0.0001"),
              HasSubstr("moved to terms.orthogonal.beta"));
  EXPECT_THAT(Error(base, "train.feature_matching=true"),
              HasSubstr("\"terms\": {\"feature_matching\": {}}"));
  EXPECT_THAT(Error(base, "loss_options.real_target=0.9"),
              HasSubstr("'loss_options' has moved into the loss section"));
  EXPECT_THAT(Error(Shipped("began"), "train.began_gamma=0.5"),
              HasSubstr("'train.began_gamma' has moved to the loss section: \"loss\": "
                        "{\"name\": \"began\", \"gamma\": ...}"));
}

// Run directories written before the loss and the terms had sections still resume and
// sample: their saved configs are translated.
TEST(ExperimentConfigTest, SavedConfigsOfTheFormerLayoutAreTranslated) {
  const nlohmann::json pggan = TranslateSavedConfig(Edited(
      "pggan_fashion_mnist", {"terms=null", "train.penalty=wgan_gp", "train.penalty_weight=5",
                              "train.drift_weight=0.001"}));
  EXPECT_FALSE(pggan.contains("terms") && pggan["terms"].is_null());
  absl::StatusOr<ExperimentConfig> parsed = ParseExperimentConfig(pggan);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->terms.settings,
            nlohmann::json::parse(R"({"drift": {"weight": 0.001}, "wgan_gp": {"weight": 5}})"));

  const nlohmann::json reacgan = TranslateSavedConfig(Edited(
      "reacgan", {"terms=null", "train.class_loss=d2d_ce", "train.d2d_temperature=0.25",
                  "train.orthogonal_regularization=0", "train.ebgan_margin=2"}));
  parsed = ParseExperimentConfig(reacgan);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->terms.settings, nlohmann::json::parse(
      R"({"d2d_ce": {"weight": 1.0, "margin": 0.98, "temperature": 0.25, "form": "paper"}})"));

  const nlohmann::json smoothed = TranslateSavedConfig(
      Edited("dcgan_fashion_mnist", {"loss=bce", "loss_options.real_target=0.9"}));
  parsed = ParseExperimentConfig(smoothed);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(smoothed["loss"], nlohmann::json::parse(R"({"name": "bce", "real_target": 0.9})"));

  const nlohmann::json began = TranslateSavedConfig(
      Edited("began", {"loss=began", "train.began_gamma=0.7"}));
  EXPECT_EQ(began["loss"], nlohmann::json::parse(R"({"name": "began", "gamma": 0.7})"));

  // The average of G's and the optimizers' train keys, before they had sections.
  const nlohmann::json averaged = TranslateSavedConfig(Edited(
      "biggan", {"ema=null", "train.ema_decay=0.99", "train.ema_start_g_steps=7",
                 "train.ema_buffers=average", "optim=null", "train.lr_d=0.001",
                 "train.beta1=0.1"}));
  EXPECT_EQ(averaged["ema"],
            nlohmann::json::parse(R"({"decay": 0.99, "start_g_steps": 7, "buffers": "average"})"));
  EXPECT_EQ(averaged["optim"], nlohmann::json::parse(R"({"lr_d": 0.001, "beta1": 0.1})"));
  parsed = ParseExperimentConfig(averaged);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->ema.decay, 0.99);
  EXPECT_EQ(parsed->ema.start_g_steps, 7);
  EXPECT_EQ(parsed->ema.buffers, EmaSection::Buffers::kAverage);
  EXPECT_EQ(parsed->optim.discriminator.lr, 0.001);
  EXPECT_EQ(parsed->optim.generator.lr, 2e-4);  // the default, as it was
  EXPECT_EQ(parsed->optim.generator.beta1, 0.1);
  // A config in the current layout and version is left as it is.
  nlohmann::json current = Shipped("lecam_resnet");
  current["config_version"] = kConfigVersion;
  EXPECT_EQ(TranslateSavedConfig(current), current);
}

// The update scheme's, the process's and the growth schedule's train keys, in saved configs
// and in a user's.
TEST(ExperimentConfigTest, SavedUpdateRuntimeAndGrowthKeysMoveToTheirSections) {
  const nlohmann::json clipped = TranslateSavedConfig(Edited(
      "wgan_clip", {"update=null", "runtime=null", "train.n_dis=3", "train.weight_clip=0.02",
                    "train.seed=5", "train.threads=1"}));
  EXPECT_EQ(clipped["update"], nlohmann::json::parse(R"({"n_dis": 3, "weight_clip": 0.02})"));
  EXPECT_EQ(clipped["runtime"], nlohmann::json::parse(R"({"seed": 5, "threads": 1})"));
  EXPECT_EQ(clipped["train"], nlohmann::json::parse(R"({"batch_size": 64, "epochs": 2})"));
  absl::StatusOr<ExperimentConfig> parsed = ParseExperimentConfig(clipped);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(Alternating(*parsed).n_dis, 3);
  EXPECT_EQ(parsed->runtime.seed, 5);
  const nlohmann::json grown = TranslateSavedConfig(Edited(
      "pggan_fashion_mnist", {"model.growth=null", "train.progressive_fade_images=640"}));
  // (Without a config_version the run is of version 1, before PGGAN's fade was the code's.)
  EXPECT_EQ(grown["model"]["growth"],
            nlohmann::json::parse(
                R"({"fade_images": 640, "fade_reals": false, "reset_optimizers": false})"));
  // Keys that did nothing where they were are dropped: the alternating scheme's under an
  // energy-based loss (the energy updaters accepted their defaults), growth for networks
  // that do not grow.
  const nlohmann::json energy = TranslateSavedConfig(
      Edited("ebgan", {"train.n_dis=1", "train.max_skipped_steps=7", "train.seed=2"}));
  EXPECT_FALSE(energy.contains("update"));
  EXPECT_EQ(energy["runtime"]["seed"], 2);
  EXPECT_TRUE(ParseExperimentConfig(energy).ok());
  const nlohmann::json flat = TranslateSavedConfig(
      Edited("dcgan_fashion_mnist", {"train.progressive_fade_reals=true"}));
  EXPECT_FALSE(flat["model"].contains("growth"));
  EXPECT_TRUE(ParseExperimentConfig(flat).ok());
  // A user's config naming one of them is an error saying where it is now.
  EXPECT_THAT(Error(Shipped("wgan_clip"), "train.n_dis=2"),
              HasSubstr("'train.n_dis' has moved to the update section: \"update\": {\"n_dis\": ...}"));
  EXPECT_THAT(Error(Shipped("pggan_fashion_mnist"), "train.progressive_fade_images=2"),
              HasSubstr("'train.progressive_fade_images' has moved to the model.growth section: "
                        "\"model\": {\"growth\": {\"fade_images\": ...}}"));
}

// Version 2 made the reference implementations' forms the defaults; a run saved before
// (no config_version) resumes with the forms it trained with.
TEST(ExperimentConfigTest, SavedConfigsWithoutAVersionKeepTheirFormerDefaults) {
  const auto settings = [](const nlohmann::json& json) {
    absl::StatusOr<ExperimentConfig> parsed = ParseExperimentConfig(json);
    EXPECT_TRUE(parsed.ok()) << parsed.status();
    return parsed.ok() ? nlohmann::json{{"terms", parsed->terms.settings},
                                        {"model", parsed->model.settings}}
                       : nlohmann::json();
  };
  const nlohmann::json old_fm = settings(TranslateSavedConfig(Shipped("feature_matching")));
  EXPECT_EQ(old_fm["terms"]["feature_matching"]["distance"], "squared_l2");
  EXPECT_EQ(settings(Shipped("feature_matching"))["terms"]["feature_matching"]["distance"],
            "mean_absolute");
  EXPECT_EQ(settings(TranslateSavedConfig(Shipped("reacgan")))["terms"]["d2d_ce"]["form"], "paper");
  EXPECT_EQ(settings(Shipped("reacgan"))["terms"]["d2d_ce"]["form"], "studiogan");
  EXPECT_EQ(settings(TranslateSavedConfig(Shipped("minibatch_discrimination")))["model"]["minibatch_form"],
            "paper");
  EXPECT_EQ(settings(Shipped("minibatch_discrimination"))["model"]["minibatch_form"], "improved_gan");
  // A version-2 config saved by a run is left as it is; written-out values are kept.
  nlohmann::json current = Shipped("reacgan");
  current["config_version"] = kConfigVersion;
  EXPECT_EQ(TranslateSavedConfig(current), current);
  EXPECT_EQ(settings(TranslateSavedConfig(Edited("reacgan", {"terms.d2d_ce.form=studiogan"})))
                ["terms"]["d2d_ce"]["form"], "studiogan");
  EXPECT_THAT(Error(Shipped("reacgan"), "config_version=4"),
              HasSubstr("'config_version' must be 1 to 3 (this build's), got 4"));
}

// Version 3 made self-attention's pooling, SNGAN's D blocks and initialization and PGGAN's
// fade the references' and counts the EMA's start in G steps; a version-2 run keeps what
// it trained with.
TEST(ExperimentConfigTest, SavedVersionTwoConfigsKeepTheirFormerDefaults) {
  const auto saved_v2 = [](const std::string& name) {
    return TranslateSavedConfig(Edited(name, {"config_version=2"}));
  };
  EXPECT_EQ(saved_v2("sagan")["model"]["attention_pool_keys"], false);
  EXPECT_EQ(Parsed("sagan").model.settings["attention_pool_keys"], true);
  const nlohmann::json sngan = saved_v2("sngan_resnet");
  EXPECT_EQ(sngan["model"]["d_hidden_channels"], "output");
  EXPECT_EQ(sngan["model"]["residual_init_gain"], 1.0);
  EXPECT_EQ(Parsed("sngan_resnet").model.settings["d_hidden_channels"], "input");
  EXPECT_DOUBLE_EQ(Parsed("sngan_resnet").model.settings["residual_init_gain"].get<double>(),
                   std::sqrt(2.0));
  const nlohmann::json pggan = saved_v2("pggan_fashion_mnist");
  EXPECT_EQ(pggan["model"]["growth"]["fade_reals"], false);
  EXPECT_EQ(pggan["model"]["growth"]["reset_optimizers"], false);
  EXPECT_EQ(pggan["model"]["growth"]["stable_images"], 12800);
  EXPECT_TRUE(Parsed("pggan_fashion_mnist").model.family->growth()->fade_reals);
  for (const char* name : {"sagan", "sngan_resnet", "pggan_fashion_mnist"}) {
    EXPECT_TRUE(ParseExperimentConfig(saved_v2(name)).ok()) << name;
  }
  // ema_start counted iterations: with n_dis 4, iteration i's G step is number i / 4, so
  // before iteration 202 come G steps 0..49 when D steps first (G at 3, 7, ..., 199) and
  // 0..50 when G does (G at 0, 4, ..., 200).
  for (const bool generator_first : {false, true}) {
    nlohmann::json biggan = Shipped("biggan");
    biggan["config_version"] = 2;
    biggan["ema"].erase("start_g_steps");
    // Version 2 kept n_dis in the train section.
    biggan["train"]["n_dis"] = biggan["update"]["n_dis"];
    biggan.erase("update");
    biggan["train"]["ema_start"] = 202;
    biggan["train"]["generator_first"] = generator_first;
    absl::StatusOr<ExperimentConfig> parsed = ParseExperimentConfig(TranslateSavedConfig(biggan));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(parsed->ema.start_g_steps, generator_first ? 51 : 50);
  }
  EXPECT_THAT(Error(Shipped("biggan"), "train.ema_start=200"),
              HasSubstr("'train.ema_start' has moved to ema.start_g_steps, counted in G steps"));
}

TEST(ExperimentConfigTest, ArchitectureExperimentsBuildTheirNetworksAndHeads) {
  struct Case {
    std::string name;
    int64_t classes;
    bool class_logits, embeddings, ema;
  };
  for (const Case& c : std::vector<Case>{{"sngan_resnet", 0, false, false, false},
                                         {"sagan", 10, false, false, false},
                                         {"biggan", 10, false, false, true},
                                         {"acgan", 10, true, false, false},
                                         {"projection_gan", 10, false, false, false},
                                         {"reacgan", 10, false, true, true}}) {
    SCOPED_TRACE(c.name);
    const ExperimentConfig config = Parsed(c.name, {"model.width=2"});
    EXPECT_EQ(config.ema.enabled(), c.ema);
    auto networks = Build(config, 32, 1);
    ASSERT_TRUE(networks.ok()) << networks.status();
    EXPECT_EQ(networks->generator->num_classes(), c.classes);
    const torch::Tensor labels = torch::tensor({1, 7}, torch::kLong);
    const torch::Tensor images = networks->generator->forward(
        torch::randn({2, networks->generator->latent_dim()}), c.classes ? labels : torch::Tensor());
    EXPECT_EQ(images.sizes().vec(), (std::vector<int64_t>{2, 1, 32, 32}));
    const DiscriminatorOutput out = networks->discriminator->forward_all(images, labels);
    EXPECT_EQ(out.logits.sizes().vec(), std::vector<int64_t>{2});
    EXPECT_EQ(out.extra("class_logits").defined(), c.class_logits);
    EXPECT_EQ(out.extra("embeddings").defined(), c.embeddings);
    EXPECT_EQ(UpdaterError(c.name, {"model.width=2"}), "");
  }
}

TEST(ExperimentConfigTest, SecondOrderUnrollingNeedsStepsItCanDifferentiate) {
  EXPECT_THAT(UpdaterError("unrolled_gan", {"model.width=2", "update.unroll_order=second"}),
              HasSubstr("'update.unroll_order' (second) differentiates through D's look-ahead "
                        "steps as plain gradient descent: set optim.optimizer to sgd"));
  EXPECT_EQ(UpdaterError("unrolled_gan", {"model.width=2", "update.unroll_order=second",
                                          "optim.optimizer=sgd", "optim.beta1=0"}),
            "");
  EXPECT_THAT(UpdaterError("dcgan_fashion_mnist", {"model.width=2", "update.unroll_order=second",
                                                   "optim.optimizer=sgd", "optim.beta1=0"}),
              HasSubstr("'update.unroll_order' (second) needs update.unroll_steps > 0"));
  EXPECT_THAT(Error(Shipped("unrolled_gan"), "update.unroll_order=third"),
              HasSubstr("'update.unroll_order' must be first or second, got 'third'"));
}

TEST(ExperimentConfigTest, ConditionalSettingsMustAgree) {
  EXPECT_THAT(UpdaterError("acgan", {"model.width=2", "terms={}"}),
              HasSubstr("the discriminator's head outputs class_logits, which no term in 'terms' "
                        "trains (it would stay at its initialization); terms.acgan does"));
  EXPECT_THAT(UpdaterError("acgan", {"model.width=2", "terms={\"d2d_ce\": {}}"}),
              HasSubstr("terms.d2d_ce trains the discriminator's embeddings"));
  EXPECT_THAT(UpdaterError("projection_gan", {"model.width=2", "terms.acgan={}"}),
              HasSubstr("terms.acgan trains the discriminator's class_logits, which "
                        "the discriminator of this model section does not have"));
  EXPECT_THAT(UpdaterError("reacgan", {"model.width=2", "terms={}"}),
              HasSubstr("outputs embeddings, which no term in 'terms' trains"));
  const nlohmann::json acgan = Shipped("acgan");
  EXPECT_THAT(Error(acgan, "model.num_classes=0"),
              HasSubstr("'model.head' 'acgan' is conditional: set model.num_classes"));
  EXPECT_THAT(Error(acgan, "model.head=contrastive"), HasSubstr("'model.head' must be one of"));
  EXPECT_THAT(Error(acgan, "ema.decay=1.0"), HasSubstr("'ema.decay' must be in [0, 1)"));
  EXPECT_THAT(Error(Shipped("biggan"), "ema.half_life_images=10000"),
              HasSubstr("'ema.half_life_images' sets the average's decay, which ema.decay"));
  EXPECT_THAT(Error(Shipped("dcgan_fashion_mnist"), "ema.rampup=0.05"),
              HasSubstr("'ema.rampup' shortens ema.half_life_images, which is not set"));
  EXPECT_THAT(Error(Shipped("dcgan_fashion_mnist"), "train.ema_decay=0.999"),
              HasSubstr("'train.ema_decay' has moved to the ema section: \"ema\": {\"decay\""));
  EXPECT_THAT(Error(Shipped("reacgan"), "terms.d2d_ce.temperature=0"),
              HasSubstr("'terms.d2d_ce.temperature' must be positive"));
  EXPECT_THAT(Build(Parsed("biggan", {"model.latent_dim=81"}), 32, 1).status().message(),
              HasSubstr("latent_dim 81 is not divisible by 4"));
  EXPECT_THAT(Build(Parsed("biggan", {"model.attention_resolution=12"}), 32, 1).status().message(),
              HasSubstr("self-attention resolution"));
}

TEST(ExperimentConfigTest, EnergyBasedFamiliesTrainWithTheirLosses) {
  EXPECT_EQ(UpdaterError("ebgan", {"model.width=4"}), "");
  EXPECT_EQ(UpdaterError("began", {"model.width=4"}), "");
  EXPECT_EQ(UpdaterError("ebgan", {"model.width=4", "loss=began"}), "");  // EBGAN's D, BEGAN's loss
  EXPECT_THAT(UpdaterError("ebgan", {"model.width=4", "loss=hinge"}),
              HasSubstr("config key 'loss': 'hinge' is a loss of discriminator logits; the "
                        "discriminator of model.family 'ebgan' is an autoencoder, trained with "
                        "one of began, ebgan"));
  EXPECT_THAT(UpdaterError("began", {"model.width=4", "terms.wgan_gp={}"}),
              HasSubstr("model.family 'began': the terms section is supported by the alternating "
                        "update scheme of logit discriminators, not the energy scheme"));
  // The energy scheme reads none of the alternating scheme's keys.
  EXPECT_THAT(Error(Shipped("ebgan"), "update.n_dis=2"),
              HasSubstr("unknown config key 'update.n_dis'; known keys under 'update': scheme"));
  EXPECT_THAT(UpdaterError("ebgan", {"model.width=4", "update.scheme=alternating"}),
              HasSubstr("config key 'update.scheme' (alternating) trains logit discriminators; "
                        "that of model.family 'ebgan' is an autoencoder"));
  EXPECT_THAT(UpdaterError("ebgan", {"model.width=4", "update.scheme=alternating", "loss=hinge"}),
              HasSubstr("config key 'loss': 'hinge' is a loss of discriminator logits"));
  EXPECT_THAT(UpdaterError("dcgan_fashion_mnist", {"model.width=4", "update.scheme=energy"}),
              HasSubstr("config key 'update.scheme' (energy) trains autoencoder discriminators"));
  // Terms whose value is not a mean over images cannot be accumulated over parts.
  EXPECT_THAT(UpdaterError("lecam_resnet", {"model.width=2", "update.accumulation_steps=2"}),
              HasSubstr("'update.accumulation_steps' (2): the term 'lecam' needs the whole batch"));
  EXPECT_EQ(UpdaterError("bcr_resnet", {"model.width=2", "update.accumulation_steps=2"}), "");
  // FreezeD counts the blocks a family names: DCGAN's conv layers, the ResNets' residual
  // blocks and attention; StyleGAN's discriminator names none.
  // DCGAN at 32x32: three strided convs before the head.
  EXPECT_EQ(UpdaterError("dcgan_fashion_mnist", {"model.width=2", "update.freeze_d_blocks=3"}), "");
  EXPECT_THAT(UpdaterError("dcgan_fashion_mnist", {"model.width=2", "update.freeze_d_blocks=4"}),
              HasSubstr("'update.freeze_d_blocks' (4): the discriminator has 3 blocks"));
  EXPECT_THAT(UpdaterError("dcgan_fashion_mnist",
                           {"model.width=2", "update.generator_first=true", "terms.zcr={}"}),
              HasSubstr("'update.generator_first': the term 'zcr' runs G again"));
  EXPECT_EQ(UpdaterError("sagan", {"model.width=2", "update.freeze_d_blocks=5"}), "");  // 4 + attention
  EXPECT_THAT(UpdaterError("sagan", {"model.width=2", "update.freeze_d_blocks=6"}),
              HasSubstr("has 5 blocks"));
  EXPECT_THAT(UpdaterError("stylegan_fashion_mnist", {"model.width=2", "update.freeze_d_blocks=1"}),
              HasSubstr("has 0 blocks that FreezeD can count"));
  EXPECT_THAT(UpdaterError("began", {"model.width=4", "augment=diffaugment"}),
              HasSubstr("the augment section is supported by the alternating update scheme"));
  EXPECT_THAT(UpdaterError("began", {"model.width=4", "optim.lr_schedule=linear"}),
              HasSubstr("optim.lr_schedule is supported by the alternating update scheme"));
  EXPECT_THAT(UpdaterError("dcgan_fashion_mnist", {"model.width=4", "loss=ebgan"}),
              HasSubstr("'ebgan' trains autoencoder discriminators"));
}

TEST(ExperimentConfigTest, StyleGanAndPgganExperimentsBuildTheirNetworks) {
  const ExperimentConfig style = Parsed("stylegan_fashion_mnist", {"model.width=2"});
  const ExperimentConfig pggan = Parsed("pggan_fashion_mnist", {"model.width=2"});
  // The papers' losses: non-saturating logistic + R1 (StyleGAN), WGAN-GP (PGGAN); EMA of G.
  EXPECT_EQ(style.loss.name, "bce");
  EXPECT_EQ(style.terms.settings, nlohmann::json::parse(R"({"r1": {"weight": 10.0, "interval": 1}})"));
  EXPECT_EQ(pggan.loss.name, "wasserstein");
  EXPECT_EQ(pggan.terms.settings,
            nlohmann::json::parse(R"({"drift": {"weight": 0.001}, "wgan_gp": {"weight": 10.0}})"));
  EXPECT_GT(style.ema.decay, 0);
  EXPECT_GT(pggan.ema.decay, 0);
  EXPECT_EQ(pggan.data.pad, 2);

  auto style_nets = Build(style, 32, 1);
  ASSERT_TRUE(style_nets.ok()) << style_nets.status();
  auto* g = dynamic_cast<StyleGanGenerator*>(style_nets->generator.get());
  ASSERT_NE(g, nullptr);
  EXPECT_EQ(g->spec().mapping_layers, 8);
  EXPECT_DOUBLE_EQ(g->spec().style_mixing_probability, 0.9);
  EXPECT_EQ(g->num_style_layers(), 8);  // two per resolution 4, 8, 16, 32
  // StyleGAN v1's D is PGGAN's, used at its final, full-resolution phase.
  auto* d = dynamic_cast<ProgressiveDiscriminator*>(style_nets->discriminator.get());
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->phase_level(), 3);
  EXPECT_DOUBLE_EQ(d->phase_alpha(), 1.0);

  auto pggan_nets = Build(pggan, 32, 1);
  ASSERT_TRUE(pggan_nets.ok()) << pggan_nets.status();
  auto* pg = dynamic_cast<ProgressiveGenerator*>(pggan_nets->generator.get());
  ASSERT_NE(pg, nullptr);
  EXPECT_EQ(pg->num_levels(), 4);
  ASSERT_NE(dynamic_cast<ProgressiveDiscriminator*>(pggan_nets->discriminator.get()), nullptr);

  for (const Networks* nets : {&*style_nets, &*pggan_nets}) {
    const torch::Tensor images = nets->generator->forward(torch::randn({4, 128}));
    EXPECT_EQ(images.sizes().vec(), (std::vector<int64_t>{4, 1, 32, 32}));
    EXPECT_EQ(nets->discriminator->forward(images).sizes().vec(), std::vector<int64_t>{4});
  }
}

TEST(ExperimentConfigTest, StyleGan2ExperimentBuildsItsNetworksAndTerms) {
  for (const char* classes : {"model.num_classes=0", "model.num_classes=10"}) {
    SCOPED_TRACE(classes);
    const ExperimentConfig config = Parsed("stylegan2_fashion_mnist", {"model.width=2", classes});
    absl::StatusOr<Networks> networks = Build(config, 32, 1);
    ASSERT_TRUE(networks.ok()) << networks.status();
    EXPECT_EQ(networks->generator->num_classes(), config.model.settings["num_classes"].get<int64_t>());
    EXPECT_TRUE(networks->generator->named_parameters().contains("to_rgb3.weight"));
    EXPECT_EQ(UpdaterError("stylegan2_fashion_mnist", {"model.width=2", classes}), "");
  }
  EXPECT_EQ(Parsed("stylegan2_fashion_mnist").terms.settings["r1"]["interval"], 16);
  EXPECT_EQ(Parsed("stylegan2_fashion_mnist").terms.settings["path_length"]["interval"], 4);
  EXPECT_THAT(Error(Shipped("stylegan2_fashion_mnist"), "train.batch_size=30"),
              HasSubstr("must be a multiple of 4"));
  EXPECT_THAT(Error(Shipped("stylegan2_fashion_mnist"), "model.head=\"projection\""),
              HasSubstr("unknown config key 'model.head'"));
}

TEST(ExperimentConfigTest, StyleAndProgressiveDefaultsAreThePapers) {
  nlohmann::json style = Shipped("stylegan_fashion_mnist");
  style["model"].erase("mapping_layers");
  style["model"].erase("style_mixing_probability");
  absl::StatusOr<ExperimentConfig> config = ParseExperimentConfig(style);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->model.settings["mapping_layers"], StyleGanSpec().mapping_layers);
  EXPECT_EQ(config->model.settings["style_mixing_probability"],
            StyleGanSpec().style_mixing_probability);
  EXPECT_EQ(GrowthSchedule().stable_images, ProgressiveScheduleOptions().stable_images);
  EXPECT_EQ(GrowthSchedule().fade_images, ProgressiveScheduleOptions().fade_images);
}

TEST(ExperimentConfigTest, StyleAndProgressiveKeysAreCheckedNamingTheKey) {
  const nlohmann::json style = Shipped("stylegan_fashion_mnist");
  const nlohmann::json pggan = Shipped("pggan_fashion_mnist");
  EXPECT_THAT(Error(style, "model.mapping_layers=0"),
              HasSubstr("'model.mapping_layers' must be positive, got 0"));
  EXPECT_THAT(Error(style, "model.style_mixing_probability=1.5"),
              HasSubstr("'model.style_mixing_probability' must be in [0, 1], got 1.5"));
  EXPECT_THAT(Error(pggan, "model.growth.fade_images=0"),
              HasSubstr("'model.growth.fade_images' must be positive, got 0"));
  EXPECT_THAT(Error(pggan, "model.growth.stable_images=-1"),
              HasSubstr("'model.growth.stable_images' must not be negative, got -1"));
  // Only a family that grows reads a growth schedule.
  EXPECT_THAT(Error(Shipped("dcgan_fashion_mnist"), "model.growth.fade_images=100"),
              HasSubstr("unknown config key 'model.growth'"));
  EXPECT_THAT(Error(style, "model.growth.stable_images=100"),
              HasSubstr("unknown config key 'model.growth'"));
  const GrowthSchedule* growth = Parsed("pggan_fashion_mnist").model.family->growth();
  ASSERT_NE(growth, nullptr);
  EXPECT_EQ(growth->stable_images, 12800);
  EXPECT_EQ(growth->fade_images, 12800);
  EXPECT_TRUE(growth->fade_reals);
  EXPECT_TRUE(growth->reset_optimizers);
  EXPECT_EQ(Parsed("stylegan_fashion_mnist").model.family->growth(), nullptr);
  EXPECT_THAT(Error(pggan, "train.batch_size=6"),
              HasSubstr("config key 'train.batch_size' must be a multiple of 4 (the "
                        "discriminator's minibatch standard deviation takes groups of 4), got 6 "
                        "(model.family 'pggan')"));
  EXPECT_EQ(Error(style, "train.batch_size=2"), "");  // one group of 2
  EXPECT_THAT(Build(Parsed("stylegan_fashion_mnist"), 28, 1).status().message(),
              HasSubstr("data.pad=2"));
}

TEST(NetworkFamiliesTest, UnsupportedSizesAreExplained) {
  EXPECT_THAT(Build(Parsed("dcgan_fashion_mnist"), 28, 1).status().message(),
              HasSubstr("pad 28x28 data by 2"));
  EXPECT_THAT(Build(Parsed("sngan_resnet"), 28, 1).status().message(),
              HasSubstr("ResNet networks support image sizes 32, 48 and 64"));
}

TEST(ArchitectureFingerprintTest, IsTheModelSectionWithDefaultsAndTheShape) {
  const ExperimentConfig config = Parsed("dcgan_fashion_mnist");
  const std::string base = ArchitectureFingerprint(config, {32, 1});
  const nlohmann::json fingerprint = nlohmann::json::parse(base);
  EXPECT_EQ(fingerprint["model"], config.model.settings);
  EXPECT_EQ(fingerprint["model"]["minibatch_kernel_dim"], 5);  // a default, recorded
  // Writing a default out does not change the architecture.
  EXPECT_EQ(ArchitectureFingerprint(Parsed("dcgan_fashion_mnist", {"model.d_batch_norm=true"}),
                                    {32, 1}),
            base);
  EXPECT_EQ(ArchitectureFingerprint(Parsed("dcgan_fashion_mnist", {"train.epochs=50"}), {32, 1}),
            base);
  EXPECT_NE(ArchitectureFingerprint(Parsed("dcgan_fashion_mnist", {"model.width=64"}), {32, 1}),
            base);
  EXPECT_NE(ArchitectureFingerprint(config, {32, 3}), base);
  EXPECT_NE(ArchitectureFingerprint(Parsed("dcgan_fashion_mnist", {"ema.decay=0.999"}),
                                    {32, 1}),
            base);
}

// What the former flat layout wrote for dcgan_fashion_mnist (all model keys of every
// family at the top level, plus the loss).
nlohmann::json FormerDcganFingerprint() {
  return nlohmann::json::parse(R"({"family": "dcgan", "variant": "standard", "width": 32,
      "latent_dim": 100, "d_batch_norm": true, "minibatch_kernels": 0,
      "minibatch_kernel_dim": 5, "code_dim": 64, "num_classes": 0, "head": "unconditional",
      "embedding_dim": 512, "shared_embedding_dim": 128, "attention_resolution": -1,
      "ema": false, "image_size": 32, "image_channels": 1, "loss": "hinge"})");
}

TEST(ArchitectureFingerprintTest, ModelKeysAddedSinceACheckpointCannotDisagree) {
  const std::string now = ArchitectureFingerprint(Parsed("dcgan_fashion_mnist"), {32, 1});
  nlohmann::json saved = nlohmann::json::parse(now);
  saved["model"].erase("minibatch_form");  // written before the key existed
  EXPECT_TRUE(FingerprintMatches(saved.dump(), now));
  saved["model"]["width"] = 64;
  EXPECT_FALSE(FingerprintMatches(saved.dump(), now));
  saved = nlohmann::json::parse(now);
  saved["model"]["removed_key"] = 1;  // a key the family no longer has
  EXPECT_FALSE(FingerprintMatches(saved.dump(), now));
  saved = nlohmann::json::parse(now);
  saved["image_channels"] = 3;
  EXPECT_FALSE(FingerprintMatches(saved.dump(), now));
}

TEST(ArchitectureFingerprintTest, CheckpointsOfTheFormerLayoutStillMatch) {
  const std::string now = ArchitectureFingerprint(Parsed("dcgan_fashion_mnist"), {32, 1});
  nlohmann::json former = FormerDcganFingerprint();
  EXPECT_TRUE(FingerprintMatches(former.dump(), now));
  EXPECT_TRUE(FingerprintMatches(now, now));
  former["width"] = 64;
  EXPECT_FALSE(FingerprintMatches(former.dump(), now));
  former = FormerDcganFingerprint();
  former["image_channels"] = 3;
  EXPECT_FALSE(FingerprintMatches(former.dump(), now));
  former = FormerDcganFingerprint();
  former["ema"] = true;
  EXPECT_FALSE(FingerprintMatches(former.dump(), now));
  EXPECT_FALSE(FingerprintMatches("not json", now));

  // The STL-10 network under its former variant name.
  former = FormerDcganFingerprint();
  former["variant"] = "seed000";
  former["latent_dim"] = 128;
  former["width"] = 64;
  former["image_size"] = 96;
  former["image_channels"] = 3;
  EXPECT_TRUE(FingerprintMatches(
      former.dump(), ArchitectureFingerprint(Parsed("dcgan_stl10_hinge"), {96, 3})));

  // StyleGAN's: the mapping depth was recorded, the mixing probability was not.
  const std::string style = ArchitectureFingerprint(Parsed("stylegan_fashion_mnist"), {32, 1});
  former = nlohmann::json::parse(style)["model"];
  former.erase("style_mixing_probability");
  former["ema"] = true;
  former["image_size"] = 32;
  former["image_channels"] = 1;
  EXPECT_TRUE(FingerprintMatches(former.dump(), style));
  former["mapping_layers"] = 4;
  EXPECT_FALSE(FingerprintMatches(former.dump(), style));
}

// update.nonfinite reaches the updater; the energy scheme cannot skip steps and has no
// such key.
TEST(UpdaterFactoryTest, SkippingNonFiniteStepsIsForTheAlternatingScheme) {
  EXPECT_THAT(Error(Shipped("ebgan"), "update.nonfinite=skip"),
              HasSubstr("unknown config key 'update.nonfinite'"));

  const ExperimentConfig config =
      Parsed("dcgan_fashion_mnist", {"update.nonfinite=skip", "model.width=4"});
  absl::StatusOr<Networks> networks = Build(config, 32, 1);
  ASSERT_TRUE(networks.ok());
  auto skipping = MakeUpdater(config, *networks, torch::kCPU);
  ASSERT_TRUE(skipping.ok()) << skipping.status();
  const Batch poisoned{torch::full({4, 1, 32, 32}, std::nan("")), torch::Tensor()};
  const auto losses = (*skipping)->Update(poisoned, 0);
  EXPECT_EQ(losses.count("loss_d"), 0u);
  EXPECT_EQ(losses.at("skipped_steps").item<double>(), 1.0);
}

// The EMA's half-life counts every image an iteration consumes: with accumulation, all of
// its batch parts. (Fed train.batch_size alone, it decayed accumulation_steps times too
// slowly.) Batch 4 x 2 parts and a half-life of 8 images: one G step averages with
// decay 0.5^(8 / 8) = 0.5, where the batch size alone would give 0.5^(4 / 8) = 0.71.
TEST(UpdaterFactoryTest, EmaHalfLifeCountsEveryImageOfAnAccumulatedIteration) {
  const ExperimentConfig config =
      Parsed("dcgan_fashion_mnist", {"model.width=4", "train.batch_size=4",
                                     "update.accumulation_steps=2", "ema.half_life_images=8"});
  absl::StatusOr<Networks> networks = Build(config, 32, 1);
  ASSERT_TRUE(networks.ok()) << networks.status();
  networks->ema_generator = *config.model.family->BuildGenerator({32, 1});
  auto updater = MakeUpdater(config, *networks, torch::kCPU);
  ASSERT_TRUE(updater.ok()) << updater.status();
  std::vector<torch::Tensor> before;
  for (const torch::Tensor& parameter : networks->generator->parameters()) {
    before.push_back(parameter.detach().clone());
  }
  torch::manual_seed(3);
  const Batch batch{torch::rand({8, 1, 32, 32}) * 2 - 1, torch::Tensor()};
  ASSERT_EQ((*updater)->Update(batch, 0).count("loss_g"), 1u);

  // shadow = decay * before + (1 - decay) * after, so the decay is the least-squares ratio
  // of (shadow - after) to (before - after) over all weights.
  const auto after = networks->generator->parameters();
  const auto shadow = (*updater)->sampling_generator()->parameters();
  ASSERT_EQ(shadow.size(), after.size());
  double numerator = 0, denominator = 0;
  for (size_t i = 0; i < after.size(); ++i) {
    const torch::Tensor moved = (before[i] - after[i]).to(torch::kDouble);
    numerator += ((shadow[i] - after[i]).to(torch::kDouble) * moved).sum().item<double>();
    denominator += (moved * moved).sum().item<double>();
  }
  ASSERT_GT(denominator, 0.0) << "G's step moved no weight";
  EXPECT_NEAR(numerator / denominator, 0.5, 1e-3);
}

// precision.channels_last reaches the networks; the energy scheme refuses it, and
// mixed precision, instead of ignoring them.
TEST(UpdaterFactoryTest, ChannelsLastAndMixedPrecisionAreForTheAlternatingScheme) {
  for (const char* setting : {"precision.channels_last=true", "precision.mixed_precision=bf16"}) {
    EXPECT_THAT(UpdaterError("began", {setting, "model.width=4"}),
                HasSubstr("is supported by the alternating update scheme"))
        << setting;
  }
  for (const char* setting :
       {"update.accumulation_steps=2", "update.sync_batch_norm=true", "update.freeze_d_blocks=1"}) {
    EXPECT_THAT(Error(Shipped("began"), setting), HasSubstr("unknown config key 'update."))
        << setting;
  }
  const ExperimentConfig config = Parsed("dcgan_stl10_hinge");
  EXPECT_TRUE(config.precision.channels_last);
  absl::StatusOr<Networks> networks = Build(config, 96, 3);
  ASSERT_TRUE(networks.ok()) << networks.status();
  ASSERT_TRUE(MakeUpdater(config, *networks, torch::kCPU).ok());
  for (const auto& p : networks->generator->parameters()) {
    if (p.dim() == 4) {
      EXPECT_TRUE(p.is_contiguous(torch::MemoryFormat::ChannelsLast));
    }
  }
}

}  // namespace
}  // namespace gan
