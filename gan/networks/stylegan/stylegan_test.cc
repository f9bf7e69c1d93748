#include "gan/networks/stylegan/stylegan.h"

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/serialize/archive.h>
#include <torch/utils.h>

#include "gan/core/archive_file.h"

namespace gan {
namespace {

constexpr int64_t kLatent = 8;

StyleGanSpec TinySpec(int64_t size) {
  absl::StatusOr<StyleGanSpec> spec = StyleGanSpecFor(size, 3, /*width=*/2, kLatent);
  EXPECT_TRUE(spec.ok()) << spec.status();
  spec->mapping_layers = 3;
  return *spec;
}

void SetNoiseWeights(StyleGanGenerator& g, float value) {
  torch::NoGradGuard no_grad;
  for (auto& p : g.named_parameters()) {
    if (p.key().find("noise.weight") != std::string::npos) p.value().fill_(value);
  }
}

void SetWAverage(StyleGanGenerator& g, const torch::Tensor& value) {
  torch::NoGradGuard no_grad;
  g.named_buffers()["w_average"].copy_(value);
}

torch::Tensor Broadcast(const torch::Tensor& w, int64_t layers) {
  return w.unsqueeze(1).expand({-1, layers, -1});
}

float MaxDiff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a - b).abs().max().item<float>();
}

TEST(StyleGanTest, ShapesRangeAndGradientsAtEachSize) {
  for (int64_t size : {8, 16, 32, 64}) {
    SCOPED_TRACE(size);
    torch::manual_seed(0);
    StyleGanGenerator g(TinySpec(size));
    int64_t resolutions = 0;
    for (int64_t r = 4; r <= size; r *= 2) ++resolutions;
    EXPECT_EQ(g.num_style_layers(), 2 * resolutions);
    EXPECT_EQ(g.num_classes(), 0);
    g.train();
    const torch::Tensor images = g.forward(g.SampleLatent(2, torch::kCPU));
    ASSERT_EQ(images.sizes(), (torch::IntArrayRef{2, 3, size, size}));
    EXPECT_LE(images.abs().max().item<float>(), 1.0f);
    images.sum().backward();
    for (const auto& p : g.named_parameters()) {
      EXPECT_TRUE(p.value().grad().defined()) << p.key();
    }
    auto params = g.named_parameters();
    for (const char* name : {"const_input", "mapping.fc0.weight", "layer1.conv.weight",
                             "layer1.noise.weight", "to_rgb.weight"}) {
      EXPECT_GT(params[name].grad().abs().sum().item<float>(), 0) << name;
    }
  }
}

TEST(StyleGanTest, ChannelsFollowTheWidthRule) {
  EXPECT_EQ(StyleGanSpecFor(32, 3, 64, 512)->channels, (std::vector<int64_t>{512, 512, 256, 128}));
  EXPECT_EQ(StyleGanSpecFor(256, 1, 4, 16)->channels,
            (std::vector<int64_t>{32, 32, 16, 8, 4, 4, 4}));
  EXPECT_EQ(StyleGanSpecFor(8, 1, 4, 16)->w_dim, 16);
  StyleGanGenerator g(TinySpec(16));  // channels 16, 16, 8
  auto params = g.named_parameters();
  EXPECT_EQ(params["const_input"].sizes(), (torch::IntArrayRef{1, 16, 4, 4}));
  EXPECT_TRUE(torch::equal(params["const_input"], torch::ones({1, 16, 4, 4})));
  EXPECT_EQ(params.find("layer0.conv.weight"), nullptr);  // the constant needs no conv
  EXPECT_EQ(params["layer4.conv.weight"].sizes(), (torch::IntArrayRef{8, 16, 3, 3}));
  EXPECT_EQ(params["layer5.adain.style.weight"].sizes(), (torch::IntArrayRef{16, kLatent}));
  EXPECT_EQ(params["to_rgb.weight"].sizes(), (torch::IntArrayRef{3, 8, 1, 1}));
  EXPECT_EQ(params["mapping.fc2.weight"].sizes(), (torch::IntArrayRef{kLatent, kLatent}));
  EXPECT_EQ(params.find("mapping.fc3.weight"), nullptr);
}

