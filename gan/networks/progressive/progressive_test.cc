#include "gan/networks/progressive/progressive.h"

#include <cctype>
#include <cmath>
#include <limits>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/serialize.h>
#include <torch/serialize/archive.h>
#include <torch/utils.h>

#include "gan/nn/minibatch_stddev.h"
#include "gan/nn/pixel_norm.h"

namespace gan {
namespace {

// Width 1: channels 8, 8, 4, 2, 1 for levels 4x4 ... 64x64.
ProgressiveSpec TinySpec(int64_t size, int64_t group_size = 4) {
  absl::StatusOr<ProgressiveSpec> spec = ProgressiveSpecFor(size, 3, /*width=*/1, /*latent=*/8);
  EXPECT_TRUE(spec.ok()) << spec.status();
  spec->minibatch_group_size = group_size;
  return *spec;
}

// Reference nearest-neighbour upsampling, independent of the networks' implementation.
torch::Tensor Blow(const torch::Tensor& x, int64_t factor) {
  return x.repeat_interleave(factor, 2).repeat_interleave(factor, 3);
}

double MaxDiff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a - b).abs().max().item<double>();
}

// The level in "block3.conv1.weight" for prefix "block", or -1 for other names.
int64_t LevelOf(const std::string& name, const std::string& prefix) {
  if (name.rfind(prefix, 0) != 0 || name.size() <= prefix.size() ||
      !std::isdigit(static_cast<unsigned char>(name[prefix.size()]))) {
    return -1;
  }
  return std::stoll(name.substr(prefix.size()));
}

// Whether a parameter takes part in the phase (level, alpha): blocks up to the level, the
// level's own RGB layer, and the previous level's while it is still fading out.
bool UsedAt(const std::string& name, const std::string& rgb_prefix, int64_t level, double alpha) {
  const int64_t block = LevelOf(name, "block");
  if (block >= 0) return block <= level;
  const int64_t rgb = LevelOf(name, rgb_prefix);
  if (rgb >= 0) return rgb == level || (rgb == level - 1 && alpha < 1.0);
  return true;  // G's input layers, D's 4x4 head
}

void ExpectGradientsOnlyWhereUsed(torch::nn::Module& module, const std::string& rgb_prefix,
                                  int64_t level, double alpha) {
  for (const auto& p : module.named_parameters()) {
    if (UsedAt(p.key(), rgb_prefix, level, alpha)) {
      ASSERT_TRUE(p.value().grad().defined()) << p.key();
      EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0.0) << p.key();
    } else {
      EXPECT_FALSE(p.value().grad().defined()) << p.key();
    }
  }
}

TEST(ProgressiveTest, ShapesAndGradientsAtEveryPhase) {
  for (int64_t size : {8, 16, 32, 64}) {
    torch::manual_seed(size);
    const ProgressiveSpec spec = TinySpec(size);
    auto g = std::make_shared<ProgressiveGenerator>(spec);
    auto d = std::make_shared<ProgressiveDiscriminator>(spec);
    ASSERT_EQ(g->num_levels(), static_cast<int64_t>(spec.channels.size()));
    ASSERT_EQ(d->num_levels(), g->num_levels());
    for (int64_t level = 0; level < g->num_levels(); ++level) {
      for (double alpha : level == 0 ? std::vector<double>{1.0} : std::vector<double>{0.5, 1.0}) {
        SCOPED_TRACE(std::to_string(size) + " level " + std::to_string(level) + " alpha " +
                     std::to_string(alpha));
        g->zero_grad(/*set_to_none=*/true);
        d->zero_grad(/*set_to_none=*/true);
        g->set_phase(level, alpha);
        d->set_phase(level, alpha);
        const torch::Tensor images = g->forward(g->SampleLatent(4, torch::kCPU));
        ASSERT_EQ(images.sizes(), (torch::IntArrayRef{4, 3, size, size}));
        EXPECT_LE(images.abs().max().item<float>(), 1.0f);
        // Full size, but only (4 * 2^level)^2 distinct pixels: blocks of factor^2 copies.
        const int64_t factor = size / (int64_t{4} << level);
        const torch::Tensor corners =
            images.index({torch::indexing::Slice(), torch::indexing::Slice(),
                          torch::indexing::Slice(0, size, factor),
                          torch::indexing::Slice(0, size, factor)});
        EXPECT_TRUE(torch::equal(images, Blow(corners, factor)));

        const torch::Tensor logits = d->forward(images);
        ASSERT_EQ(logits.sizes(), (torch::IntArrayRef{4}));
        EXPECT_TRUE(torch::isfinite(logits).all().item<bool>());
        logits.sum().backward();
        ExpectGradientsOnlyWhereUsed(*g, "to_rgb", level, alpha);
        ExpectGradientsOnlyWhereUsed(*d, "from_rgb", level, alpha);
      }
    }
  }
}

