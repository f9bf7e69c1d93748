#include "gan/networks/resnet/resnet.h"

#include <cmath>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>
#include <torch/utils.h>

#include "gan/nn/self_attention.h"

namespace gan {
namespace {

ResnetSpec TinySpec(ResnetPreset preset, int64_t size, int64_t classes, HeadKind head) {
  absl::StatusOr<ResnetSpec> spec = ResnetSpecFor(preset, size, 3, /*width=*/2, /*latent=*/20);
  EXPECT_TRUE(spec.ok()) << spec.status();
  spec->num_classes = classes;
  spec->head = head;
  spec->embedding_dim = 8;
  spec->shared_embedding_dim = 6;
  return *spec;
}

// Every family at every size: image shapes, logits, and gradients reaching every
// parameter of G through D.
TEST(ResnetTest, ShapesAndGradientsAtEachResolution) {
  for (const ResnetPreset preset : {ResnetPreset::kSngan, ResnetPreset::kSagan, ResnetPreset::kBiggan}) {
    for (int64_t size : {32, 48, 64}) {
      SCOPED_TRACE(std::to_string(static_cast<int>(preset)) + " " + std::to_string(size));
      torch::manual_seed(0);
      const ResnetSpec spec = TinySpec(preset, size, 3, HeadKind::kProjection);
      auto g = std::make_shared<ResnetGenerator>(spec);
      auto d = std::make_shared<ResnetDiscriminator>(spec);
      const torch::Tensor labels = torch::tensor({0, 2}, torch::kLong);
      const torch::Tensor images = g->forward(g->SampleLatent(2, torch::kCPU), labels);
      ASSERT_EQ(images.sizes(), (torch::IntArrayRef{2, 3, size, size}));
      EXPECT_LE(images.abs().max().item<float>(), 1.0f);
      const torch::Tensor logits = d->forward(images, labels);
      ASSERT_EQ(logits.sizes(), (torch::IntArrayRef{2}));
      logits.sum().backward();
      for (const auto& p : g->named_parameters()) {
        EXPECT_TRUE(p.value().grad().defined()) << p.key();
      }
      for (const auto& p : d->named_parameters()) {
        EXPECT_TRUE(p.value().grad().defined()) << p.key();
      }
      EXPECT_GT(g->named_parameters()["input.weight"].grad().abs().sum().item<float>(), 0);
      EXPECT_GT(d->named_parameters()["block0.conv1.weight"].grad().abs().sum().item<float>(), 0);
    }
  }
}

TEST(ResnetTest, SaganHasAttentionAndSpectralNormInBothNetworks) {
  const ResnetSpec spec = TinySpec(ResnetPreset::kSagan, 32, 0, HeadKind::kUnconditional);
  EXPECT_TRUE(spec.g_spectral_norm);
  EXPECT_EQ(spec.g_attention_resolution, 16);
  ResnetGenerator g(spec);
  ResnetDiscriminator d(spec);
  bool g_attention = false, d_attention = false, g_u = false;
  for (const auto& p : g.named_parameters()) g_attention |= p.key().rfind("attention.", 0) == 0;
  for (const auto& p : d.named_parameters()) d_attention |= p.key().rfind("attention.", 0) == 0;
  for (const auto& b : g.named_buffers()) g_u |= b.key() == "block0.conv1.u";
  EXPECT_TRUE(g_attention);
  EXPECT_TRUE(d_attention);
  EXPECT_TRUE(g_u);  // the power-iteration vector of a spectrally normalized conv
}

TEST(ResnetTest, SnganSizesMatchTheReferenceNetworks) {
  // SNGAN CIFAR at width 64: G 256 channels from 4x4, D 128 channels.
  const ResnetSpec spec = *ResnetSpecFor(ResnetPreset::kSngan, 32, 3, 64, 128);
  ResnetGenerator g(spec);
  ResnetDiscriminator d(spec);
  auto gp = g.named_parameters();
  EXPECT_EQ(gp["input.weight"].sizes(), (torch::IntArrayRef{256 * 16, 128}));
  EXPECT_EQ(gp["block2.conv2.weight"].sizes(), (torch::IntArrayRef{256, 256, 3, 3}));
  EXPECT_EQ(gp["output_conv.weight"].sizes(), (torch::IntArrayRef{3, 256, 3, 3}));
  auto dp = d.named_parameters();
  EXPECT_EQ(dp["block0.conv1.weight"].sizes(), (torch::IntArrayRef{128, 3, 3, 3}));
  EXPECT_EQ(dp["head.linear.weight"].sizes(), (torch::IntArrayRef{1, 128}));
  EXPECT_EQ(dp.find("block3.shortcut.weight"), nullptr);  // 128 -> 128, no downsampling
}

TEST(ResnetTest, SnganDiscriminatorBlocksAreAsWideInsideAsAtTheirInput) {
  // SNGAN's 64x64 D at width 8: blocks 8 -> 16 -> 32 -> ...; the authors' block widens in
  // its second conv, BigGAN's in its first.
  ResnetSpec spec = *ResnetSpecFor(ResnetPreset::kSngan, 64, 3, 8, 16);
  EXPECT_TRUE(spec.d_hidden_from_input);
  auto dp = ResnetDiscriminator(spec).named_parameters();
  EXPECT_EQ(dp["block0.conv1.weight"].sizes(), (torch::IntArrayRef{8, 3, 3, 3}));  // image in
  EXPECT_EQ(dp["block1.conv1.weight"].sizes(), (torch::IntArrayRef{8, 8, 3, 3}));
  EXPECT_EQ(dp["block1.conv2.weight"].sizes(), (torch::IntArrayRef{16, 8, 3, 3}));
  spec.d_hidden_from_input = false;
  dp = ResnetDiscriminator(spec).named_parameters();
  EXPECT_EQ(dp["block1.conv1.weight"].sizes(), (torch::IntArrayRef{16, 8, 3, 3}));
  EXPECT_EQ(dp["block1.conv2.weight"].sizes(), (torch::IntArrayRef{16, 16, 3, 3}));
  const ResnetSpec biggan = *ResnetSpecFor(ResnetPreset::kBiggan, 64, 3, 8, 20);
  EXPECT_EQ(ResnetDiscriminator(biggan).named_parameters()["block1.conv1.weight"].sizes(),
            (torch::IntArrayRef{16, 8, 3, 3}));
}

// Xavier-uniform with gain a draws from U(-b, b), b = a * sqrt(6 / (fan_in + fan_out)),
// whose standard deviation is b / sqrt(3).
double XavierStd(double gain, const torch::Tensor& weight) {
  const double receptive = static_cast<double>(weight[0][0].numel());
  const double fan_in = weight.size(1) * receptive, fan_out = weight.size(0) * receptive;
  return gain * std::sqrt(6.0 / (fan_in + fan_out)) / std::sqrt(3.0);
}

TEST(ResnetTest, SnganResidualConvsStartWithGainSqrtTwoAndShortcutsWithOne) {
  torch::manual_seed(5);
  const ResnetSpec spec = *ResnetSpecFor(ResnetPreset::kSngan, 32, 3, 32, 16);
  ResnetGenerator g(spec);
  ResnetDiscriminator d(spec);
  auto gp = g.named_parameters();
  auto dp = d.named_parameters();
  const double sqrt2 = std::sqrt(2.0);
  const std::vector<std::tuple<torch::Tensor, double, std::string>> expected = {
      {gp["block0.conv1.weight"], sqrt2, "G block conv1"},
      {gp["block2.conv2.weight"], sqrt2, "G block conv2"},
      {gp["block0.shortcut.weight"], 1.0, "G shortcut"},
      {gp["output_conv.weight"], 1.0, "G output conv"},
      {gp["input.weight"], 1.0, "G input linear"},
      {dp["block1.conv1.weight"], sqrt2, "D block conv1"},
      {dp["block0.conv2.weight"], sqrt2, "D first block conv2"},
      {dp["block0.shortcut.weight"], 1.0, "D shortcut"}};
  for (const auto& [weight, gain, name] : expected) {
    const double want = XavierStd(gain, weight);
    EXPECT_NEAR(weight.std().item<double>(), want, 0.05 * want) << name;
  }
  // SAGAN's stay at gain 1.
  const ResnetSpec sagan = *ResnetSpecFor(ResnetPreset::kSagan, 32, 3, 32, 16);
  const torch::Tensor w = ResnetGenerator(sagan).named_parameters()["block0.conv1.weight"];
  EXPECT_NEAR(w.std().item<double>(), XavierStd(1.0, w), 0.05 * XavierStd(1.0, w));
}

TEST(ResnetTest, AttentionPoolsKeysAndValuesAsTheReferenceCode) {
  for (const bool pool : {true, false}) {
    ResnetSpec spec = TinySpec(ResnetPreset::kSagan, 32, 0, HeadKind::kUnconditional);
    spec.attention_pool_keys = pool;
    ResnetDiscriminator d(spec);
    d.forward(torch::randn({2, 3, 32, 32}), torch::Tensor());
    auto* attention = d.named_children()["attention"]->as<SelfAttention>();
    ASSERT_NE(attention, nullptr);
    // D attends after its 16x16 block: 256 queries, a quarter of them as keys when pooled.
    EXPECT_EQ(attention->last_attention().sizes(),
              (torch::IntArrayRef{2, 256, pool ? 64 : 256}));
  }
  EXPECT_TRUE(TinySpec(ResnetPreset::kBiggan, 32, 0, HeadKind::kUnconditional).attention_pool_keys);
}

TEST(ResnetTest, ConditionalGeneratorsDependOnTheLabel) {
  for (const ResnetPreset preset : {ResnetPreset::kSngan, ResnetPreset::kBiggan}) {
    SCOPED_TRACE(static_cast<int>(preset));
    torch::manual_seed(3);
    ResnetGenerator g(TinySpec(preset, 32, 4, HeadKind::kProjection));
    g.eval();
    const torch::Tensor z = torch::randn({1, 20}).repeat({2, 1});
    const torch::Tensor labels = torch::tensor({1, 3}, torch::kLong);
    if (preset == ResnetPreset::kSngan) {
      // Class-conditional gains start at 1 and biases at 0 (as in SNGAN-projection), so
      // labels only matter once those move: perturb them as training would.
      torch::NoGradGuard no_grad;
      for (auto& p : g.parameters()) p.add_(torch::randn_like(p) * 0.05);
    }
    const torch::Tensor images = g.forward(z, labels);
    EXPECT_GT((images[0] - images[1]).abs().max().item<float>(), 1e-3);
    EXPECT_THROW(g.forward(z), c10::Error);  // labels required
  }
}

TEST(ResnetTest, BigganSplitsTheLatentAcrossBlocks) {
  const ResnetSpec spec = TinySpec(ResnetPreset::kBiggan, 32, 4, HeadKind::kProjection);
  ResnetGenerator g(spec);
  // 20 = 4 chunks of 5: the input layer reads the first chunk only.
  EXPECT_EQ(g.named_parameters()["input.weight"].size(1), 5);
  g.eval();
  const torch::Tensor labels = torch::tensor({2}, torch::kLong);
  torch::Tensor z = torch::randn({1, 20});
  torch::Tensor z2 = z.clone();
  z2[0][19] += 1.0;  // last chunk: the last block only
  EXPECT_GT((g.forward(z, labels) - g.forward(z2, labels)).abs().max().item<float>(), 0);
  ResnetSpec bad = spec;
  bad.latent_dim = 21;
  EXPECT_FALSE(ValidateResnetSpec(bad).ok());
}

TEST(ResnetTest, ReacganAndAcganDiscriminatorsGiveAuxiliaryOutputs) {
  ResnetDiscriminator acgan(TinySpec(ResnetPreset::kSngan, 32, 5, HeadKind::kAcgan));
  const torch::Tensor images = torch::randn({3, 3, 32, 32});
  const torch::Tensor labels = torch::tensor({0, 1, 4}, torch::kLong);
  EXPECT_EQ(acgan.forward_all(images, labels).extra("class_logits").sizes(),
            (torch::IntArrayRef{3, 5}));
  ResnetDiscriminator reacgan(TinySpec(ResnetPreset::kBiggan, 32, 5, HeadKind::kReacgan));
  const DiscriminatorOutput out = reacgan.forward_all(images, labels);
  EXPECT_EQ(out.extra("embeddings").sizes(), (torch::IntArrayRef{3, 8}));
  EXPECT_EQ(out.extra("proxies").sizes(), (torch::IntArrayRef{3, 8}));
  EXPECT_EQ(out.logits.sizes(), (torch::IntArrayRef{3}));
}

TEST(ResnetTest, UnsupportedSizesAndAttentionResolutionsAreErrors) {
  const auto size = ResnetSpecFor(ResnetPreset::kSngan, 40, 3, 8, 16);
  ASSERT_FALSE(size.ok());
  EXPECT_NE(size.status().message().find("32, 48 and 64"), std::string::npos);
  ResnetSpec spec = *ResnetSpecFor(ResnetPreset::kSngan, 32, 3, 8, 16);
  spec.d_attention_resolution = 32;  // D's blocks output 16 and 8 only
  EXPECT_FALSE(ValidateResnetSpec(spec).ok());
}

}  // namespace
}  // namespace gan