// Noise inputs act in synthesis only: w does not depend on them, and with the same styles
// they change the image exactly when their weights are nonzero.
TEST(StyleGanTest, NoiseChangesTheImageButNotTheMappedW) {
  torch::manual_seed(1);
  StyleGanGenerator g(TinySpec(16));
  g.eval();
  const torch::Tensor z = torch::randn({2, kLatent});
  const torch::Tensor w = g.Map(z);
  const torch::Tensor ws = Broadcast(w, g.num_style_layers());
  const std::vector<torch::Tensor> noise_a = g.SampleNoise(2, torch::kCPU);
  const std::vector<torch::Tensor> noise_b = g.SampleNoise(2, torch::kCPU);

  // Zero noise weights (the init): noise has no effect at all.
  const torch::Tensor quiet = g.Synthesize(ws, noise_a);
  EXPECT_TRUE(torch::equal(quiet, g.Synthesize(ws, noise_b)));
  EXPECT_TRUE(torch::equal(quiet, g.Synthesize(ws)));

  SetNoiseWeights(g, 0.5f);
  const torch::Tensor a = g.Synthesize(ws, noise_a);
  EXPECT_TRUE(torch::equal(a, g.Synthesize(ws, noise_a)));  // same noise, same image
  EXPECT_GT(MaxDiff(a, g.Synthesize(ws, noise_b)), 1e-3);    // other noise, other image
  // Noise in the last layer alone already changes the image.
  std::vector<torch::Tensor> last_only = noise_a;
  last_only.back() = noise_b.back();
  EXPECT_GT(MaxDiff(a, g.Synthesize(ws, last_only)), 1e-4);

  EXPECT_TRUE(torch::equal(g.Map(z), w));  // deterministic, untouched by noise
  EXPECT_THROW(g.Synthesize(ws, {noise_a[0]}), c10::Error);
}

TEST(StyleGanTest, MixStylesTakesWBelowTheCrossoverAndW2FromIt) {
  torch::manual_seed(2);
  StyleGanGenerator g(TinySpec(16));
  const int64_t layers = g.num_style_layers();  // 6
  const torch::Tensor w = torch::randn({3, kLatent});
  const torch::Tensor w2 = torch::randn({3, kLatent});
  const torch::Tensor mixed = g.MixStyles(w, w2, 2);
  ASSERT_EQ(mixed.sizes(), (torch::IntArrayRef{3, layers, kLatent}));
  for (int64_t i = 0; i < layers; ++i) {
    EXPECT_TRUE(torch::equal(mixed.select(1, i), i < 2 ? w : w2)) << "layer " << i;
  }
  EXPECT_TRUE(torch::equal(g.MixStyles(w, w2, layers), Broadcast(w, layers)));
  EXPECT_TRUE(torch::equal(g.MixStyles(w, w2, 0), Broadcast(w2, layers)));
  EXPECT_THROW(g.MixStyles(w, w2, layers + 1), c10::Error);
  EXPECT_THROW(g.MixStyles(w, w2.narrow(0, 0, 2), 1), c10::Error);
}

// Probability 1: forward's draws are, in order, the mixing decision (rand), z2 (randn)
// and the crossover (randint), then the layers' noise. Replaying them from the same seed
// reproduces forward exactly, so w really fed layers < c and w2 the rest.
TEST(StyleGanTest, TrainingForwardMixesStylesWithProbabilityOne) {
  StyleGanSpec spec = TinySpec(16);
  spec.style_mixing_probability = 1.0;
  torch::manual_seed(3);
  StyleGanGenerator g(spec);
  g.train();
  const int64_t layers = g.num_style_layers();
  const torch::Tensor z = torch::randn({4, kLatent});

  // Noise weights zero: the image depends on the styles only.
  const torch::Tensor unmixed = g.Synthesize(Broadcast(g.Map(z), layers));
  EXPECT_GT(MaxDiff(g.forward(z), unmixed), 1e-4);

  SetNoiseWeights(g, 0.5f);
  torch::manual_seed(11);
  const torch::Tensor images = g.forward(z);
  torch::manual_seed(11);
  torch::rand({1});
  const torch::Tensor z2 = torch::randn({4, kLatent});
  const int64_t crossover = torch::randint(1, layers, {1}).item<int64_t>();
  ASSERT_GE(crossover, 1);
  ASSERT_LT(crossover, layers);
  const torch::Tensor expected = g.Synthesize(g.MixStyles(g.Map(z), g.Map(z2), crossover));
  EXPECT_TRUE(torch::allclose(images, expected, 1e-6, 1e-6));
}