TEST(ProgressiveTest, GeneratorFadeInInterpolatesBetweenLevels) {
  torch::manual_seed(1);
  ProgressiveGenerator g(TinySpec(32));
  const int64_t last = g.num_levels() - 1;
  const torch::Tensor z = torch::randn({3, 8});
  torch::NoGradGuard no_grad;
  for (int64_t level = 1; level <= last; ++level) {
    SCOPED_TRACE("level " + std::to_string(level));
    const int64_t factor = int64_t{1} << (last - level);
    const torch::Tensor old_rgb = Blow(g.to_rgb(level - 1)(g.Features(z, level - 1)), 2);
    const torch::Tensor new_rgb = g.to_rgb(level)(g.Features(z, level));
    ASSERT_EQ(new_rgb.sizes(), (torch::IntArrayRef{3, 3, 4 << level, 4 << level}));
    EXPECT_GT(MaxDiff(old_rgb, new_rgb), 1e-3);  // the two ends really differ

    // alpha = 0: exactly the previous level, stable.
    g.set_phase(level, 0.0);
    const torch::Tensor start = g.forward(z);
    g.set_phase(level - 1, 1.0);
    EXPECT_LE(MaxDiff(start, g.forward(z)), 1e-6);
    EXPECT_LE(MaxDiff(start, Blow(torch::tanh(old_rgb), factor)), 1e-6);

    // alpha = 1: only the new block.
    g.set_phase(level, 1.0);
    EXPECT_LE(MaxDiff(g.forward(z), Blow(torch::tanh(new_rgb), factor)), 1e-6);

    // alpha = 0.5: before tanh, the midpoint of the two.
    const torch::Tensor mid = g.ForwardAtLevel(z, level, 0.5);
    EXPECT_LE(MaxDiff(mid, (old_rgb + new_rgb) / 2), 1e-5);
    g.set_phase(level, 0.5);
    EXPECT_LE(MaxDiff(g.forward(z), Blow(torch::tanh(mid), factor)), 1e-6);
  }
  EXPECT_LE(MaxDiff(g.ForwardAtLevel(z, 0, 1.0), g.to_rgb(0)(g.Features(z, 0))), 0.0);
}

TEST(ProgressiveTest, GeneratorLayersAreThoseOfPggan) {
  torch::manual_seed(2);
  ProgressiveGenerator g(TinySpec(8));
  auto children = g.named_children();
  auto* input = children["input"]->as<EqualizedLinear>();
  auto* input_conv = children["input_conv"]->as<EqualizedConv2d>();
  auto* block1 = children["block1"]->as<ProgressiveGeneratorBlock>();
  ASSERT_NE(input, nullptr);
  ASSERT_NE(input_conv, nullptr);
  ASSERT_NE(block1, nullptr);
  EXPECT_NEAR(input->options.gain(), std::sqrt(2.0) / 4.0, 1e-12);
  EXPECT_EQ(input->weight.sizes(), (torch::IntArrayRef{8 * 16, 8}));
  EXPECT_EQ(g.to_rgb(1)->options.kernel_size(), 1);
  EXPECT_EQ(g.to_rgb(1)->options.gain(), 1.0);

  const torch::Tensor z = torch::randn({2, 8}) * 3;
  auto lrelu = [](const torch::Tensor& x) { return torch::leaky_relu(x, 0.2); };
  const torch::Tensor h0 = PixelNorm(lrelu(input_conv->forward(
      PixelNorm(lrelu(input->forward(PixelNorm(z)).view({2, 8, 4, 4}))))));
  EXPECT_LE(MaxDiff(g.Features(z, 0), h0), 1e-5);
  const torch::Tensor h1 = PixelNorm(lrelu(
      block1->conv2->forward(PixelNorm(lrelu(block1->conv1->forward(Blow(h0, 2)))))));
  EXPECT_LE(MaxDiff(g.Features(z, 1), h1), 1e-5);
  // Unit RMS features after every PixelNorm.
  const torch::Tensor rms = g.Features(z, 1).square().mean(1).sqrt();
  EXPECT_TRUE(torch::allclose(rms, torch::ones_like(rms), 1e-4, 1e-4));
}

