#include "gan/nn/minibatch_stddev.h"

#include <cmath>
#include <string>

#include <gtest/gtest.h>
#include <torch/utils.h>

namespace gan {
namespace {

TEST(MinibatchStdDevTest, OneGroupOfFourScalars) {
  // Values 1..4: mean 2.5, biased variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25.
  const torch::Tensor x = torch::tensor({1.0f, 2.0f, 3.0f, 4.0f}).view({4, 1, 1, 1});
  const torch::Tensor y = MinibatchStdDev(x, 4, 0.0);
  ASSERT_EQ(y.sizes(), (torch::IntArrayRef{4, 2, 1, 1}));
  EXPECT_TRUE(torch::equal(y.select(1, 0), x.select(1, 0)));
  for (int64_t i = 0; i < 4; ++i) {
    EXPECT_NEAR(y[i][1][0][0].item<float>(), std::sqrt(1.25), 1e-6) << i;
  }
}

TEST(MinibatchStdDevTest, SampleIBelongsToGroupIModuloGroupCount) {
  // N = 4, G = 2: groups {0, 2} and {1, 3} (StyleGAN's reshape), not {0, 1} and {2, 3}.
  // Group {0, 2}: pixel stds |0 - 2| / 2 = 1 and |0 - 4| / 2 = 2, mean 1.5.
  // Group {1, 3}: identical samples, std 0.
  const torch::Tensor x =
      torch::tensor({0.0f, 0.0f, 0.0f, 10.0f, 2.0f, 4.0f, 0.0f, 10.0f}).view({4, 1, 1, 2});
  const torch::Tensor y = MinibatchStdDev(x, 2, 0.0);
  ASSERT_EQ(y.sizes(), (torch::IntArrayRef{4, 2, 1, 2}));
  const torch::Tensor expected =
      torch::tensor({1.5f, 1.5f, 0.0f, 0.0f, 1.5f, 1.5f, 0.0f, 0.0f}).view({4, 1, 1, 2});
  EXPECT_TRUE(torch::allclose(y.narrow(1, 1, 1), expected, 0, 1e-6));
}

TEST(MinibatchStdDevTest, MatchesAPerGroupReferenceAndClampsTheGroupToTheBatch) {
  torch::manual_seed(0);
  const torch::Tensor x = torch::randn({8, 3, 2, 2});
  const double eps = 1e-8;
  const torch::Tensor y = MinibatchStdDev(x, 4, eps);
  ASSERT_EQ(y.sizes(), (torch::IntArrayRef{8, 4, 2, 2}));
  EXPECT_TRUE(torch::equal(y.narrow(1, 0, 3), x));
  const int64_t groups = 2;
  for (int64_t i = 0; i < 8; ++i) {
    // Members of sample i's group: j with j % groups == i % groups.
    const torch::Tensor members = x.index_select(
        0, torch::arange(i % groups, 8, groups, torch::kLong));  // [4, 3, 2, 2]
    const double expected =
        (members.var(0, /*unbiased=*/false) + eps).sqrt().mean().item<double>();
    EXPECT_TRUE(torch::allclose(y[i][3], torch::full({2, 2}, expected), 1e-5, 1e-6)) << i;
  }
  // N = 2 < group_size: one group of 2; values 1 and 3 have std 1.
  const torch::Tensor pair =
      MinibatchStdDev(torch::tensor({1.0f, 3.0f}).view({2, 1, 1, 1}), 4, 0.0);
  EXPECT_NEAR(pair[0][1][0][0].item<float>(), 1.0f, 1e-6);
  EXPECT_NEAR(pair[1][1][0][0].item<float>(), 1.0f, 1e-6);
}

TEST(MinibatchStdDevTest, GradientIsFiniteEvenForIdenticalSamples) {
  // eps keeps d sqrt / d variance finite where the group has no spread at all.
  for (const torch::Tensor& data : {torch::randn({4, 2, 3, 3}), torch::ones({4, 2, 3, 3})}) {
    const torch::Tensor x = data.clone().requires_grad_(true);
    MinibatchStdDev(x).sum().backward();
    ASSERT_TRUE(x.grad().defined());
    EXPECT_TRUE(torch::isfinite(x.grad()).all().item<bool>());
  }
}

TEST(MinibatchStdDevTest, RejectsABatchNotDivisibleByTheGroup) {
  try {
    MinibatchStdDev(torch::zeros({6, 1, 2, 2}), 4);
    FAIL() << "expected an error for N = 6, G = 4";
  } catch (const c10::Error& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("N = 6"), std::string::npos) << message;
    EXPECT_NE(message.find("G = 4"), std::string::npos) << message;
  }
  EXPECT_THROW(MinibatchStdDev(torch::zeros({4, 1, 2})), c10::Error);
  EXPECT_THROW(MinibatchStdDev(torch::zeros({4, 1, 2, 2}), 0), c10::Error);
}

}  // namespace
}  // namespace gan