TEST(StyleGanTest, TrainingForwardWithProbabilityZeroUsesOneW) {
  StyleGanSpec spec = TinySpec(16);
  spec.style_mixing_probability = 0.0;
  torch::manual_seed(4);
  StyleGanGenerator g(spec);
  g.train();
  const torch::Tensor z = torch::randn({3, kLatent});
  // Noise weights are zero, so any fixed noise gives the same image.
  const torch::Tensor expected =
      g.Synthesize(Broadcast(g.Map(z), g.num_style_layers()), g.SampleNoise(3, torch::kCPU));
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(torch::allclose(g.forward(z), expected, 1e-6, 1e-6));
  }
}

TEST(StyleGanTest, TruncationPullsStylesTowardTheAverage) {
  torch::manual_seed(5);
  StyleGanGenerator g(TinySpec(16));
  const int64_t layers = g.num_style_layers();
  const torch::Tensor average = torch::randn({kLatent});
  SetWAverage(g, average);
  const torch::Tensor ws = torch::randn({2, layers, kLatent});

  const torch::Tensor half = g.TruncateStyles(ws, 0.5, /*cutoff=*/3);
  for (int64_t i = 0; i < layers; ++i) {
    const torch::Tensor layer = ws.select(1, i);
    if (i < 3) {
      const torch::Tensor expected = average + 0.5 * (layer - average);
      EXPECT_TRUE(torch::allclose(half.select(1, i), expected, 1e-6, 1e-6)) << "layer " << i;
    } else {
      EXPECT_TRUE(torch::equal(half.select(1, i), layer)) << "layer " << i;
    }
  }
  EXPECT_TRUE(torch::allclose(g.TruncateStyles(ws, 0.5), average + 0.5 * (ws - average)));
  EXPECT_TRUE(torch::equal(g.TruncateStyles(ws, 0.0), average.expand_as(ws)));

  // psi = 0 through forward: every sample gets w_average, so with the noise weights at
  // zero every image is the same.
  g.eval();
  g.set_truncation(0.0);
  const torch::Tensor images = g.forward(torch::randn({4, kLatent}));
  const torch::Tensor from_average = g.Synthesize(average.expand({1, layers, kLatent}));
  for (int64_t n = 1; n < 4; ++n) {
    EXPECT_TRUE(torch::allclose(images[n], images[0], 1e-6, 1e-6)) << "sample " << n;
  }
  // Batch 1 vs 4 may pick other conv kernels: equal up to float rounding.
  EXPECT_TRUE(torch::allclose(images[0], from_average[0], 1e-4, 1e-5));
  // ... and with nonzero noise weights, shared fixed noise keeps them equal.
  SetNoiseWeights(g, 0.5f);
  const torch::Tensor noisy =
      g.Synthesize(g.TruncateStyles(ws, 0.0), g.SampleNoise(1, torch::kCPU));
  EXPECT_TRUE(torch::allclose(noisy[0], noisy[1], 1e-5, 1e-6));
  SetNoiseWeights(g, 0.0f);

  // forward applies exactly TruncateStyles(broadcast w, psi, cutoff).
  g.set_truncation(0.5, 2);
  EXPECT_EQ(g.truncation_cutoff(), 2);
  const torch::Tensor z = torch::randn({2, kLatent});
  const torch::Tensor expected =
      g.Synthesize(g.TruncateStyles(Broadcast(g.Map(z), layers), 0.5, /*cutoff=*/2));
  EXPECT_TRUE(torch::allclose(g.forward(z), expected, 1e-6, 1e-6));
  EXPECT_GT(MaxDiff(g.forward(z), g.Synthesize(Broadcast(g.Map(z), layers))), 1e-4);
  EXPECT_THROW(g.set_truncation(0.5, -2), c10::Error);
}

