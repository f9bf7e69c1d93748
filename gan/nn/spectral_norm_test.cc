#include "gan/nn/spectral_norm.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>
#include <torch/serialize.h>
#include <torch/utils.h>

namespace gan {
namespace {

double LargestSingularValue(const torch::Tensor& weight) {
  return torch::linalg_svdvals(weight.detach().reshape({weight.size(0), -1}))[0].item<double>();
}

TEST(SpectralNormalizeTest, OneStepMatchesHandComputedPowerIteration) {
  // W = diag(3, 1), u = (1, 0)/.., v = (1, 1)/sqrt(2):
  //   v' = normalize(W^T u) = normalize((3, 0)) = (1, 0), u' = normalize(W v') = (1, 0),
  //   sigma = u' . W v' = 3, so the result is W / 3.
  const torch::Tensor w = torch::tensor({3.0, 0.0, 0.0, 1.0}, torch::kDouble).view({2, 2});
  const torch::Tensor u = torch::tensor({1.0, 0.0}, torch::kDouble);
  const torch::Tensor v = torch::tensor({1.0, 1.0}, torch::kDouble) / std::sqrt(2.0);
  const torch::Tensor out = SpectralNormalize(w, u, v, /*update=*/true);
  EXPECT_TRUE(torch::allclose(out, w / 3.0));
  EXPECT_TRUE(torch::allclose(u, torch::tensor({1.0, 0.0}, torch::kDouble)));
  EXPECT_TRUE(torch::allclose(v, torch::tensor({1.0, 0.0}, torch::kDouble)));
}

TEST(SpectralNormalizeTest, WithoutUpdateUsesStoredVectors) {
  // sigma = u . W v = (1, 0) . (3, 1)/sqrt(2) = 3/sqrt(2).
  const torch::Tensor w = torch::tensor({3.0, 0.0, 0.0, 1.0}, torch::kDouble).view({2, 2});
  const torch::Tensor u = torch::tensor({1.0, 0.0}, torch::kDouble);
  const torch::Tensor v = torch::tensor({1.0, 1.0}, torch::kDouble) / std::sqrt(2.0);
  const torch::Tensor v_before = v.clone();
  const torch::Tensor out = SpectralNormalize(w, u, v, /*update=*/false);
  EXPECT_TRUE(torch::allclose(out, w * std::sqrt(2.0) / 3.0));
  EXPECT_TRUE(v.equal(v_before));
}

TEST(SNConv2dTest, LargestSingularValueConvergesToOne) {
  // The error shrinks like (sigma_2 / sigma_1)^(2 * steps); this seed's weight has a
  // typical ratio (0.93); near-degenerate top singular values would need more steps.
  torch::manual_seed(2);
  SNConv2d conv(torch::nn::Conv2dOptions(8, 16, 3).padding(1));
  const torch::Tensor x = torch::randn({2, 8, 6, 6});
  for (int i = 0; i < 30; ++i) conv(x);
  EXPECT_NEAR(LargestSingularValue(conv->normalized_weight()), 1.0, 1e-3);
  // The raw weight itself is not normalized.
  EXPECT_GT(std::abs(LargestSingularValue(conv->weight) - 1.0), 0.1);
}

TEST(SNLinearTest, LargestSingularValueConvergesToOne) {
  torch::manual_seed(1);
  SNLinear linear(torch::nn::LinearOptions(20, 12));
  const torch::Tensor x = torch::randn({4, 20});
  for (int i = 0; i < 30; ++i) linear(x);
  EXPECT_NEAR(LargestSingularValue(linear->normalized_weight()), 1.0, 1e-3);
}

TEST(SNLinearTest, ForwardIsLinearWithNormalizedWeight) {
  torch::manual_seed(2);
  SNLinear linear(torch::nn::LinearOptions(5, 3));
  linear->eval();
  const torch::Tensor x = torch::randn({4, 5});
  const torch::Tensor w = linear->normalized_weight();
  EXPECT_TRUE(torch::allclose(linear(x), x.matmul(w.t()) + linear->bias));
}

TEST(SNConv2dTest, EvalKeepsVectorsAndTrainingUpdatesThem) {
  torch::manual_seed(3);
  SNConv2d conv(torch::nn::Conv2dOptions(3, 4, 3));
  const torch::Tensor x = torch::randn({1, 3, 5, 5});
  conv->eval();
  const torch::Tensor u0 = conv->u.clone();
  const torch::Tensor v0 = conv->v.clone();
  const torch::Tensor y0 = conv(x);
  const torch::Tensor y1 = conv(x);
  EXPECT_TRUE(conv->u.equal(u0));
  EXPECT_TRUE(conv->v.equal(v0));
  EXPECT_TRUE(y0.equal(y1));
  conv->train();
  conv(x);
  EXPECT_FALSE(torch::allclose(conv->u, u0));
  EXPECT_FALSE(torch::allclose(conv->v, v0));
  // They stay unit vectors.
  EXPECT_NEAR(conv->u.norm().item<double>(), 1.0, 1e-6);
  EXPECT_NEAR(conv->v.norm().item<double>(), 1.0, 1e-6);
}

TEST(SNConv2dTest, VectorsSurviveSaveAndLoad) {
  torch::manual_seed(4);
  SNConv2d conv(torch::nn::Conv2dOptions(3, 6, 3).padding(1));
  const torch::Tensor x = torch::randn({2, 3, 4, 4});
  for (int i = 0; i < 5; ++i) conv(x);
  const std::string path = std::string(std::getenv("TEST_TMPDIR") ? std::getenv("TEST_TMPDIR")
                                                                   : "/tmp") +
                           "/sn_conv.pt";
  torch::save(conv, path);

  torch::manual_seed(5);
  SNConv2d loaded(torch::nn::Conv2dOptions(3, 6, 3).padding(1));
  ASSERT_FALSE(loaded->u.equal(conv->u));
  torch::load(loaded, path);
  EXPECT_TRUE(loaded->u.equal(conv->u));
  EXPECT_TRUE(loaded->v.equal(conv->v));
  EXPECT_TRUE(loaded->weight.equal(conv->weight));
  conv->eval();
  loaded->eval();
  EXPECT_TRUE(loaded(x).equal(conv(x)));
  std::remove(path.c_str());
}

TEST(SNConv2dTest, ParametersBuffersAndGradients) {
  SNConv2d conv(torch::nn::Conv2dOptions(3, 4, 3));
  const auto params = conv->named_parameters();
  ASSERT_EQ(params.size(), 2u);
  EXPECT_TRUE(params.contains("weight"));
  EXPECT_TRUE(params.contains("bias"));
  const auto buffers = conv->named_buffers();
  ASSERT_EQ(buffers.size(), 2u);
  EXPECT_EQ(buffers["u"].sizes().vec(), (std::vector<int64_t>{4}));
  EXPECT_EQ(buffers["v"].sizes().vec(), (std::vector<int64_t>{27}));
  // Two forwards before one backward: the second update must not break the first graph.
  const torch::Tensor x = torch::randn({2, 3, 5, 5});
  const torch::Tensor loss = conv(x).pow(2).sum() + conv(x).sum();
  loss.backward();
  EXPECT_GT(conv->weight.grad().abs().sum().item<double>(), 0);
  EXPECT_GT(conv->bias.grad().abs().sum().item<double>(), 0);
}

TEST(SNLinearTest, GradientsReachWeightAndBias) {
  SNLinear linear(torch::nn::LinearOptions(6, 3));
  linear(torch::randn({4, 6})).pow(2).sum().backward();
  EXPECT_GT(linear->weight.grad().abs().sum().item<double>(), 0);
  EXPECT_GT(linear->bias.grad().abs().sum().item<double>(), 0);
  SNLinear no_bias(torch::nn::LinearOptions(6, 3).bias(false));
  EXPECT_EQ(no_bias->parameters().size(), 1u);
  EXPECT_FALSE(no_bias->bias.defined());
}

TEST(SNConv2dTest, StridePaddingAndNoBias) {
  SNConv2d down(torch::nn::Conv2dOptions(3, 8, 4).stride(2).padding(1).bias(false));
  EXPECT_EQ(down->parameters().size(), 1u);
  const torch::Tensor y = down(torch::randn({2, 3, 16, 16}));
  EXPECT_EQ(y.sizes().vec(), (std::vector<int64_t>{2, 8, 8, 8}));
  SNConv2d same(torch::nn::Conv2dOptions(3, 5, 3).padding(1));
  EXPECT_EQ(same(torch::randn({1, 3, 7, 9})).sizes().vec(), (std::vector<int64_t>{1, 5, 7, 9}));
  // Matches a plain conv2d with the normalized weight.
  down->eval();
  const torch::Tensor x = torch::randn({1, 3, 8, 8});
  const torch::Tensor expected = torch::conv2d(x, down->normalized_weight(), {}, 2, 1);
  EXPECT_TRUE(torch::allclose(down(x), expected, 1e-5, 1e-6));
}

TEST(SNConv2dTest, FollowsTheModuleToAnotherDtype) {
  SNConv2d conv(torch::nn::Conv2dOptions(2, 3, 1));
  conv->to(torch::kDouble);
  EXPECT_EQ(conv->u.scalar_type(), torch::kDouble);
  EXPECT_EQ(conv(torch::randn({1, 2, 3, 3}, torch::kDouble)).scalar_type(), torch::kDouble);
}

TEST(SNLinearTest, CloneCopiesVectors) {
  SNLinear linear(torch::nn::LinearOptions(4, 3));
  linear(torch::randn({2, 4}));
  auto copy = std::dynamic_pointer_cast<SNLinearImpl>(linear->clone());
  ASSERT_NE(copy, nullptr);
  EXPECT_TRUE(copy->u.equal(linear->u));
  EXPECT_TRUE(copy->v.equal(linear->v));
  copy->forward(torch::randn({2, 4}));
  EXPECT_FALSE(copy->u.is_same(linear->u));
}

}  // namespace
}  // namespace gan
