#include "gan/nn/image_augment.h"

#include <cmath>

#include <gtest/gtest.h>
#include <torch/autograd.h>
#include <torch/torch.h>

namespace gan {
namespace {

torch::Tensor Longs(std::vector<int64_t> values) { return torch::tensor(values, torch::kLong); }

// A [1, 1, 3, 3] image of 1..9, row by row.
torch::Tensor OneToNine() { return torch::arange(1, 10, torch::kFloat).view({1, 1, 3, 3}); }

TEST(ImageAugmentTest, BrightnessAddsEachImagesShift) {
  const torch::Tensor images = torch::tensor({0.5f, -1.0f}).view({2, 1, 1, 1}).expand({2, 2, 2, 2});
  const torch::Tensor out = AdjustBrightness(images, torch::tensor({0.25f, -0.5f}));
  EXPECT_TRUE(out[0].allclose(torch::full({2, 2, 2}, 0.75f)));
  EXPECT_TRUE(out[1].allclose(torch::full({2, 2, 2}, -1.5f)));
}

TEST(ImageAugmentTest, SaturationScalesAboutTheChannelMeanOfEachPixel) {
  // One pixel (0.2, 0.5, -0.4): mean 0.1; factor 2 gives 0.1 + 2 * (x - 0.1).
  const torch::Tensor pixel = torch::tensor({0.2f, 0.5f, -0.4f}).view({1, 3, 1, 1});
  EXPECT_TRUE(AdjustSaturation(pixel, torch::tensor({2.0f}))
                  .allclose(torch::tensor({0.3f, 0.9f, -0.9f}).view({1, 3, 1, 1})));
  // A grey image has nothing to saturate.
  const torch::Tensor grey = torch::rand({2, 1, 4, 4});
  EXPECT_TRUE(AdjustSaturation(grey, torch::tensor({0.0f, 1.7f})).allclose(grey));
}

TEST(ImageAugmentTest, ContrastScalesAboutTheMeanOfTheWholeImage) {
  // Channel 0: 0 1 / 2 3, channel 1: 4 4 / 4 4; the mean of all eight values is 2.75.
  const torch::Tensor image =
      torch::tensor({0.0f, 1.0f, 2.0f, 3.0f, 4.0f, 4.0f, 4.0f, 4.0f}).view({1, 2, 2, 2});
  const torch::Tensor expected =
      torch::tensor({1.375f, 1.875f, 2.375f, 2.875f, 3.375f, 3.375f, 3.375f, 3.375f})
          .view({1, 2, 2, 2});
  EXPECT_TRUE(AdjustContrast(image, torch::tensor({0.5f})).allclose(expected));
}

TEST(ImageAugmentTest, TranslateMovesContentAndFillsWithZeros) {
  const torch::Tensor image = OneToNine();
  // One row down.
  EXPECT_TRUE(Translate(image, Longs({1}), Longs({0}))
                  .equal(torch::tensor({0.f, 0.f, 0.f, 1.f, 2.f, 3.f, 4.f, 5.f, 6.f}).view({1, 1, 3, 3})));
  // One column left.
  EXPECT_TRUE(Translate(image, Longs({0}), Longs({-1}))
                  .equal(torch::tensor({2.f, 3.f, 0.f, 5.f, 6.f, 0.f, 8.f, 9.f, 0.f}).view({1, 1, 3, 3})));
  // Up and right at once.
  EXPECT_TRUE(Translate(image, Longs({-1}), Longs({1}))
                  .equal(torch::tensor({0.f, 4.f, 5.f, 0.f, 7.f, 8.f, 0.f, 0.f, 0.f}).view({1, 1, 3, 3})));
  // Past the edge: nothing is left.
  EXPECT_TRUE(Translate(image, Longs({5}), Longs({0})).equal(torch::zeros({1, 1, 3, 3})));
}

TEST(ImageAugmentTest, TranslateShiftsEachImageByItsOwnAmountAndEveryChannelAlike) {
  const torch::Tensor images = torch::rand({2, 3, 5, 6});
  const torch::Tensor out = Translate(images, Longs({2, 0}), Longs({-1, 3}));
  for (int64_t n = 0; n < 2; ++n) {
    const int64_t dy = n == 0 ? 2 : 0, dx = n == 0 ? -1 : 3;
    for (int64_t c = 0; c < 3; ++c) {
      for (int64_t i = 0; i < 5; ++i) {
        for (int64_t j = 0; j < 6; ++j) {
          const int64_t si = i - dy, sj = j - dx;
          const float expected = si >= 0 && si < 5 && sj >= 0 && sj < 6
                                     ? images[n][c][si][sj].item<float>()
                                     : 0.0f;
          ASSERT_EQ(out[n][c][i][j].item<float>(), expected) << n << c << i << j;
        }
      }
    }
  }
}

TEST(ImageAugmentTest, TranslateGradientReachesExactlyThePixelsThatStayInside) {
  const torch::Tensor image = OneToNine().requires_grad_(true);
  Translate(image, Longs({1}), Longs({0})).sum().backward();
  // The bottom row moved out of the image.
  EXPECT_TRUE(image.grad().equal(
      torch::tensor({1.f, 1.f, 1.f, 1.f, 1.f, 1.f, 0.f, 0.f, 0.f}).view({1, 1, 3, 3})));
}

TEST(ImageAugmentTest, ReflectedTranslateMirrorsAboutTheEdgePixels) {
  const torch::Tensor image = OneToNine();
  // One row down: row -1 reads row 1 (4 5 6), not row 0 again.
  EXPECT_TRUE(Translate(image, Longs({1}), Longs({0}), TranslateFill::kReflect)
                  .equal(torch::tensor({4.f, 5.f, 6.f, 1.f, 2.f, 3.f, 4.f, 5.f, 6.f}).view({1, 1, 3, 3})));
  // Two columns left: column 3 reads column 1, column 4 reads column 0.
  EXPECT_TRUE(Translate(image, Longs({0}), Longs({-2}), TranslateFill::kReflect)
                  .equal(torch::tensor({3.f, 2.f, 1.f, 6.f, 5.f, 4.f, 9.f, 8.f, 7.f}).view({1, 1, 3, 3})));
}

TEST(ImageAugmentTest, ReflectedTranslateIsACropOfTheReflectPaddedImage) {
  // The reference transform's definition: pad by the largest shift in PyTorch's "reflect"
  // mode, then crop each image at its offset.
  const torch::Tensor images = torch::rand({3, 2, 8, 8});
  const torch::Tensor dy = Longs({-2, 0, 1}), dx = Longs({2, -1, 0});
  const torch::Tensor padded = torch::reflection_pad2d(images, {2, 2, 2, 2});
  const torch::Tensor out = Translate(images, dy, dx, TranslateFill::kReflect);
  for (int64_t n = 0; n < 3; ++n) {
    const int64_t top = 2 - dy[n].item<int64_t>(), left = 2 - dx[n].item<int64_t>();
    EXPECT_TRUE(out[n].equal(padded[n].slice(1, top, top + 8).slice(2, left, left + 8))) << n;
  }
  EXPECT_THROW(Translate(images, Longs({8, 0, 0}), Longs({0, 0, 0}), TranslateFill::kReflect),
               c10::Error);
}

TEST(ImageAugmentTest, FlipHorizontallyMirrorsTheChosenImagesOnly) {
  const torch::Tensor images = torch::cat({OneToNine(), OneToNine()});
  const torch::Tensor out = FlipHorizontally(images, torch::tensor({true, false}));
  EXPECT_TRUE(out[0].equal(torch::tensor({3.f, 2.f, 1.f, 6.f, 5.f, 4.f, 9.f, 8.f, 7.f}).view({1, 3, 3})));
  EXPECT_TRUE(out[1].equal(OneToNine()[0]));
}

TEST(ImageAugmentTest, CutoutClearsTheRectangleInsideTheImageInEveryChannel) {
  const torch::Tensor images = torch::ones({2, 2, 4, 4});
  // Image 0: a 2x2 square from (-1, 2): only row 0, columns 2 and 3 are inside.
  // Image 1: a 2x2 square from (1, 1).
  const torch::Tensor out = Cutout(images, Longs({-1, 1}), Longs({2, 1}), 2, 2);
  torch::Tensor expected = torch::ones({2, 2, 4, 4});
  expected.index_put_({0, torch::indexing::Slice(), 0, torch::indexing::Slice(2, 4)}, 0.0f);
  expected.index_put_({1, torch::indexing::Slice(), torch::indexing::Slice(1, 3),
                       torch::indexing::Slice(1, 3)},
                      0.0f);
  EXPECT_TRUE(out.equal(expected));
}

TEST(ImageAugmentTest, CutoutPassesGradientToTheKeptPixelsOnly) {
  const torch::Tensor image = torch::ones({1, 1, 3, 3}).requires_grad_(true);
  Cutout(image, Longs({0}), Longs({0}), 2, 1).sum().backward();
  EXPECT_TRUE(image.grad().equal(
      torch::tensor({0.f, 1.f, 1.f, 0.f, 1.f, 1.f, 1.f, 1.f, 1.f}).view({1, 1, 3, 3})));
}

TEST(ImageAugmentTest, ParametersMustBeOnePerImage) {
  EXPECT_THROW(AdjustBrightness(torch::zeros({2, 1, 2, 2}), torch::zeros({3})), c10::Error);
  EXPECT_THROW(Translate(torch::zeros({2, 1, 2, 2}), Longs({0}), Longs({0, 0})), c10::Error);
}

// Homogeneous 3x3 matrices, one per image.
torch::Tensor Matrices(std::vector<float> entries, int64_t n = 1) {
  return torch::tensor(entries).view({1, 3, 3}).expand({n, 3, 3}).contiguous();
}

TEST(ImageAugmentTest, WarpWithTheIdentityGivesTheImagesBack) {
  const torch::Tensor images = torch::rand({2, 3, 7, 10});
  EXPECT_TRUE(WarpImages(images, Matrices({1, 0, 0, 0, 1, 0, 0, 0, 1}, 2)).allclose(images, 0, 1e-5));
}

TEST(ImageAugmentTest, WarpFlipsAndTurnsExactly) {
  const torch::Tensor images = torch::rand({1, 2, 6, 6});
  // x -> -x: each output pixel reads its mirror image across the vertical axis.
  EXPECT_TRUE(WarpImages(images, Matrices({-1, 0, 0, 0, 1, 0, 0, 0, 1})).allclose(images.flip(3), 0, 1e-5));
  // Output (x, y) reads input (-y, x): what was right of the centre is now above it, a
  // quarter turn counter-clockwise on screen (y down), as rot90 over (H, W) turns.
  EXPECT_TRUE(WarpImages(images, Matrices({0, -1, 0, 1, 0, 0, 0, 0, 1}))
                  .allclose(torch::rot90(images, 1, {2, 3}), 0, 1e-5));
}

TEST(ImageAugmentTest, WarpTranslatesByWholePixelsMirroringTheEdge) {
  // Output (x, y) reads input (x - 2, y): the content moves 2 pixels right; the two
  // columns moved in mirror the first two about the image's left edge.
  const torch::Tensor image = torch::arange(1, 6, torch::kFloat).view({1, 1, 1, 5});
  const torch::Tensor out = WarpImages(image, Matrices({1, 0, -2, 0, 1, 0, 0, 0, 1}));
  EXPECT_TRUE(out.allclose(torch::tensor({2.f, 1.f, 1.f, 2.f, 3.f}).view({1, 1, 1, 5}), 0, 1e-5))
      << out;
}

TEST(ImageAugmentTest, WarpInterpolatesBilinearlyBetweenPixels) {
  // Half a pixel to the right: each interior output is the mean of two neighbours.
  const torch::Tensor image = torch::tensor({0.f, 2.f, 4.f, 8.f}).view({1, 1, 1, 4});
  const torch::Tensor out = WarpImages(image, Matrices({1, 0, -0.5, 0, 1, 0, 0, 0, 1}));
  EXPECT_TRUE(out.slice(3, 1, 4).allclose(torch::tensor({1.f, 3.f, 6.f}).view({1, 1, 1, 3}), 0, 1e-5))
      << out;
}

// A rotation by 30 degrees and a scaling, about the centre: a warp that interpolates.
torch::Tensor RotateAndScale() {
  const double c = std::cos(M_PI / 6) * 0.8, s = std::sin(M_PI / 6) * 0.8;
  return torch::tensor({c, -s, 0.3, s, c, -0.2, 0.0, 0.0, 1.0}, torch::kDouble).view({1, 3, 3});
}

TEST(ImageAugmentTest, WarpIsGridSampleValuesAndGradientsBitForBit) {
  torch::manual_seed(0);
  const torch::Tensor images = torch::randn({2, 3, 8, 8}).requires_grad_(true);
  const torch::Tensor inverse = RotateAndScale().expand({2, 3, 3}).to(torch::kFloat);
  const torch::Tensor warped = WarpImages(images, inverse);
  const torch::Tensor weights = torch::randn_like(warped);
  const torch::Tensor grad = torch::autograd::grad({(warped * weights).sum()}, {images})[0];
  // torch's grid_sample on the same grid.
  const torch::Tensor theta =
      torch::diag(torch::tensor({2 / 8.0, 2 / 8.0, 1.0})).matmul(inverse).matmul(
          torch::diag(torch::tensor({8 / 2.0, 8 / 2.0, 1.0})));
  const torch::Tensor grid = torch::nn::functional::affine_grid(theta.slice(1, 0, 2), images.sizes(), false);
  const torch::Tensor reference = torch::nn::functional::grid_sample(
      images, grid,
      torch::nn::functional::GridSampleFuncOptions().mode(torch::kBilinear).padding_mode(torch::kReflection).align_corners(false));
  EXPECT_TRUE(warped.equal(reference));
  EXPECT_TRUE(grad.equal(torch::autograd::grad({(reference * weights).sum()}, {images})[0]));
}

// R1 on augmented images differentiates twice through the warp. For h(x) = |A x|^2 with A
// the warp's matrix (built column by column from unit images), the Hessian times v is
// 2 A^T A v.
TEST(ImageAugmentTest, WarpCanBeDifferentiatedTwice) {
  const int64_t side = 4, pixels = side * side;
  const torch::Tensor inverse = RotateAndScale();
  torch::Tensor matrix = torch::zeros({pixels, pixels}, torch::kDouble);
  for (int64_t j = 0; j < pixels; ++j) {
    const torch::Tensor unit = torch::zeros({pixels}, torch::kDouble).index_fill_(0, torch::tensor({j}), 1.0);
    matrix.select(1, j).copy_(WarpImages(unit.view({1, 1, side, side}), inverse).flatten());
  }
  torch::manual_seed(1);
  const torch::Tensor x = torch::randn({1, 1, side, side}, torch::kDouble).requires_grad_(true);
  const torch::Tensor v = torch::randn({pixels}, torch::kDouble);
  const torch::Tensor gradient =
      torch::autograd::grad({WarpImages(x, inverse).square().sum()}, {x}, {}, true, true)[0];
  const torch::Tensor hessian_v =
      torch::autograd::grad({(gradient.flatten() * v).sum()}, {x})[0].flatten();
  EXPECT_TRUE(torch::allclose(hessian_v, 2 * matrix.t().matmul(matrix.matmul(v)), 1e-10, 1e-12));
  EXPECT_GT(matrix.count_nonzero().item<int64_t>(), pixels);  // it interpolates
}

TEST(ImageAugmentTest, ColorMatrixActsOnRgbAndOnGreyAsOnAGreyPixel) {
  // Channel mixing plus an offset, against a direct loop over the pixels.
  const torch::Tensor color = torch::tensor({0.5f, 0.1f, 0.0f, 0.2f,   //
                                             0.0f, 1.0f, 0.3f, -0.1f,  //
                                             0.2f, 0.2f, 0.2f, 0.0f,   //
                                             0.0f, 0.0f, 0.0f, 1.0f})
                                  .view({1, 4, 4});
  const torch::Tensor rgb = torch::rand({1, 3, 2, 2});
  const torch::Tensor out = TransformColors(rgb, color);
  for (int64_t i = 0; i < 2; ++i) {
    for (int64_t j = 0; j < 2; ++j) {
      for (int64_t c = 0; c < 3; ++c) {
        float expected = color[0][c][3].item<float>();
        for (int64_t k = 0; k < 3; ++k) {
          expected += color[0][c][k].item<float>() * rgb[0][k][i][j].item<float>();
        }
        EXPECT_NEAR(out[0][c][i][j].item<float>(), expected, 1e-6);
      }
    }
  }
  // A grey value g is the pixel (g, g, g): the mean of its three outputs is
  // g (0.5 + 0.1 + 0 + 0 + 1 + 0.3 + 0.2 + 0.2 + 0.2) / 3 + (0.2 - 0.1 + 0) / 3.
  const torch::Tensor grey = torch::tensor({0.5f, -1.0f}).view({1, 1, 1, 2});
  const torch::Tensor expected =
      torch::tensor({0.5f * 2.5f / 3 + 0.1f / 3, -1.0f * 2.5f / 3 + 0.1f / 3}).view({1, 1, 1, 2});
  EXPECT_TRUE(TransformColors(grey, color).allclose(expected, 1e-5, 1e-6));
}

}  // namespace
}  // namespace gan
