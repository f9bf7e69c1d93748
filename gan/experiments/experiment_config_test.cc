#include "gan/experiments/experiment_config.h"

#include <cmath>
#include <cstdlib>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gan/core/config.h"
#include "gan/experiments/network_factory.h"
#include "gan/experiments/updater_factory.h"
#include "gan/networks/progressive/progressive.h"
#include "gan/networks/progressive/progressive_schedule.h"
#include "gan/networks/stylegan/stylegan.h"

namespace gan {
namespace {

using ::testing::HasSubstr;

nlohmann::json Shipped(const std::string& name) {
  const std::string path =
      std::string(std::getenv("TEST_SRCDIR")) + "/gan/gan/experiments/configs/" + name + ".json";
  auto json = ReadJsonFile(path);
  EXPECT_TRUE(json.ok()) << json.status();
  return json.ok() ? *json : nlohmann::json();
}

std::string Error(nlohmann::json json, const std::string& override_assignment) {
  EXPECT_TRUE(ApplyOverride(override_assignment, &json).ok());
  const auto config = ParseExperimentConfig(json);
  return config.ok() ? "" : std::string(config.status().message());
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
    auto config = ParseExperimentConfig(Shipped(c.name));
    ASSERT_TRUE(config.ok()) << c.name << ": " << config.status();
    EXPECT_EQ(config->name, c.name);
    auto networks = MakeNetworks(config->model, c.image_size, c.channels);
    ASSERT_TRUE(networks.ok()) << networks.status();
    const torch::Tensor images = networks->generator->forward(
        torch::randn({2, networks->generator->latent_dim()}));
    EXPECT_EQ(images.sizes().vec(), c.image_shape);
    EXPECT_EQ(networks->discriminator->forward(images).sizes().vec(), std::vector<int64_t>{2});
  }
}

TEST(ExperimentConfigTest, SeedExperimentsUseTheSeedsHyperParameters) {
  auto hinge = ParseExperimentConfig(Shipped("dcgan_stl10_hinge"));
  auto bce = ParseExperimentConfig(Shipped("dcgan_stl10_bce"));
  ASSERT_TRUE(hinge.ok() && bce.ok());
  EXPECT_EQ(hinge->loss, "hinge");
  EXPECT_EQ(bce->loss, "bce");
  for (const auto& config : {*hinge, *bce}) {
    EXPECT_EQ(config.model.variant, "seed000");
    EXPECT_EQ(config.model.latent_dim, 128);
    EXPECT_EQ(config.train.batch_size, 512);
    EXPECT_EQ(config.train.epochs, 300);
    EXPECT_DOUBLE_EQ(config.train.lr_g, 2e-4);
    EXPECT_DOUBLE_EQ(config.train.beta1, 0.5);
    EXPECT_TRUE(config.train.generator_first);
    EXPECT_EQ(config.data.dataset, "stl10");
    EXPECT_EQ(config.data.split, "unlabeled");
  }
}

TEST(ExperimentConfigTest, BadValuesAreRejectedNamingTheKey) {
  const nlohmann::json base = Shipped("dcgan_fashion_mnist");
  EXPECT_THAT(Error(base, "train.batch_size=-3"),
              HasSubstr("'train.batch_size' must be positive, got -3"));
  EXPECT_THAT(Error(base, "train.bach_size=3"), HasSubstr("unknown config key 'train.bach_size'"));
  EXPECT_THAT(Error(base, "train.epochs=\"5\""), HasSubstr("'train.epochs': expected an integer"));
  EXPECT_THAT(Error(base, "train.beta1=1.5"), HasSubstr("'train.beta1' must be in [0, 1)"));
  EXPECT_THAT(Error(base, "data.channels=2"), HasSubstr("'data.channels' must be 1 or 3"));
  EXPECT_THAT(Error(base, "colour=red"), HasSubstr("unknown config key 'colour'"));
  EXPECT_THAT(Error(base, "train.penalty=gp"), HasSubstr("'train.penalty' must be one of"));
  EXPECT_THAT(Error(base, "train.optimizer=lbfgs"), HasSubstr("'train.optimizer' must be adam, rmsprop or sgd"));
  EXPECT_THAT(Error(base, "loss_options.real_target=1.2"),
              HasSubstr("'loss_options.real_target' must be in [0, 1]"));
  nlohmann::json energy = base;
  ASSERT_TRUE(ApplyOverride("model.family=began", &energy).ok());
  EXPECT_THAT(Error(energy, "train.penalty=wgan_gp"),
              HasSubstr("'train.penalty' applies to logit discriminators, not model.family 'began'"));
  nlohmann::json nameless = base;
  nameless.erase("name");
  EXPECT_THAT(ParseExperimentConfig(nameless).status().message(), HasSubstr("'name' is required"));
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
    auto config = ParseExperimentConfig(Shipped(c.name));
    ASSERT_TRUE(config.ok()) << config.status();
    EXPECT_EQ(config->train.ema_decay > 0, c.ema);
    config->model.width = 2;
    auto networks = MakeNetworks(config->model, 32, 1);
    ASSERT_TRUE(networks.ok()) << networks.status();
    EXPECT_EQ(networks->generator->num_classes(), c.classes);
    const torch::Tensor labels = torch::tensor({1, 7}, torch::kLong);
    const torch::Tensor images = networks->generator->forward(
        torch::randn({2, networks->generator->latent_dim()}), c.classes ? labels : torch::Tensor());
    EXPECT_EQ(images.sizes().vec(), (std::vector<int64_t>{2, 1, 32, 32}));
    const DiscriminatorOutput out = networks->discriminator->forward_all(images, labels);
    EXPECT_EQ(out.logits.sizes().vec(), std::vector<int64_t>{2});
    EXPECT_EQ(out.class_logits.defined(), c.class_logits);
    EXPECT_EQ(out.embeddings.defined(), c.embeddings);
  }
}

