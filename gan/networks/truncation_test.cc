// The truncation trick: bounds, the truncated normal's analytic spread, reproducibility
// under a seed, and no truncation at threshold 0.
#include "gan/networks/truncation.h"

#include <cmath>

#include <gtest/gtest.h>
#include <torch/utils.h>

namespace gan {
namespace {

double StandardNormalPdf(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2 * M_PI); }
double StandardNormalCdf(double x) { return 0.5 * (1 + std::erf(x / std::sqrt(2.0))); }

TEST(TruncatedNormalTest, EveryComponentWithinThreshold) {
  torch::manual_seed(0);
  const torch::Tensor z = TruncatedNormal({1000, 128}, 0.5);
  EXPECT_EQ(z.sizes(), (std::vector<int64_t>{1000, 128}));
  EXPECT_EQ(z.scalar_type(), torch::kFloat);
  EXPECT_LE(z.abs().max().item<double>(), 0.5);
  // Not squashed to a point: a truncated normal on [-0.5, 0.5] is nearly uniform.
  EXPECT_GT(z.abs().max().item<double>(), 0.49);
}

TEST(TruncatedNormalTest, StdMatchesTheAnalyticTruncatedNormal) {
  // Var of N(0,1) truncated to [-a, a]: 1 - 2 a phi(a) / (Phi(a) - Phi(-a)); a = 1.
  const double expected_std = std::sqrt(
      1 - 2 * 1.0 * StandardNormalPdf(1.0) / (StandardNormalCdf(1.0) - StandardNormalCdf(-1.0)));
  EXPECT_NEAR(expected_std, 0.53956, 1e-5);
  torch::manual_seed(1);
  const torch::Tensor z = TruncatedNormal({1000, 128}, 1.0, torch::kDouble);
  EXPECT_NEAR(z.std().item<double>(), expected_std, 0.01);
  EXPECT_NEAR(z.mean().item<double>(), 0.0, 0.01);
  EXPECT_LE(z.abs().max().item<double>(), 1.0);
}

TEST(TruncatedNormalTest, ReproducibleUnderTheSameSeed) {
  torch::manual_seed(42);
  const torch::Tensor a = TruncatedNormal({64, 32}, 0.7);
  torch::manual_seed(42);
  const torch::Tensor b = TruncatedNormal({64, 32}, 0.7);
  EXPECT_TRUE(a.equal(b));
  const torch::Tensor c = TruncatedNormal({64, 32}, 0.7);
  EXPECT_FALSE(a.equal(c));

  const torch::Tensor base = torch::randn({64, 32}) * 3;
  torch::manual_seed(5);
  const torch::Tensor d = TruncateLatent(base, 0.7);
  torch::manual_seed(5);
  EXPECT_TRUE(d.equal(TruncateLatent(base, 0.7)));
}

TEST(TruncatedNormalTest, ThresholdZeroIsThePlainNormal) {
  torch::manual_seed(3);
  const torch::Tensor z = TruncatedNormal({1000, 128}, 0.0);
  // P(|z| > 2) = 4.6%: thousands of such components in 128000 draws.
  EXPECT_GT((z.abs() > 2).sum().item<int64_t>(), 1000);
  EXPECT_NEAR(z.std().item<double>(), 1.0, 0.01);
  // Same draws as torch::randn under the same seed.
  torch::manual_seed(3);
  EXPECT_TRUE(z.equal(torch::randn({1000, 128})));
  torch::manual_seed(3);
  EXPECT_TRUE(z.equal(TruncatedNormal({1000, 128}, -1.0)));
}

TEST(TruncateLatentTest, KeepsInRangeComponentsAndRedrawsTheRest) {
  const torch::Tensor z = torch::tensor({0.1f, -3.0f, 0.4f, 2.5f, -0.2f});
  torch::manual_seed(9);
  const torch::Tensor out = TruncateLatent(z, 0.5);
  EXPECT_LE(out.abs().max().item<double>(), 0.5);
  EXPECT_FLOAT_EQ(out[0].item<float>(), 0.1f);
  EXPECT_FLOAT_EQ(out[2].item<float>(), 0.4f);
  EXPECT_FLOAT_EQ(out[4].item<float>(), -0.2f);
  EXPECT_NE(out[1].item<float>(), -3.0f);
  // A new tensor: the input is untouched.
  EXPECT_FLOAT_EQ(z[1].item<float>(), -3.0f);
  EXPECT_FLOAT_EQ(z[3].item<float>(), 2.5f);
  EXPECT_TRUE(TruncateLatent(z, 0).equal(z));
  EXPECT_NE(TruncateLatent(z, 0).data_ptr(), z.data_ptr());
}

TEST(TruncatedNormalTest, RejectsIntegerDtypes) {
  EXPECT_THROW(TruncatedNormal({2}, 1.0, torch::kLong), c10::Error);
  EXPECT_THROW(TruncateLatent(torch::zeros({2}, torch::kLong), 1.0), c10::Error);
}

}  // namespace
}  // namespace gan
