#include "gan/nn/adain.h"

#include <cmath>
#include <string>

#include <gtest/gtest.h>
#include <torch/utils.h>

namespace gan {
namespace {

// The defining property of AdaIN: whatever x was, each output feature map of sample n
// has the spatial mean bias[n, c] and the (biased) spatial std |scale[n, c]|.
TEST(AdaptiveInstanceNormTest, OutputChannelsTakeTheStyleMeanAndStd) {
  torch::manual_seed(0);
  AdaptiveInstanceNorm adain(AdaptiveInstanceNormOptions(5, 8));
  {
    // Move the style bias off its init so means and scales vary, some scales < 0.
    torch::NoGradGuard no_grad;
    adain->style->bias.copy_(
        torch::tensor({1.5f, -2.0f, 3.0f, 0.5f, -1.0f, 0.5f, -2.0f, 1.0f, 0.0f, 3.0f}));
  }
  const torch::Tensor x = torch::randn({3, 5, 6, 7}) * 3 + 2;
  const torch::Tensor w = torch::randn({3, 8});
  const torch::Tensor y = adain(x, w);
  ASSERT_EQ(y.sizes(), x.sizes());
  const auto [scale, bias] = adain->Style(w);
  ASSERT_EQ(scale.sizes(), (torch::IntArrayRef{3, 5}));
  EXPECT_LT(scale.min().item<float>(), 0.0f);  // so |scale| below is really exercised
  const torch::Tensor mean = y.mean({2, 3});
  const torch::Tensor std = y.std({2, 3}, /*unbiased=*/false);
  EXPECT_TRUE(torch::allclose(mean, bias, 0, 1e-4)) << mean << bias;
  EXPECT_TRUE(torch::allclose(std, scale.abs(), 0, 1e-4)) << std << scale;
}

TEST(AdaptiveInstanceNormTest, MatchesHandComputedValues) {
  AdaptiveInstanceNorm adain(AdaptiveInstanceNormOptions(2, 3).eps(0.0));
  // Effective style bias: 1 for the scales, 0 for the biases.
  EXPECT_TRUE(torch::equal(adain->style->bias, torch::tensor({1.0f, 1.0f, 0.0f, 0.0f})));
  // Channel 0 holds 1, 2, 3, 4: mean 2.5, biased variance 1.25. Channel 1 holds 10 - x.
  const torch::Tensor x =
      torch::tensor({1.0f, 2.0f, 3.0f, 4.0f, 9.0f, 8.0f, 7.0f, 6.0f}).view({1, 2, 2, 2});
  const float s = 1.0f / std::sqrt(1.25f);
  const torch::Tensor normalized =
      torch::tensor({-1.5f, -0.5f, 0.5f, 1.5f, 1.5f, 0.5f, -0.5f, -1.5f}).view({1, 2, 2, 2}) * s;
  // w = 0: the style is exactly its bias, so AdaIN is plain instance norm.
  EXPECT_TRUE(torch::allclose(adain(x, torch::zeros({1, 3})), normalized, 1e-5, 1e-6));

  // Any w: scale, bias from the explicitly scaled affine map.
  torch::manual_seed(1);
  const torch::Tensor w = torch::randn({1, 3});
  const torch::Tensor style =
      torch::matmul(w, (adain->style->weight / std::sqrt(3.0)).t()) + adain->style->bias;
  const torch::Tensor scale = style.narrow(1, 0, 2).view({1, 2, 1, 1});
  const torch::Tensor expected = scale * normalized + style.narrow(1, 2, 2).view({1, 2, 1, 1});
  EXPECT_TRUE(torch::allclose(adain(x, w), expected, 1e-5, 1e-5));
}

TEST(AdaptiveInstanceNormTest, GradientReachesTheStyleLayer) {
  torch::manual_seed(2);
  AdaptiveInstanceNorm adain(AdaptiveInstanceNormOptions(4, 6));
  const torch::Tensor x = torch::randn({2, 4, 3, 5}, torch::requires_grad());
  const torch::Tensor w = torch::randn({2, 6}, torch::requires_grad());
  // sum(y) = sum(scale * 0) + H * W * sum(bias): the bias half of the style layer's bias
  // gets N * H * W = 30 each, the scale half 0.
  adain(x, w).sum().backward();
  const torch::Tensor bias_grad = adain->style->bias.grad();
  EXPECT_TRUE(torch::allclose(bias_grad.narrow(0, 4, 4), torch::full({4}, 30.0f), 1e-5, 1e-4));
  EXPECT_TRUE(torch::allclose(bias_grad.narrow(0, 0, 4), torch::zeros({4}), 0, 1e-4));

  adain->zero_grad();
  adain(x, w).square().sum().backward();
  EXPECT_GT(adain->style->weight.grad().abs().sum().item<float>(), 0.0f);
  EXPECT_GT(w.grad().abs().sum().item<float>(), 0.0f);
  EXPECT_TRUE(x.grad().defined());
  EXPECT_EQ(adain->parameters().size(), 2u);  // style.weight, style.bias
}

TEST(AdaptiveInstanceNormTest, ShapeErrorsNameTheExpectedShape) {
  AdaptiveInstanceNorm adain(AdaptiveInstanceNormOptions(4, 6));
  try {
    adain(torch::randn({2, 3, 4, 4}), torch::randn({2, 6}));
    FAIL() << "wrong channel count accepted";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("expects x [N, 4, H, W]"), std::string::npos) << e.what();
  }
  try {
    adain(torch::randn({2, 4, 4, 4}), torch::randn({2, 5}));
    FAIL() << "wrong style width accepted";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("expects w [N, 6]"), std::string::npos) << e.what();
  }
  EXPECT_THROW(adain(torch::randn({2, 4, 4, 4}), torch::randn({3, 6})), c10::Error);
  EXPECT_THROW(AdaptiveInstanceNorm(AdaptiveInstanceNormOptions(0, 6)), c10::Error);
}

}  // namespace
}  // namespace gan