TEST(ExperimentConfigTest, ConditionalSettingsMustAgree) {
  const nlohmann::json acgan = Shipped("acgan");
  EXPECT_THAT(Error(acgan, "train.class_loss=none"),
              HasSubstr("model.head 'acgan' needs train.class_loss 'acgan', not 'none'"));
  EXPECT_THAT(Error(acgan, "train.class_loss=d2d_ce"),
              HasSubstr("model.head 'acgan' needs train.class_loss 'acgan', not 'd2d_ce'"));
  EXPECT_THAT(Error(Shipped("projection_gan"), "train.class_loss=d2d_ce"),
              HasSubstr("train.class_loss 'd2d_ce' needs model.head 'reacgan', not 'projection'"));
  EXPECT_THAT(Error(acgan, "model.num_classes=0"),
              HasSubstr("'model.head' 'acgan' is conditional: set model.num_classes"));
  EXPECT_THAT(Error(acgan, "model.head=contrastive"), HasSubstr("'model.head' must be one of"));
  EXPECT_THAT(Error(acgan, "train.ema_decay=1.0"), HasSubstr("'train.ema_decay' must be in [0, 1)"));
  EXPECT_THAT(Error(Shipped("reacgan"), "train.d2d_temperature=0"),
              HasSubstr("'train.d2d_temperature' must be positive"));
  EXPECT_THAT(Error(Shipped("dcgan_fashion_mnist"), "model.num_classes=10"),
              HasSubstr("need a resnet, sagan or biggan model.family, not 'dcgan'"));
  ModelConfig biggan = ParseExperimentConfig(Shipped("biggan"))->model;
  biggan.latent_dim = 81;
  EXPECT_THAT(MakeNetworks(biggan, 32, 1).status().message(),
              HasSubstr("latent_dim 81 is not divisible by 4"));
  biggan.latent_dim = 80;
  biggan.attention_resolution = 12;
  EXPECT_THAT(MakeNetworks(biggan, 32, 1).status().message(),
              HasSubstr("self-attention resolution"));
}