TEST(ProgressiveTest, DiscriminatorFadeInInterpolatesBetweenLevels) {
  torch::manual_seed(3);
  ProgressiveDiscriminator d(TinySpec(32));
  const torch::Tensor x = torch::rand({4, 3, 32, 32}) * 2 - 1;
  torch::NoGradGuard no_grad;
  for (int64_t level = 1; level < d.num_levels(); ++level) {
    SCOPED_TRACE("level " + std::to_string(level));
    d.set_phase(level, 0.0);
    const torch::Tensor start = d.forward(x);
    d.set_phase(level - 1, 1.0);
    const torch::Tensor previous = d.forward(x);
    EXPECT_LE(MaxDiff(start, previous), 1e-5);
    d.set_phase(level, 1.0);
    EXPECT_GT(MaxDiff(d.forward(x), previous), 1e-4);  // the new block changes the logits
  }
}

TEST(ProgressiveTest, DiscriminatorMatchesAManualComputationMidFade) {
  torch::manual_seed(4);
  ProgressiveDiscriminator d(TinySpec(8));
  auto children = d.named_children();
  auto* from_rgb0 = children["from_rgb0"]->as<EqualizedConv2d>();
  auto* from_rgb1 = children["from_rgb1"]->as<EqualizedConv2d>();
  auto* block1 = children["block1"]->as<ProgressiveDiscriminatorBlock>();
  auto* final_conv = children["final_conv"]->as<EqualizedConv2d>();
  auto* final_linear = children["final_linear"]->as<EqualizedLinear>();
  auto* output = children["output"]->as<EqualizedLinear>();
  EXPECT_EQ(final_conv->options.in_channels(), 8 + 1);  // + the minibatch stddev channel
  EXPECT_EQ(output->options.gain(), 1.0);

  const torch::Tensor x = torch::randn({4, 3, 8, 8});
  auto lrelu = [](const torch::Tensor& t) { return torch::leaky_relu(t, 0.2); };
  auto pool2 = [](const torch::Tensor& t) { return torch::avg_pool2d(t, {2, 2}); };
  const torch::Tensor fresh = pool2(lrelu(
      block1->conv2->forward(lrelu(block1->conv1->forward(lrelu(from_rgb1->forward(x)))))));
  const torch::Tensor faded = lrelu(from_rgb0->forward(pool2(x)));
  const torch::Tensor h = 0.75 * faded + 0.25 * fresh;
  const torch::Tensor features = lrelu(final_linear->forward(
      lrelu(final_conv->forward(MinibatchStdDev(h, 4))).flatten(1)));
  const torch::Tensor logits = output->forward(features).view({4});

  d.set_phase(1, 0.25);
  EXPECT_LE(MaxDiff(d.features(x, torch::Tensor()), features), 1e-5);
  EXPECT_LE(MaxDiff(d.forward(x), logits), 1e-5);
  ASSERT_EQ(d.features(x, torch::Tensor()).sizes(), (torch::IntArrayRef{4, 8}));
}

TEST(ProgressiveTest, DiscriminatorWithGroupSizeOneTakesAnyBatch) {
  torch::manual_seed(5);
  ProgressiveDiscriminator d(TinySpec(16, /*group_size=*/1));
  for (int64_t level = 0; level < d.num_levels(); ++level) {
    d.set_phase(level, 0.5);
    const torch::Tensor logits = d.forward(torch::randn({3, 3, 16, 16}));
    ASSERT_EQ(logits.sizes(), (torch::IntArrayRef{3}));
    EXPECT_TRUE(torch::isfinite(logits).all().item<bool>());
  }
  // Group size 4 needs a batch divisible by min(4, N).
  ProgressiveDiscriminator grouped(TinySpec(16));
  EXPECT_THROW(grouped.forward(torch::randn({6, 3, 16, 16})), c10::Error);
}

