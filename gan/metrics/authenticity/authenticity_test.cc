#include "gan/metrics/authenticity/authenticity.h"

#include <cmath>
#include <limits>

#include <gtest/gtest.h>

namespace gan {
namespace {

// The definition as a direct loop over every pair.
double AuthenticityByLoop(const torch::Tensor& real, const torch::Tensor& fake) {
  const auto distance = [](const torch::Tensor& a, const torch::Tensor& b) {
    return (a - b).square().sum().sqrt().item<double>();
  };
  int authentic = 0;
  for (int64_t j = 0; j < fake.size(0); ++j) {
    int64_t nearest = 0;
    double nearest_distance = std::numeric_limits<double>::infinity();
    for (int64_t i = 0; i < real.size(0); ++i) {
      const double d = distance(fake[j], real[i]);
      if (d < nearest_distance) nearest_distance = d, nearest = i;
    }
    double radius = std::numeric_limits<double>::infinity();
    for (int64_t i = 0; i < real.size(0); ++i) {
      if (i != nearest) radius = std::min(radius, distance(real[nearest], real[i]));
    }
    authentic += radius < nearest_distance;
  }
  return 100.0 * authentic / fake.size(0);
}

TEST(AuthenticityTest, CopiesAndCloseNeighboursAreNotAuthentic) {
  // Reals in two pairs one apart: every real's nearest other real is at distance 1.
  const torch::Tensor real =
      torch::tensor({{0.0, 0.0}, {1.0, 0.0}, {10.0, 0.0}, {11.0, 0.0}}, torch::kDouble);
  // 0.5 from (0, 0): closer than its neighbour, not authentic; 4 from (1, 0): authentic;
  // 3 from (10, 0): authentic; a copy of (11, 0): not authentic.
  const torch::Tensor fake =
      torch::tensor({{0.0, 0.5}, {5.0, 0.0}, {10.0, 3.0}, {11.0, 0.0}}, torch::kDouble);
  EXPECT_DOUBLE_EQ(AuthenticityPercent(real, fake), 50.0);
  EXPECT_DOUBLE_EQ(AuthenticityPercent(real, real), 0.0) << "every copy is inauthentic";
  // At exactly the neighbour's distance a fake is not authentic (strictly farther is).
  EXPECT_DOUBLE_EQ(AuthenticityPercent(real, torch::tensor({{0.0, 1.0}}, torch::kDouble)), 0.0);
}

TEST(AuthenticityTest, BlocksAgreeWithTheDefinitionOnRandomFeatures) {
  torch::manual_seed(4);
  const torch::Tensor real = torch::randn({37, 5});
  const torch::Tensor fake = torch::randn({23, 5}) * 1.3;
  const double expected = AuthenticityByLoop(real.to(torch::kDouble), fake.to(torch::kDouble));
  EXPECT_GT(expected, 0.0);
  EXPECT_LT(expected, 100.0);
  for (const int64_t block : {1, 4, 1024}) {
    EXPECT_DOUBLE_EQ(AuthenticityPercent(real, fake, block), expected) << block;
  }
}

TEST(AuthenticityTest, BadShapesAreErrors) {
  EXPECT_THROW(AuthenticityPercent(torch::zeros({1, 3}), torch::zeros({2, 3})), c10::Error);
  EXPECT_THROW(AuthenticityPercent(torch::zeros({4, 3}), torch::zeros({2, 2})), c10::Error);
}

}  // namespace
}  // namespace gan