TEST(ExperimentConfigTest, StyleGanAndPgganExperimentsBuildTheirNetworks) {
  auto style = ParseExperimentConfig(Shipped("stylegan_fashion_mnist"));
  auto pggan = ParseExperimentConfig(Shipped("pggan_fashion_mnist"));
  ASSERT_TRUE(style.ok()) << style.status();
  ASSERT_TRUE(pggan.ok()) << pggan.status();
  // The papers' losses: non-saturating logistic + R1 (StyleGAN), WGAN-GP (PGGAN); EMA of G.
  EXPECT_EQ(style->loss, "bce");
  EXPECT_EQ(style->train.penalty, "r1");
  EXPECT_EQ(pggan->loss, "wasserstein");
  EXPECT_EQ(pggan->train.penalty, "wgan_gp");
  EXPECT_GT(style->train.ema_decay, 0);
  EXPECT_GT(pggan->train.ema_decay, 0);
  EXPECT_EQ(pggan->data.pad, 2);

  style->model.width = 2;
  auto style_nets = MakeNetworks(style->model, 32, 1);
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

  pggan->model.width = 2;
  auto pggan_nets = MakeNetworks(pggan->model, 32, 1);
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

TEST(ExperimentConfigTest, StyleAndProgressiveDefaultsAreThePapers) {
  EXPECT_EQ(ModelConfig().mapping_layers, StyleGanSpec().mapping_layers);
  EXPECT_DOUBLE_EQ(ModelConfig().style_mixing_probability, StyleGanSpec().style_mixing_probability);
  EXPECT_EQ(TrainConfig().progressive_stable_images, ProgressiveScheduleOptions().stable_images);
  EXPECT_EQ(TrainConfig().progressive_fade_images, ProgressiveScheduleOptions().fade_images);
}

TEST(ExperimentConfigTest, StyleAndProgressiveKeysAreCheckedNamingTheKey) {
  const nlohmann::json style = Shipped("stylegan_fashion_mnist");
  const nlohmann::json pggan = Shipped("pggan_fashion_mnist");
  const nlohmann::json dcgan = Shipped("dcgan_fashion_mnist");
  EXPECT_THAT(Error(style, "model.num_classes=10"),
              HasSubstr("model.family 'stylegan' is unconditional: 'model.num_classes' must be 0"));
  EXPECT_THAT(Error(pggan, "model.num_classes=10"),
              HasSubstr("model.family 'pggan' is unconditional"));
  EXPECT_THAT(Error(style, "model.mapping_layers=0"),
              HasSubstr("'model.mapping_layers' must be positive, got 0"));
  EXPECT_THAT(Error(style, "model.style_mixing_probability=1.5"),
              HasSubstr("'model.style_mixing_probability' must be in [0, 1], got 1.5"));
  EXPECT_THAT(Error(pggan, "model.mapping_layers=4"),
              HasSubstr("'model.mapping_layers' applies to model.family 'stylegan', not 'pggan'"));
  EXPECT_THAT(Error(pggan, "train.progressive_fade_images=0"),
              HasSubstr("'train.progressive_fade_images' must be positive, got 0"));
  EXPECT_THAT(Error(pggan, "train.progressive_stable_images=-1"),
              HasSubstr("'train.progressive_stable_images' must not be negative, got -1"));
  EXPECT_THAT(Error(dcgan, "train.progressive_fade_images=100"),
              HasSubstr("'train.progressive_fade_images' applies to model.family 'pggan', not 'dcgan'"));
  EXPECT_THAT(Error(style, "train.progressive_stable_images=100"),
              HasSubstr("applies to model.family 'pggan', not 'stylegan'"));
  EXPECT_THAT(Error(pggan, "train.batch_size=6"),
              HasSubstr("'train.batch_size' must be a multiple of 4 for model.family 'pggan'"));
  EXPECT_EQ(Error(style, "train.batch_size=2"), "");  // one group of 2
  ModelConfig model = ParseExperimentConfig(style)->model;
  EXPECT_THAT(MakeNetworks(model, 28, 1).status().message(), HasSubstr("data.pad=2"));
}

TEST(ArchitectureFingerprintTest, NamesTheMappingDepthOnlyForStyleGan) {
  auto style = ParseExperimentConfig(Shipped("stylegan_fashion_mnist"));
  auto dcgan = ParseExperimentConfig(Shipped("dcgan_fashion_mnist"));
  ASSERT_TRUE(style.ok() && dcgan.ok());
  // Older runs' fingerprints must not change: no new key for the other families.
  EXPECT_EQ(ArchitectureFingerprint(*dcgan, 32, 1).find("mapping_layers"), std::string::npos);
  ExperimentConfig deeper = *style;
  deeper.model.mapping_layers = 4;
  EXPECT_NE(ArchitectureFingerprint(deeper, 32, 1), ArchitectureFingerprint(*style, 32, 1));
  ExperimentConfig less_mixing = *style;
  less_mixing.model.style_mixing_probability = 0.5;  // training only, not a shape
  EXPECT_EQ(ArchitectureFingerprint(less_mixing, 32, 1), ArchitectureFingerprint(*style, 32, 1));
}

TEST(NetworkFactoryTest, UnsupportedFamiliesAndSizesAreExplained) {
  ModelConfig model;
  model.family = "vae";
  EXPECT_THAT(MakeNetworks(model, 32, 1).status().message(), HasSubstr("'vae' is not one of"));
  model.family = "dcgan";
  model.variant = "standard";
  EXPECT_THAT(MakeNetworks(model, 28, 1).status().message(), HasSubstr("pad 28x28 data by 2"));
  model.family = "resnet";
  EXPECT_THAT(MakeNetworks(model, 28, 1).status().message(),
              HasSubstr("ResNet networks support image sizes 32, 48 and 64"));
}

TEST(ArchitectureFingerprintTest, ChangesWithShapeNotWithSchedule) {
  auto config = ParseExperimentConfig(Shipped("dcgan_fashion_mnist"));
  ASSERT_TRUE(config.ok());
  const std::string base = ArchitectureFingerprint(*config, 32, 1);
  ExperimentConfig longer = *config;
  longer.train.epochs = 50;
  EXPECT_EQ(ArchitectureFingerprint(longer, 32, 1), base);
  ExperimentConfig wider = *config;
  wider.model.width = 64;
  EXPECT_NE(ArchitectureFingerprint(wider, 32, 1), base);
  EXPECT_NE(ArchitectureFingerprint(*config, 32, 3), base);
}

}  // namespace
}  // namespace gan

