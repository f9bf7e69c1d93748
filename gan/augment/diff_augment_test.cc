#include "gan/augment/diff_augment.h"

#include <set>

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace gan {
namespace {

using torch::indexing::Slice;

DiffAugment WithPolicy(const std::string& policy) {
  DiffAugmentOptions options;
  options.policy = *ParseDiffAugmentPolicy(policy);
  return DiffAugment(options);
}

TEST(DiffAugmentPolicyTest, KeepsTheOrderGivenAndRejectsUnknownAndRepeatedTransforms) {
  EXPECT_EQ(*ParseDiffAugmentPolicy("cutout,color"),
            (std::vector<DiffAugmentTransform>{DiffAugmentTransform::kCutout,
                                               DiffAugmentTransform::kColor}));
  EXPECT_FALSE(ParseDiffAugmentPolicy("color,color").ok());
  EXPECT_FALSE(ParseDiffAugmentPolicy("colour").ok());
  EXPECT_FALSE(ParseDiffAugmentPolicy("").ok());
}

TEST(DiffAugmentTest, ColorDrawsBrightnessSaturationAndContrastFromThePapersRanges) {
  torch::manual_seed(1);
  // Each image: pixel A = (a, -a, 0), pixel B = (c, c, c). After brightness b, saturation
  // s and contrast f: A0 - A1 = 2 a s f and B0 - A2 = c f, and the image mean is b + c / 2
  // (contrast keeps the mean, saturation keeps each pixel's mean).
  const int64_t n = 4000;
  const float a = 0.25f, c = 0.5f;
  torch::Tensor images = torch::zeros({n, 3, 1, 2});
  images.index_put_({Slice(), 0, 0, 0}, a);
  images.index_put_({Slice(), 1, 0, 0}, -a);
  images.index_put_({Slice(), Slice(), 0, 1}, c);
  const torch::Tensor out = WithPolicy("color").Apply(images);
  const torch::Tensor brightness = out.mean({1, 2, 3}) - c / 2;
  const torch::Tensor contrast = (out.index({Slice(), 0, 0, 1}) - out.index({Slice(), 2, 0, 0})) / c;
  const torch::Tensor saturation =
      (out.index({Slice(), 0, 0, 0}) - out.index({Slice(), 1, 0, 0})) / (2 * a * contrast);
  for (const auto& [name, values, low, high] :
       {std::tuple{"brightness", brightness, -0.5, 0.5}, {"saturation", saturation, 0.0, 2.0},
        {"contrast", contrast, 0.5, 1.5}}) {
    SCOPED_TRACE(name);
    const double min = values.min().item<double>(), max = values.max().item<double>();
    EXPECT_GE(min, low - 1e-5);
    EXPECT_LT(max, high + 1e-5);
    // Uniform over the whole range: its ends are reached, its mean is the middle.
    EXPECT_LT(min, low + 0.01 * (high - low));
    EXPECT_GT(max, high - 0.01 * (high - low));
    EXPECT_NEAR(values.mean().item<double>(), (low + high) / 2, 0.03 * (high - low));
  }
  // Independent draws: brightness and contrast are uncorrelated.
  const torch::Tensor centred_b = brightness - brightness.mean();
  const torch::Tensor centred_f = contrast - contrast.mean();
  EXPECT_LT(std::abs((centred_b * centred_f).mean().item<double>() /
                     (centred_b.std().item<double>() * centred_f.std().item<double>())),
            0.1);
}

// Where the single bright pixel of each image went, as (dy, dx) from (row, col).
std::pair<torch::Tensor, torch::Tensor> Displacements(const torch::Tensor& out, int64_t row,
                                                      int64_t col) {
  const int64_t width = out.size(3);
  const torch::Tensor position = out.flatten(1).argmax(1);
  return {torch::div(position, width, "floor") - row, position.remainder(width) - col};
}

TEST(DiffAugmentTest, TranslationMovesEachImageByItsOwnDrawOfUpToAnEighthOfTheSide) {
  torch::manual_seed(2);
  // 28 x 0.125 = 3.5 rounds up to 4, as in the reference.
  for (const int64_t side : {32, 28}) {
    SCOPED_TRACE(side);
    torch::Tensor images = torch::zeros({3000, 1, side, side});
    images.index_put_({Slice(), 0, side / 2, side / 2}, 1.0f);
    const torch::Tensor out = WithPolicy("translation").Apply(images);
    ASSERT_TRUE(out.sum({1, 2, 3}).eq(1).all().item<bool>()) << "the pixel left the image";
    const auto [dy, dx] = Displacements(out, side / 2, side / 2);
    for (const torch::Tensor& shift : {dy, dx}) {
      EXPECT_EQ(shift.min().item<int64_t>(), -4);
      EXPECT_EQ(shift.max().item<int64_t>(), 4);
      EXPECT_EQ(std::get<0>(torch::_unique(shift)).numel(), 9);  // every integer in [-4, 4]
    }
    EXPECT_FALSE(dy.equal(dx)) << "rows and columns must be drawn apart";
  }
}

TEST(DiffAugmentTest, CutoutClearsAHalfSideSquareCentredAnywhere) {
  torch::manual_seed(3);
  const int64_t n = 3000, side = 32;
  const torch::Tensor out = WithPolicy("cutout").Apply(torch::ones({n, 2, side, side}));
  const torch::Tensor cleared = out.eq(0);
  EXPECT_TRUE(cleared.select(1, 0).equal(cleared.select(1, 1))) << "channels cut alike";
  const torch::Tensor rows = cleared.select(1, 0).any(2).sum(1);  // cleared rows per image
  const torch::Tensor cols = cleared.select(1, 0).any(1).sum(1);
  const torch::Tensor area = cleared.select(1, 0).sum({1, 2});
  EXPECT_TRUE(area.eq(rows * cols).all().item<bool>()) << "the cleared part is a rectangle";
  // A 16x16 square whose centre lies anywhere in the image (edges included): at least half
  // of it is inside along each side.
  EXPECT_EQ(rows.max().item<int64_t>(), 16);
  EXPECT_EQ(rows.min().item<int64_t>(), 8);
  EXPECT_EQ(cols.min().item<int64_t>(), 8);
  // Every pixel, corners included, is cleared by some draw.
  EXPECT_TRUE(cleared.any(0).all().item<bool>());
  // The first cleared row: the centre minus 8, uniform over [-8, 24] clipped at 0.
  const torch::Tensor first_row = cleared.select(1, 0).any(2).to(torch::kFloat).argmax(1);
  EXPECT_EQ(first_row.max().item<int64_t>(), 24);
}

TEST(DiffAugmentTest, TransformsApplyInThePolicysOrder) {
  torch::manual_seed(4);
  const torch::Tensor zeros = torch::zeros({200, 1, 8, 8});
  // Translation first moves zeros into a zero image; brightness then lifts every pixel alike.
  const torch::Tensor translated_first = WithPolicy("translation,color").Apply(zeros);
  EXPECT_TRUE(translated_first.amax({1, 2, 3}).equal(translated_first.amin({1, 2, 3})));
  // Brightness first: the zeros translation moves in stay 0 beside brightened pixels.
  const torch::Tensor color_first = WithPolicy("color,translation").Apply(zeros);
  EXPECT_FALSE(color_first.amax({1, 2, 3}).equal(color_first.amin({1, 2, 3})));
}

TEST(DiffAugmentTest, GradientReachesTheImagesThroughTheWholePolicy) {
  torch::manual_seed(5);
  const torch::Tensor images = (torch::rand({4, 3, 16, 16}) * 2 - 1).requires_grad_(true);
  DiffAugment augment{DiffAugmentOptions()};
  augment.Apply(images).pow(2).sum().backward();
  ASSERT_TRUE(images.grad().defined());
  EXPECT_GT(images.grad().abs().sum().item<double>(), 0);
  EXPECT_TRUE(torch::isfinite(images.grad()).all().item<bool>());
}

TEST(DiffAugmentTest, FreshDrawsOnEveryCall) {
  torch::manual_seed(6);
  DiffAugment augment{DiffAugmentOptions()};
  const torch::Tensor images = torch::rand({8, 3, 16, 16});
  EXPECT_FALSE(augment.Apply(images).equal(augment.Apply(images)));
}

}  // namespace
}  // namespace gan
