#include "gan/nn/conditional_batch_norm.h"

#include <gtest/gtest.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/utils.h>

#include "gan/nn/spectral_norm.h"

namespace gan {
namespace {

// Batch normalization written out: per-channel batch mean and biased variance.
torch::Tensor NormalizeByHand(const torch::Tensor& x, double eps = 1e-5) {
  const torch::Tensor mean = x.mean({0, 2, 3}, /*keepdim=*/true);
  const torch::Tensor var = (x - mean).pow(2).mean({0, 2, 3}, /*keepdim=*/true);
  return (x - mean) / torch::sqrt(var + eps);
}

TEST(ClassConditionalBatchNorm2dTest, MatchesHandComputedNormalizationAndClassAffine) {
  torch::manual_seed(0);
  ClassConditionalBatchNorm2d cbn(ClassConditionalBatchNorm2dOptions(2, 3));
  {
    torch::NoGradGuard no_grad;
    cbn->gain->weight.copy_(torch::tensor({{1.0, 2.0}, {0.5, 3.0}, {-1.0, 0.25}}));
    cbn->bias->weight.copy_(torch::tensor({{0.0, 1.0}, {-2.0, 0.5}, {4.0, -3.0}}));
  }
  const torch::Tensor x = torch::randn({5, 2, 3, 4}) * 3 + 1;
  const torch::Tensor labels = torch::tensor({2, 0, 1, 2, 0}, torch::kLong);
  const torch::Tensor out = cbn(x, labels);

  const torch::Tensor normalized = NormalizeByHand(x);
  const float gains[3][2] = {{1.0f, 2.0f}, {0.5f, 3.0f}, {-1.0f, 0.25f}};
  const float biases[3][2] = {{0.0f, 1.0f}, {-2.0f, 0.5f}, {4.0f, -3.0f}};
  for (int64_t i = 0; i < 5; ++i) {
    const int64_t k = labels[i].item<int64_t>();
    for (int64_t c = 0; c < 2; ++c) {
      const torch::Tensor expected = normalized[i][c] * gains[k][c] + biases[k][c];
      EXPECT_TRUE(torch::allclose(out[i][c], expected, 1e-5, 1e-5)) << "sample " << i;
    }
  }
}

TEST(ClassConditionalBatchNorm2dTest, PerClassStatisticsAreTheClassGainAndBias) {
  // Every sample is the same pattern, so each sample is normalized the same way: each has
  // per-channel mean 0 and biased std 1 after BN, hence mean = bias[k], std = |gain[k]|.
  ClassConditionalBatchNorm2d cbn(ClassConditionalBatchNorm2dOptions(2, 2).eps(0));
  {
    torch::NoGradGuard no_grad;
    cbn->gain->weight.copy_(torch::tensor({{2.0, 0.5}, {3.0, 1.5}}));
    cbn->bias->weight.copy_(torch::tensor({{1.0, -1.0}, {0.0, 2.0}}));
  }
  const torch::Tensor pattern = torch::randn({1, 2, 4, 4});
  const torch::Tensor x = pattern.repeat({4, 1, 1, 1});
  const torch::Tensor labels = torch::tensor({0, 1, 1, 0}, torch::kLong);
  const torch::Tensor out = cbn(x, labels);
  for (int64_t k = 0; k < 2; ++k) {
    const torch::Tensor of_class = out.index({labels == k});
    const torch::Tensor mean = of_class.mean({0, 2, 3});
    const torch::Tensor std = of_class.std({0, 2, 3}, /*unbiased=*/false);
    EXPECT_TRUE(torch::allclose(mean, cbn->bias->weight[k], 1e-5, 1e-5)) << "class " << k;
    EXPECT_TRUE(torch::allclose(std, cbn->gain->weight[k], 1e-5, 1e-5)) << "class " << k;
  }
}

TEST(ClassConditionalBatchNorm2dTest, AtInitEqualsPlainBatchNorm) {
  ClassConditionalBatchNorm2d cbn(ClassConditionalBatchNorm2dOptions(3, 4));
  torch::nn::BatchNorm2d bn(torch::nn::BatchNorm2dOptions(3).affine(false));
  const torch::Tensor x = torch::randn({6, 3, 2, 2});
  const torch::Tensor labels = torch::tensor({0, 1, 2, 3, 0, 1}, torch::kLong);
  EXPECT_TRUE(torch::allclose(cbn(x, labels), bn(x), 1e-6, 1e-6));
  EXPECT_TRUE(torch::allclose(cbn(x, labels), NormalizeByHand(x), 1e-5, 1e-5));
}

TEST(ClassConditionalBatchNorm2dTest, DifferentLabelsGiveDifferentOutputs) {
  torch::manual_seed(1);
  ClassConditionalBatchNorm2d cbn(ClassConditionalBatchNorm2dOptions(3, 2));
  {
    torch::NoGradGuard no_grad;
    cbn->gain->weight.normal_();
    cbn->bias->weight.normal_();
  }
  const torch::Tensor x = torch::randn({2, 3, 4, 4});
  const torch::Tensor a = cbn(x, torch::tensor({0, 0}, torch::kLong));
  const torch::Tensor b = cbn(x, torch::tensor({1, 1}, torch::kLong));
  EXPECT_GT((a - b).abs().max().item<float>(), 1e-2f);
}

TEST(ClassConditionalBatchNorm2dTest, RunningStatsUpdateInTrainingAndAreUsedInEval) {
  ClassConditionalBatchNorm2d cbn(ClassConditionalBatchNorm2dOptions(2, 2));
  {
    torch::NoGradGuard no_grad;
    cbn->gain->weight.copy_(torch::tensor({{2.0, 3.0}, {1.0, 1.0}}));
    cbn->bias->weight.copy_(torch::tensor({{0.5, -0.5}, {0.0, 0.0}}));
  }
  const torch::Tensor x = torch::randn({4, 2, 3, 3}) * 2 + 5;
  const torch::Tensor labels = torch::tensor({0, 1, 0, 1}, torch::kLong);
  cbn(x, labels);
  // running = (1 - momentum) * initial + momentum * batch (unbiased variance), as torch.
  const torch::Tensor batch_mean = x.mean({0, 2, 3});
  const torch::Tensor batch_var = x.var({0, 2, 3}, /*unbiased=*/true);
  const torch::Tensor running_mean = 0.1 * batch_mean;
  const torch::Tensor running_var = 0.9 + 0.1 * batch_var;
  EXPECT_TRUE(torch::allclose(cbn->bn->running_mean, running_mean, 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(cbn->bn->running_var, running_var, 1e-5, 1e-5));

  cbn->eval();
  const torch::Tensor y = torch::randn({2, 2, 3, 3});
  const torch::Tensor eval_labels = torch::tensor({0, 0}, torch::kLong);
  const torch::Tensor normalized = (y - running_mean.view({1, 2, 1, 1})) /
                                   torch::sqrt(running_var.view({1, 2, 1, 1}) + 1e-5);
  const torch::Tensor expected = normalized * torch::tensor({2.0f, 3.0f}).view({1, 2, 1, 1}) +
                                 torch::tensor({0.5f, -0.5f}).view({1, 2, 1, 1});
  EXPECT_TRUE(torch::allclose(cbn(y, eval_labels), expected, 1e-5, 1e-5));
  // Eval mode leaves the running statistics alone.
  EXPECT_TRUE(torch::allclose(cbn->bn->running_mean, running_mean, 1e-6, 1e-6));
}

TEST(LinearConditionalBatchNorm2dTest, ZeroConditionEqualsPlainBatchNorm) {
  for (bool spectral_norm : {false, true}) {
    LinearConditionalBatchNorm2d cbn(
        LinearConditionalBatchNorm2dOptions(3, 5).spectral_norm(spectral_norm));
    const torch::Tensor x = torch::randn({4, 3, 2, 2});
    EXPECT_TRUE(torch::allclose(cbn(x, torch::zeros({4, 5})), NormalizeByHand(x), 1e-5, 1e-5))
        << "spectral_norm " << spectral_norm;
  }
}

TEST(LinearConditionalBatchNorm2dTest, MatchesHandComputedGainAndBias) {
  LinearConditionalBatchNorm2d cbn(
      LinearConditionalBatchNorm2dOptions(2, 3).spectral_norm(false));
  auto params = cbn->named_parameters();
  ASSERT_EQ(params.size(), 2u);  // gain.weight, bias.weight: no linear biases
  {
    torch::NoGradGuard no_grad;
    params["gain.weight"].copy_(torch::tensor({{1.0, 0.0, 0.0}, {0.0, 2.0, -1.0}}));
    params["bias.weight"].copy_(torch::tensor({{0.0, 0.0, 1.0}, {3.0, 0.0, 0.0}}));
  }
  const torch::Tensor x = torch::randn({2, 2, 3, 3});
  const torch::Tensor condition = torch::tensor({{1.0, 1.0, 2.0}, {-1.0, 0.5, 0.0}});
  // Sample 0: gain = 1 + (1, 2 - 2) = (2, 1), bias = (2, 3).
  // Sample 1: gain = 1 + (-1, 1) = (0, 2), bias = (0, -3).
  const torch::Tensor gain = torch::tensor({{2.0, 1.0}, {0.0, 2.0}}).view({2, 2, 1, 1});
  const torch::Tensor bias = torch::tensor({{2.0, 3.0}, {0.0, -3.0}}).view({2, 2, 1, 1});
  EXPECT_TRUE(torch::allclose(cbn(x, condition), NormalizeByHand(x) * gain + bias, 1e-5, 1e-5));
}

TEST(LinearConditionalBatchNorm2dTest, SpectralNormUsesSNLinearAndConditionMatters) {
  torch::manual_seed(2);
  LinearConditionalBatchNorm2d cbn(LinearConditionalBatchNorm2dOptions(3, 4));
  ASSERT_NE(cbn->gain.ptr()->as<SNLinearImpl>(), nullptr);
  ASSERT_NE(cbn->bias.ptr()->as<SNLinearImpl>(), nullptr);
  EXPECT_EQ(cbn->named_buffers().size(), 7u);  // bn: mean, var, count; u, v of each SNLinear
  const torch::Tensor x = torch::randn({2, 3, 4, 4});
  const torch::Tensor a = cbn(x, torch::randn({2, 4}));
  const torch::Tensor b = cbn(x, torch::randn({2, 4}));
  EXPECT_GT((a - b).abs().max().item<float>(), 1e-3f);
  a.pow(2).sum().backward();
  EXPECT_GT(cbn->named_parameters()["gain.weight"].grad().abs().sum().item<float>(), 0);
}

}  // namespace
}  // namespace gan
