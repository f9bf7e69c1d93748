// KID against a direct double loop over sample pairs, the subset-size and std
// conventions, and its behaviour on equal and shifted distributions.
#include "gan/metrics/kid.h"

#include <cmath>
#include <string>
#include <vector>

#include <ATen/CPUGeneratorImpl.h>
#include <gtest/gtest.h>
#include <torch/utils.h>

namespace gan {
namespace {

using Rows = std::vector<std::vector<double>>;

Rows ToRows(const torch::Tensor& t) {
  const torch::Tensor d = t.to(torch::kDouble).contiguous();
  Rows rows(d.size(0), std::vector<double>(d.size(1)));
  for (int64_t i = 0; i < d.size(0); ++i) {
    for (int64_t k = 0; k < d.size(1); ++k) rows[i][k] = d[i][k].item<double>();
  }
  return rows;
}

double Kernel(const std::vector<double>& a, const std::vector<double>& b) {
  double dot = 0;
  for (size_t k = 0; k < a.size(); ++k) dot += a[k] * b[k];
  return std::pow(dot / a.size() + 1.0, 3);
}

// The estimator written out pair by pair.
double DirectMmd2(const Rows& x, const Rows& y) {
  double xx = 0, yy = 0, xy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    for (size_t j = 0; j < x.size(); ++j) {
      if (i != j) xx += Kernel(x[i], x[j]);
    }
  }
  for (size_t i = 0; i < y.size(); ++i) {
    for (size_t j = 0; j < y.size(); ++j) {
      if (i != j) yy += Kernel(y[i], y[j]);
    }
  }
  for (const auto& a : x) {
    for (const auto& b : y) xy += Kernel(a, b);
  }
  const double m = x.size(), n = y.size();
  return xx / (m * (m - 1)) + yy / (n * (n - 1)) - 2 * xy / (m * n);
}

TEST(KidTest, KernelMatchesDefinition) {
  // d = 2: x = (1, 2), y = (3, -1): x.y / d + 1 = 1 / 2 + 1 = 1.5, cubed 3.375.
  const torch::Tensor x = torch::tensor({1.0, 2.0}, torch::kDouble).view({1, 2});
  const torch::Tensor y = torch::tensor({3.0, -1.0}, torch::kDouble).view({1, 2});
  EXPECT_DOUBLE_EQ(CubicPolynomialKernel(x, y).item<double>(), 3.375);
}

TEST(KidTest, Mmd2MatchesDoubleLoopOnUnequalSets) {
  torch::manual_seed(12);
  const torch::Tensor x = torch::randn({12, 4}, torch::kDouble);
  const torch::Tensor y = torch::randn({15, 4}, torch::kDouble) * 1.3 + 0.4;
  const double expected = DirectMmd2(ToRows(x), ToRows(y));
  EXPECT_NEAR(UnbiasedPolynomialMmd2(x, y), expected, 1e-12 * std::abs(expected));
  EXPECT_NEAR(UnbiasedPolynomialMmd2(x.to(torch::kFloat), y.to(torch::kFloat)),
              DirectMmd2(ToRows(x.to(torch::kFloat)), ToRows(y.to(torch::kFloat))),
              1e-12 * std::abs(expected));
}

TEST(KidTest, OneSubsetHoldingEverythingEqualsTheDoubleLoop) {
  // Both sets have 12 rows and subset_size >= 12: the single subset is a permutation of
  // all rows, and the estimate does not depend on the order.
  torch::manual_seed(13);
  const torch::Tensor real = torch::randn({12, 4}, torch::kDouble);
  const torch::Tensor fake = torch::randn({12, 4}, torch::kDouble) + 0.5;
  KernelInceptionDistanceOptions options;
  options.subsets = 1;
  options.subset_size = 1000;
  const KernelInceptionDistanceResult kid = KernelInceptionDistance(real, fake, options);
  const double expected = DirectMmd2(ToRows(real), ToRows(fake));
  EXPECT_EQ(kid.subset_size, 12);
  EXPECT_NEAR(kid.mean, expected, 1e-12 * std::abs(expected));
  EXPECT_EQ(kid.std, 0.0);
  ASSERT_EQ(kid.subset_values.size(), 1u);
}

TEST(KidTest, SubsetSizeIsCappedAtTheSmallerSetAsCleanFid) {
  // 12 real and 15 fake rows with subset_size 1000: m = min(1000, 12, 15) = 12 for both.
  // The documented draw order (per subset: randperm of the reals, then of the fakes, from
  // one CPU generator seeded with `seed`) is replayed here and each subset checked against
  // the double loop over exactly those rows.
  torch::manual_seed(14);
  const torch::Tensor real = torch::randn({12, 4}, torch::kDouble);
  const torch::Tensor fake = torch::randn({15, 4}, torch::kDouble) + 0.5;
  KernelInceptionDistanceOptions options;
  options.subsets = 7;
  options.seed = 5;
  const KernelInceptionDistanceResult kid = KernelInceptionDistance(real, fake, options);
  EXPECT_EQ(kid.subset_size, 12);
  ASSERT_EQ(kid.subset_values.size(), 7u);
  at::Generator generator = at::detail::createCPUGenerator(5);
  const auto long_options = torch::TensorOptions().dtype(torch::kLong);
  double sum = 0, squares = 0;
  for (double v : kid.subset_values) {
    const torch::Tensor r = torch::randperm(12, generator, long_options).narrow(0, 0, 12);
    const torch::Tensor f = torch::randperm(15, generator, long_options).narrow(0, 0, 12);
    const double expected =
        DirectMmd2(ToRows(real.index_select(0, r)), ToRows(fake.index_select(0, f)));
    EXPECT_NEAR(v, expected, 1e-12 * std::abs(expected));
    sum += v;
  }
  const double mean = sum / 7;
  for (double v : kid.subset_values) squares += (v - mean) * (v - mean);
  EXPECT_NEAR(kid.mean, mean, 1e-15);
  EXPECT_NEAR(kid.std, std::sqrt(squares / 7), 1e-15);  // ddof 0 as torch-fidelity's np.std
  EXPECT_GT(kid.std, 0.0);
  // Seeded: the same seed gives the same subsets, another seed others.
  EXPECT_EQ(KernelInceptionDistance(real, fake, options).subset_values, kid.subset_values);
  options.seed = 6;
  EXPECT_NE(KernelInceptionDistance(real, fake, options).subset_values, kid.subset_values);
}

TEST(KidTest, EqualDistributionsGiveAboutZero) {
  // Unbiased: E[MMD^2_u] = 0 for equal distributions, so the mean over subsets scatters
  // around 0; a 0.5 shift of every coordinate gives a clearly positive value.
  torch::manual_seed(15);
  const torch::Tensor real = torch::randn({2000, 16});
  const torch::Tensor same = torch::randn({2000, 16});
  KernelInceptionDistanceOptions options;
  options.subsets = 20;
  options.subset_size = 500;
  const KernelInceptionDistanceResult equal = KernelInceptionDistance(real, same, options);
  const KernelInceptionDistanceResult shifted = KernelInceptionDistance(real, same + 0.5f, options);
  EXPECT_GT(shifted.mean, 0.05);
  EXPECT_LT(std::abs(equal.mean), 0.01 * shifted.mean);
  EXPECT_LT(std::abs(equal.mean), 2.0 * equal.std);
  // Individual subset values of equal distributions go negative too: no hidden clamping.
  bool any_negative = false;
  for (double v : equal.subset_values) any_negative = any_negative || v < 0;
  EXPECT_TRUE(any_negative);
}

TEST(KidTest, RejectsBadInputs) {
  EXPECT_THROW(KernelInceptionDistance(torch::randn({10, 3}), torch::randn({10, 4})), c10::Error);
  EXPECT_THROW(KernelInceptionDistance(torch::randn({1, 3}), torch::randn({10, 3})), c10::Error);
  EXPECT_THROW(KernelInceptionDistance(torch::randn({10}), torch::randn({10, 3})), c10::Error);
  KernelInceptionDistanceOptions options;
  options.subsets = 0;
  EXPECT_THROW(KernelInceptionDistance(torch::randn({10, 3}), torch::randn({10, 3}), options),
               c10::Error);
  try {
    UnbiasedPolynomialMmd2(torch::randn({1, 3}), torch::randn({5, 3}));
    FAIL() << "expected an error";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("at least 2 x samples, got 1"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace gan
