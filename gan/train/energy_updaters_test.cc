#include "gan/train/energy_updaters.h"

#include <gtest/gtest.h>
#include <torch/utils.h>

#include "gan/core/archive_file.h"
#include "gan/networks/autoencoder/autoencoder_discriminator.h"
#include "gan/networks/dcgan/dcgan.h"

namespace gan {
namespace {

Generator TinyGenerator() { return MakeDcganGenerator(StandardDcganSpec(32, 1, 4, 8)); }

Autoencoder TinyAutoencoder(bool elu) {
  return std::make_shared<AutoencoderDiscriminator>(AutoencoderOptions{
      .image_size = 32, .image_channels = 1, .width = 4, .code_dim = 8, .batch_norm = !elu,
      .elu = elu});
}

Batch RealBatch() { return {torch::rand({8, 1, 32, 32}) * 2 - 1, torch::Tensor()}; }

TEST(EbganUpdaterTest, DiscriminatorLossMatchesItsEnergiesAndGeneratorSkipsDGradients) {
  torch::manual_seed(0);
  EbganUpdater updater(TinyGenerator(), TinyAutoencoder(false), {.margin = 0.5, .pull_away_weight = 0.1},
                       {}, {}, torch::kCPU);
  const auto losses = updater.Update(RealBatch(), 0);
  const double expected = losses.at("energy_real").item<double>() +
                          std::max(0.0, 0.5 - losses.at("energy_fake").item<double>());
  // relu(m - E) is per sample; with every fake energy on one side of m this is exact.
  EXPECT_NEAR(losses.at("loss_d").item<double>(), expected, 1e-5);
  EXPECT_TRUE(std::isfinite(losses.at("loss_g").item<double>()));
  for (const auto& p : updater.autoencoder()->parameters()) {
    EXPECT_TRUE(p.requires_grad());
  }
}

TEST(EbganUpdaterTest, DiscriminatorLearnsToReconstructRealData) {
  torch::manual_seed(1);
  EbganUpdater updater(TinyGenerator(), TinyAutoencoder(false), {}, {}, {.lr = 1e-3},
                       torch::kCPU);
  const Batch batch = RealBatch();
  const double first = updater.Update(batch, 0).at("energy_real").item<double>();
  double last = first;
  for (int i = 1; i < 30; ++i) last = updater.Update(batch, i).at("energy_real").item<double>();
  EXPECT_LT(last, first);
}

TEST(BeganUpdaterTest, ReportsKAndConvergenceMeasureAndCheckpointsK) {
  torch::manual_seed(2);
  BeganUpdater updater(TinyGenerator(), TinyAutoencoder(true), {.gamma = 0.5, .lambda_k = 0.01},
                       {}, {}, torch::kCPU);
  for (int i = 0; i < 5; ++i) {
    const auto losses = updater.Update(RealBatch(), i);
    const double k = losses.at("k").item<double>();
    EXPECT_GE(k, 0.0);
    EXPECT_LE(k, 1.0);
    EXPECT_GT(losses.at("m_global").item<double>(), 0.0);
  }
  torch::serialize::OutputArchive out;
  updater.Save(out);
  BeganUpdater restored(TinyGenerator(), TinyAutoencoder(true), {}, {}, {}, torch::kCPU);
  torch::serialize::InputArchive in = ReadBackInMemory(out);
  restored.Load(in);
  EXPECT_EQ(restored.equilibrium().k(), updater.equilibrium().k());
}

}  // namespace
}  // namespace gan
