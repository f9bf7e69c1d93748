#include "gan/nn/equalized_lr.h"

#include <cmath>

#include <gtest/gtest.h>
#include <torch/utils.h>

namespace gan {
namespace {

TEST(EqualizedLinearTest, AppliesHeConstantAndLrMultiplierAtRuntime) {
  torch::manual_seed(0);
  EqualizedLinear layer(EqualizedLinearOptions(16, 4).lr_multiplier(0.01).bias_init(1.0));
  // Stored weights are N(0, 1/lr^2); the effective weight is N(0, gain^2 / fan_in).
  EXPECT_NEAR(layer->weight_scale(), std::sqrt(2.0) / 4.0 * 0.01, 1e-12);
  EXPECT_NEAR(layer->weight.std().item<double>(), 100.0, 25.0);
  EXPECT_TRUE(torch::allclose(layer->bias, torch::full({4}, 100.0f)));

  torch::Tensor x = torch::randn({3, 16});
  torch::Tensor expected = torch::matmul(x, (layer->weight * layer->weight_scale()).t()) + 1.0;
  EXPECT_TRUE(torch::allclose(layer(x), expected, 1e-5, 1e-5));
}

TEST(EqualizedLinearTest, GradientOfStoredWeightIsScaled) {
  torch::manual_seed(1);
  EqualizedLinear layer(EqualizedLinearOptions(9, 2).gain(1.0).bias(false));
  EXPECT_FALSE(layer->bias.defined());
  torch::Tensor x = torch::randn({5, 9});
  layer(x).sum().backward();
  // d/dW sum(x (cW)^T) = c * sum_n x_n for every output row.
  torch::Tensor row = x.sum(0) * (1.0 / 3.0);
  EXPECT_TRUE(torch::allclose(layer->weight.grad()[0], row, 1e-5, 1e-6));
  EXPECT_TRUE(torch::allclose(layer->weight.grad()[1], row, 1e-5, 1e-6));
}

TEST(EqualizedConv2dTest, MatchesConvWithScaledWeight) {
  torch::manual_seed(2);
  EqualizedConv2d conv(EqualizedConv2dOptions(3, 5, 3));
  EXPECT_NEAR(conv->weight_scale(), std::sqrt(2.0) / std::sqrt(27.0), 1e-12);
  torch::Tensor x = torch::randn({2, 3, 8, 8});
  torch::Tensor y = conv(x);
  EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, 5, 8, 8}));
  torch::Tensor expected =
      torch::conv2d(x, conv->weight * conv->weight_scale(), conv->bias, 1, 1);
  EXPECT_TRUE(torch::allclose(y, expected, 1e-5, 1e-6));
  EXPECT_EQ(conv->named_parameters().size(), 2u);

  EqualizedConv2d to_rgb(EqualizedConv2dOptions(5, 1, 1).gain(1.0));
  EXPECT_EQ(to_rgb(y).sizes(), (std::vector<int64_t>{2, 1, 8, 8}));
  EXPECT_THROW(EqualizedConv2d(EqualizedConv2dOptions(0, 1, 3)), c10::Error);
}

}  // namespace
}  // namespace gan
