#include "gan/augment/ada.h"

#include <cmath>
#include <sstream>

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace gan {
namespace {

AdaOptions Pipeline(bool blit, bool geometric, bool color, double p) {
  AdaOptions options;
  options.blit = blit;
  options.geometric = geometric;
  options.color = color;
  options.initial_p = p;
  return options;
}

// The fraction of images the augmentation left exactly as they were.
double UnchangedFraction(AdaptiveAugment& augment, const torch::Tensor& images) {
  const torch::Tensor out = augment.Apply(images);
  return (out - images).abs().amax({1, 2, 3}).lt(1e-5).to(torch::kDouble).mean().item<double>();
}

TEST(AdaTest, AtPZeroTheImagesPassUnchanged) {
  AdaptiveAugment augment(Pipeline(true, true, true, 0.0));
  const torch::Tensor images = torch::rand({4, 3, 8, 8});
  EXPECT_TRUE(augment.Apply(images).equal(images));
}

TEST(AdaTest, EachBlitTransformHappensWithTheProbabilityOfTheReference) {
  torch::manual_seed(11);
  // An image without symmetries, so that no composition of a flip, a quarter turn and a
  // translation gives it back. x-flip: half of the chosen images (p/2); quarter turns:
  // three in four (3p/4); integer translation by round(U(-1/8, 1/8) x 32): zero in both
  // directions with probability (1/8)^2.
  const torch::Tensor image = torch::rand({1, 1, 32, 32});
  const torch::Tensor images = image.expand({6000, 1, 32, 32}).contiguous();
  for (const double p : {0.2, 0.6}) {
    SCOPED_TRACE(p);
    AdaptiveAugment augment(Pipeline(true, false, false, p));
    const double expected = (1 - p / 2) * (1 - 3 * p / 4) * (1 - p * 63 / 64);
    EXPECT_NEAR(UnchangedFraction(augment, images), expected, 0.02);
  }
}

TEST(AdaTest, ColorTransformsOfGreyImagesHappenWithTheProbabilityOfTheReference) {
  torch::manual_seed(12);
  // Grey images: brightness (p), contrast (p), luma flip (p/2); no hue or saturation.
  const torch::Tensor images = (torch::rand({6000, 1, 4, 4}) * 2 - 1);
  for (const double p : {0.3, 0.8}) {
    SCOPED_TRACE(p);
    AdaptiveAugment augment(Pipeline(false, false, true, p));
    EXPECT_NEAR(UnchangedFraction(augment, images), (1 - p) * (1 - p) * (1 - p / 2), 0.02);
  }
}

TEST(AdaTest, ColorTransformsOfRgbImagesAddHueAndSaturation) {
  torch::manual_seed(13);
  const double p = 0.5;
  const torch::Tensor images = (torch::rand({6000, 3, 4, 4}) * 2 - 1);
  AdaptiveAugment augment(Pipeline(false, false, true, p));
  const double expected = (1 - p) * (1 - p) * (1 - p / 2) * (1 - p) * (1 - p);
  EXPECT_NEAR(UnchangedFraction(augment, images), expected, 0.02);
}

TEST(AdaTest, GeometricTransformsMoveAlmostEveryChosenImage) {
  torch::manual_seed(14);
  // Scaling, anisotropic scaling and fractional translation each with probability p, and
  // a rotation (before or after) with probability p in all: continuous draws, so an image
  // is unchanged only when none was chosen.
  const double p = 0.4;
  const torch::Tensor images = torch::rand({4000, 1, 16, 16});
  AdaptiveAugment augment(Pipeline(false, true, false, p));
  EXPECT_NEAR(UnchangedFraction(augment, images), std::pow(1 - p, 4), 0.02);
}

TEST(AdaTest, GradientReachesTheImagesThroughEveryTransform) {
  torch::manual_seed(15);
  AdaptiveAugment augment(Pipeline(true, true, true, 1.0));
  const torch::Tensor images = torch::rand({8, 3, 16, 16}).requires_grad_(true);
  augment.Apply(images).pow(2).sum().backward();
  ASSERT_TRUE(images.grad().defined());
  EXPECT_GT(images.grad().abs().sum().item<double>(), 0);
  EXPECT_TRUE(torch::isfinite(images.grad()).all().item<bool>());
}

TEST(AdaControllerTest, PRisesWhenDIsTooSureOfTheRealImagesAndFallsBackToZero) {
  AdaOptions options;  // target 0.6, every 4 steps, 500k images per unit of p
  AdaptiveAugment augment(options);
  const torch::Tensor sure = torch::full({64}, 3.0f);  // sign 1 > 0.6
  for (int step = 0; step < 3; ++step) augment.ObserveRealLogits(sure, 64, nullptr);
  EXPECT_EQ(augment.p(), 0.0) << "p moves only every 4 D steps";
  augment.ObserveRealLogits(sure, 64, nullptr);
  EXPECT_DOUBLE_EQ(augment.p(), 64.0 * 4 / 500000);
  for (int step = 0; step < 4; ++step) augment.ObserveRealLogits(sure, 64, nullptr);
  EXPECT_DOUBLE_EQ(augment.p(), 2 * 64.0 * 4 / 500000);
  EXPECT_FLOAT_EQ(augment.Logs().at("augment_rt").item<float>(), 1.0f);
  // r_t = (1 + 1 + 1 - 1) / 4 = 0.5 < 0.6: down by one step's worth.
  const torch::Tensor unsure = torch::full({64}, -1.0f);
  for (const auto& logits : {sure, sure, sure, unsure}) augment.ObserveRealLogits(logits, 64, nullptr);
  EXPECT_DOUBLE_EQ(augment.p(), 64.0 * 4 / 500000);
  EXPECT_FLOAT_EQ(augment.Logs().at("augment_rt").item<float>(), 0.5f);
  for (int step = 0; step < 8; ++step) augment.ObserveRealLogits(unsure, 64, nullptr);
  EXPECT_EQ(augment.p(), 0.0) << "never below 0";
}

TEST(AdaControllerTest, RtIsTheMeanOverRanksAndTargetZeroKeepsPFixed) {
  AdaptiveAugment augment{AdaOptions()};
  // This rank sees sure logits, the group's mean says otherwise.
  const auto group_mean = [](const torch::Tensor&) { return torch::tensor(0.2f); };
  for (int step = 0; step < 4; ++step) {
    augment.ObserveRealLogits(torch::ones({8}), 16, group_mean);
  }
  EXPECT_EQ(augment.p(), 0.0);
  AdaOptions fixed;
  fixed.target = 0;
  fixed.initial_p = 0.3;
  AdaptiveAugment constant(fixed);
  for (int step = 0; step < 8; ++step) constant.ObserveRealLogits(torch::ones({8}), 8, nullptr);
  EXPECT_EQ(constant.p(), 0.3);
}

TEST(AdaControllerTest, CheckpointRestoresPAndTheStepsTowardsTheNextUpdate) {
  AdaOptions options;
  options.initial_p = 0.25;
  AdaptiveAugment augment(options);
  for (int step = 0; step < 6; ++step) augment.ObserveRealLogits(torch::ones({32}), 32, nullptr);
  torch::serialize::OutputArchive out;
  augment.Save(out, "augment/");
  std::ostringstream bytes;
  out.save_to(bytes);
  torch::serialize::InputArchive in;
  std::istringstream read(bytes.str());
  in.load_from(read);
  AdaptiveAugment resumed(AdaOptions{});  // initial p 0: the checkpoint's must win
  resumed.Load(in, "augment/");
  EXPECT_EQ(resumed.p(), augment.p());
  // Both take their next update after two more steps, to the same value.
  for (AdaptiveAugment* a : {&augment, &resumed}) {
    a->ObserveRealLogits(torch::ones({32}), 32, nullptr);
    a->ObserveRealLogits(torch::ones({32}), 32, nullptr);
  }
  EXPECT_DOUBLE_EQ(resumed.p(), 0.25 + 2 * 32.0 * 4 / 500000);
  EXPECT_EQ(resumed.p(), augment.p());
}

}  // namespace
}  // namespace gan
