#include "gan/nn/maybe_spectral_norm.h"

#include <cmath>

#include <gtest/gtest.h>
#include <torch/nn/modules/container/sequential.h>

#include "gan/nn/conditional_batch_norm.h"
#include "gan/nn/spectral_norm.h"

namespace gan {
namespace {

TEST(MaybeSpectralNormTest, TheSwitchPicksTheLayerType) {
  torch::nn::AnyModule plain = MakeConv2d(torch::nn::Conv2dOptions(2, 4, 3).padding(1), false);
  torch::nn::AnyModule normalized = MakeConv2d(torch::nn::Conv2dOptions(2, 4, 3).padding(1), true);
  EXPECT_NE(plain.ptr()->as<torch::nn::Conv2d>(), nullptr);
  EXPECT_NE(normalized.ptr()->as<SNConv2d>(), nullptr);
  const torch::Tensor x = torch::randn({1, 2, 5, 5});
  EXPECT_EQ(plain.forward(x).sizes(), normalized.forward(x).sizes());
  EXPECT_NE(MakeLinear(torch::nn::LinearOptions(3, 2), true).ptr()->as<SNLinear>(), nullptr);
  EXPECT_NE(MakeLinear(torch::nn::LinearOptions(3, 2), false).ptr()->as<torch::nn::Linear>(), nullptr);
}

TEST(MaybeSpectralNormTest, XavierInitTouchesConvAndLinearWeightsOnly) {
  torch::nn::Sequential net(torch::nn::Conv2d(torch::nn::Conv2dOptions(8, 64, 3)),
                            SNLinear(torch::nn::LinearOptions(64, 128)),
                            ClassConditionalBatchNorm2d(ClassConditionalBatchNorm2dOptions(4, 3)));
  XavierInitLayers(*net);
  auto params = net->named_parameters();
  // Xavier-uniform bound sqrt(6 / (fan_in + fan_out)); the std is bound / sqrt(3).
  const double conv_bound = std::sqrt(6.0 / (8 * 9 + 64 * 9));
  EXPECT_LE(params["0.weight"].abs().max().item<double>(), conv_bound);
  EXPECT_NEAR(params["0.weight"].std().item<double>(), conv_bound / std::sqrt(3.0), 0.05 * conv_bound);
  EXPECT_EQ(params["0.bias"].abs().max().item<double>(), 0.0);
  const double linear_bound = std::sqrt(6.0 / (64 + 128));
  EXPECT_NEAR(params["1.weight"].std().item<double>(), linear_bound / std::sqrt(3.0),
              0.05 * linear_bound);
  // Class-conditional gains stay 1 (an embedding table, not a layer weight).
  EXPECT_TRUE(params["2.gain.weight"].equal(torch::ones({3, 4})));
}

}  // namespace
}  // namespace gan