TEST(ProgressiveTest, PhaseBuffersSurviveACheckpoint) {
  torch::manual_seed(6);
  const ProgressiveSpec spec = TinySpec(32);
  auto g = std::make_shared<ProgressiveGenerator>(spec);
  auto d = std::make_shared<ProgressiveDiscriminator>(spec);
  g->set_phase(2, 0.25);
  d->set_phase(2, 0.25);
  EXPECT_TRUE(g->named_buffers().contains("level"));
  EXPECT_TRUE(d->named_buffers().contains("alpha"));

  std::stringstream g_stream, d_stream;
  torch::save(g, g_stream);
  torch::serialize::OutputArchive d_archive;
  d->save(d_archive);
  d_archive.save_to(d_stream);

  torch::manual_seed(7);
  auto g2 = std::make_shared<ProgressiveGenerator>(spec);
  auto d2 = std::make_shared<ProgressiveDiscriminator>(spec);
  EXPECT_EQ(g2->phase_level(), 3);  // the default: the full network
  EXPECT_EQ(g2->phase_alpha(), 1.0);
  torch::load(g2, g_stream);
  torch::serialize::InputArchive d_input;
  d_input.load_from(d_stream);
  d2->load(d_input);
  EXPECT_EQ(g2->phase_level(), 2);
  EXPECT_EQ(g2->phase_alpha(), 0.25);
  EXPECT_EQ(d2->phase_level(), 2);
  EXPECT_EQ(d2->phase_alpha(), 0.25);
  const torch::Tensor z = torch::randn({4, 8});
  EXPECT_TRUE(torch::equal(g2->forward(z), g->forward(z)));
}

TEST(ProgressiveTest, SetPhaseRejectsOutOfRangeValues) {
  const ProgressiveSpec spec = TinySpec(16);  // levels 0, 1, 2
  ProgressiveGenerator g(spec);
  ProgressiveDiscriminator d(spec);
  EXPECT_EQ(g.phase_level(), 2);
  EXPECT_EQ(d.phase_alpha(), 1.0);
  try {
    g.set_phase(3, 0.5);
    FAIL() << "level 3 of 3 levels accepted";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("level must be in [0, 3), got 3"), std::string::npos)
        << e.what();
  }
  try {
    d.set_phase(1, 1.5);
    FAIL() << "alpha 1.5 accepted";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("alpha must be in [0, 1], got 1.5"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(g.set_phase(-1, 1.0), c10::Error);
  EXPECT_THROW(d.set_phase(3, 1.0), c10::Error);
  EXPECT_THROW(g.set_phase(1, -0.1), c10::Error);
  EXPECT_THROW(g.set_phase(1, std::numeric_limits<double>::quiet_NaN()), c10::Error);
  EXPECT_EQ(g.phase_level(), 2);  // rejected calls change nothing
  EXPECT_EQ(g.phase_alpha(), 1.0);

  // Unconditional networks, full-size inputs.
  const torch::Tensor labels = torch::zeros({2}, torch::kLong);
  EXPECT_THROW(g.forward(torch::randn({2, 8}), labels), c10::Error);
  EXPECT_THROW(d.forward(torch::randn({2, 3, 16, 16}), labels), c10::Error);
  EXPECT_THROW(d.forward(torch::randn({2, 3, 8, 8})), c10::Error);
  EXPECT_THROW(g.forward(torch::randn({2, 7})), c10::Error);
}

TEST(ProgressiveTest, SpecPresetAndErrors) {
  const absl::StatusOr<ProgressiveSpec> big = ProgressiveSpecFor(256, 3, 64, 512);
  ASSERT_TRUE(big.ok()) << big.status();
  EXPECT_EQ(big->channels, (std::vector<int64_t>{512, 512, 256, 128, 64, 64, 64}));
  EXPECT_TRUE(ValidateProgressiveSpec(*big).ok());
  EXPECT_EQ(ProgressiveSpecFor(8, 1, 2, 16)->channels, (std::vector<int64_t>{16, 16}));

  const absl::StatusOr<ProgressiveSpec> odd = ProgressiveSpecFor(28, 1, 16, 128);
  ASSERT_FALSE(odd.ok());
  EXPECT_EQ(odd.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(odd.status().message()).find("not 28"), std::string::npos)
      << odd.status();
  EXPECT_NE(std::string(odd.status().message()).find("[8, 256]"), std::string::npos);
  EXPECT_FALSE(ProgressiveSpecFor(4, 1, 16, 128).ok());
  EXPECT_FALSE(ProgressiveSpecFor(512, 1, 16, 128).ok());
  EXPECT_FALSE(ProgressiveSpecFor(32, 1, 0, 128).ok());

  ProgressiveSpec wrong = TinySpec(32);
  wrong.channels.pop_back();
  const absl::Status status = ValidateProgressiveSpec(wrong);
  EXPECT_FALSE(status.ok());
  EXPECT_NE(std::string(status.message()).find("got 3"), std::string::npos) << status;
  EXPECT_THROW(ProgressiveGenerator{wrong}, c10::Error);
  ProgressiveSpec no_group = TinySpec(32);
  no_group.minibatch_group_size = 0;
  EXPECT_FALSE(ValidateProgressiveSpec(no_group).ok());
}

}  // namespace
}  // namespace gan