TEST(StyleGanTest, WAverageIsABufferTrackedInTrainingOnly) {
  StyleGanSpec spec = TinySpec(8);
  spec.w_average_decay = 0.9;
  torch::manual_seed(6);
  StyleGanGenerator g(spec);
  auto buffers = g.named_buffers();
  ASSERT_NE(buffers.find("w_average"), nullptr);
  EXPECT_TRUE(torch::equal(buffers["w_average"], torch::zeros({kLatent})));
  EXPECT_EQ(g.named_parameters().find("w_average"), nullptr);

  const torch::Tensor start = torch::randn({kLatent});
  SetWAverage(g, start);
  const torch::Tensor z = torch::randn({5, kLatent});
  const torch::Tensor mean = g.Map(z).mean(0).detach();
  g.train();
  g.forward(z);
  const torch::Tensor expected = mean + 0.9 * (start - mean);
  EXPECT_TRUE(torch::allclose(g.w_average(), expected, 1e-6, 1e-6));
  EXPECT_FALSE(g.w_average().requires_grad());

  g.eval();
  const torch::Tensor before = g.w_average().clone();
  g.forward(torch::randn({5, kLatent}));
  EXPECT_TRUE(torch::equal(g.w_average(), before));

  // Checkpoints keep it.
  torch::serialize::OutputArchive out;
  g.save(out);
  StyleGanGenerator restored(spec);
  torch::serialize::InputArchive in = ReadBackInMemory(out);
  restored.load(in);
  EXPECT_TRUE(torch::equal(restored.w_average(), before));
}

TEST(StyleGanTest, SpecErrorsNameTheValue) {
  for (int64_t size : {28, 12, 4, 512}) {
    const absl::StatusOr<StyleGanSpec> spec = StyleGanSpecFor(size, 1, 8, 16);
    ASSERT_FALSE(spec.ok()) << size;
    const std::string message(spec.status().message());
    EXPECT_NE(message.find("got " + std::to_string(size)), std::string::npos) << message;
    EXPECT_NE(message.find("power of two in [8, 256]"), std::string::npos) << message;
  }
  EXPECT_FALSE(StyleGanSpecFor(32, 1, 0, 16).ok());

  const StyleGanSpec good = TinySpec(32);
  EXPECT_TRUE(ValidateStyleGanSpec(good).ok());
  StyleGanSpec bad = good;
  bad.channels.pop_back();
  EXPECT_FALSE(ValidateStyleGanSpec(bad).ok());
  bad = good;
  bad.channels[1] = 0;
  EXPECT_FALSE(ValidateStyleGanSpec(bad).ok());
  bad = good;
  bad.style_mixing_probability = 1.5;
  EXPECT_FALSE(ValidateStyleGanSpec(bad).ok());
  bad = good;
  bad.w_average_decay = 1.0;
  EXPECT_FALSE(ValidateStyleGanSpec(bad).ok());
  bad = good;
  bad.mapping_layers = 0;
  EXPECT_FALSE(ValidateStyleGanSpec(bad).ok());
  EXPECT_THROW(StyleGanGenerator{bad}, c10::Error);

  StyleGanGenerator g(good);
  const torch::Tensor z = torch::randn({2, kLatent});
  try {
    g.forward(z, torch::zeros({2}, torch::kLong));
    FAIL() << "labels accepted";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("unconditional"), std::string::npos) << e.what();
  }
  EXPECT_THROW(g.forward(torch::randn({2, kLatent + 1})), c10::Error);
}

}  // namespace
}  // namespace gan