namespace gan {
namespace {

// train.nonfinite reaches the updater; the energy-based updaters cannot skip steps and
// say so before training.
TEST(UpdaterFactoryTest, SkippingNonFiniteStepsIsForAdversarialUpdaters) {
  nlohmann::json json = Shipped("ebgan");
  ASSERT_TRUE(ApplyOverride("train.nonfinite=skip", &json).ok());
  ASSERT_TRUE(ApplyOverride("model.width=4", &json).ok());
  absl::StatusOr<ExperimentConfig> config = ParseExperimentConfig(json);
  ASSERT_TRUE(config.ok()) << config.status();
  absl::StatusOr<Networks> networks = MakeNetworks(config->model, 32, 1);
  ASSERT_TRUE(networks.ok()) << networks.status();
  const auto updater = MakeUpdater(*config, *networks, torch::kCPU);
  EXPECT_THAT(std::string(updater.status().message()),
              HasSubstr("train.nonfinite = skip is supported by the adversarial updaters"));

  json = Shipped("dcgan_fashion_mnist");
  ASSERT_TRUE(ApplyOverride("train.nonfinite=skip", &json).ok());
  ASSERT_TRUE(ApplyOverride("model.width=4", &json).ok());
  config = ParseExperimentConfig(json);
  ASSERT_TRUE(config.ok()) << config.status();
  networks = MakeNetworks(config->model, 32, 1);
  ASSERT_TRUE(networks.ok());
  auto skipping = MakeUpdater(*config, *networks, torch::kCPU);
  ASSERT_TRUE(skipping.ok()) << skipping.status();
  const Batch poisoned{torch::full({4, 1, 32, 32}, std::nan("")), torch::Tensor()};
  const auto losses = (*skipping)->Update(poisoned, 0);
  EXPECT_EQ(losses.count("loss_d"), 0u);
  EXPECT_EQ(losses.at("skipped_steps").item<double>(), 1.0);
}

// train.channels_last reaches the networks; the energy-based updaters refuse it, and
// mixed precision, instead of ignoring them.
TEST(UpdaterFactoryTest, ChannelsLastAndMixedPrecisionAreForAdversarialUpdaters) {
  for (const char* setting : {"train.channels_last=true", "train.mixed_precision=bf16"}) {
    nlohmann::json json = Shipped("began");
    ASSERT_TRUE(ApplyOverride(setting, &json).ok());
    ASSERT_TRUE(ApplyOverride("model.width=4", &json).ok());
    absl::StatusOr<ExperimentConfig> config = ParseExperimentConfig(json);
    ASSERT_TRUE(config.ok()) << config.status();
    absl::StatusOr<Networks> networks = MakeNetworks(config->model, 32, 1);
    ASSERT_TRUE(networks.ok()) << networks.status();
    EXPECT_THAT(std::string(MakeUpdater(*config, *networks, torch::kCPU).status().message()),
                HasSubstr("is supported by the adversarial updaters"))
        << setting;
  }
  nlohmann::json json = Shipped("dcgan_stl10_hinge");
  ASSERT_TRUE(ApplyOverride("model.width=4", &json).ok());
  absl::StatusOr<ExperimentConfig> config = ParseExperimentConfig(json);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_TRUE(config->train.channels_last);
  absl::StatusOr<Networks> networks = MakeNetworks(config->model, 96, 3);
  ASSERT_TRUE(networks.ok()) << networks.status();
  ASSERT_TRUE(MakeUpdater(*config, *networks, torch::kCPU).ok());
  for (const auto& p : networks->generator->parameters()) {
    if (p.dim() == 4) {
      EXPECT_TRUE(p.is_contiguous(torch::MemoryFormat::ChannelsLast));
    }
  }
}

}  // namespace
}  // namespace gan
