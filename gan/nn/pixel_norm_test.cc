#include "gan/nn/pixel_norm.h"

#include <cmath>

#include <gtest/gtest.h>
#include <torch/utils.h>

namespace gan {
namespace {

TEST(PixelNormTest, ScalesEachPixelToUnitRmsOverChannels) {
  // One pixel with features (3, 4): mean square 12.5.
  torch::Tensor x = torch::tensor({3.0f, 4.0f}).view({1, 2, 1, 1});
  torch::Tensor y = PixelNorm(x, 0.0);
  EXPECT_NEAR(y[0][0][0][0].item<float>(), 3.0 / std::sqrt(12.5), 1e-6);
  EXPECT_NEAR(y[0][1][0][0].item<float>(), 4.0 / std::sqrt(12.5), 1e-6);

  torch::manual_seed(0);
  torch::Tensor images = torch::randn({2, 5, 3, 3}) * 7 + 1;
  torch::Tensor rms = PixelNorm(images).square().mean(1).sqrt();
  EXPECT_TRUE(torch::allclose(rms, torch::ones_like(rms), 1e-5, 1e-5));
  // Pixels are independent: scaling one pixel's features changes nothing.
  torch::Tensor scaled = images.clone();
  scaled.select(2, 0).select(2, 0).mul_(10);
  EXPECT_TRUE(torch::allclose(PixelNorm(scaled), PixelNorm(images), 1e-5, 1e-6));
}

TEST(PixelNormTest, WorksOnVectorsAndRejectsScalars) {
  torch::Tensor z = torch::tensor({{1.0f, 1.0f, 1.0f, 1.0f}, {2.0f, 0.0f, 0.0f, 0.0f}});
  torch::Tensor y = PixelNorm(z, 0.0);
  EXPECT_TRUE(torch::allclose(y[0], torch::ones({4})));
  EXPECT_TRUE(torch::allclose(y[1], torch::tensor({2.0f, 0.0f, 0.0f, 0.0f})));
  EXPECT_THROW(PixelNorm(torch::ones({3})), c10::Error);
}

}  // namespace
}  // namespace gan
