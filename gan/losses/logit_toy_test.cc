#include "gan/losses/logit_toy.h"

#include <algorithm>

#include <gtest/gtest.h>

namespace gan {
namespace {

// min(real) - max(fake): how far D has separated the two groups.
double Gap(const std::vector<double>& x) {
  double min_real = 1e9, max_fake = -1e9;
  for (size_t i = 0; i < x.size(); ++i) {
    if (IsRealLogit(static_cast<int>(i))) min_real = std::min(min_real, x[i]);
    else max_fake = std::max(max_fake, x[i]);
  }
  return min_real - max_fake;
}

double Movement(const std::vector<double>& a, const std::vector<double>& b) {
  double total = 0;
  for (size_t i = 0; i < a.size(); ++i) total += std::abs(a[i] - b[i]);
  return total;
}

TEST(LogitToyTest, StartsFromTheSeedsNumpyDraws) {
  // np.random.seed(123); np.random.rand(3) == [0.69646919, 0.28613933, 0.22685145]
  const std::vector<double> draws = NumpyRand(123, 3);
  EXPECT_NEAR(draws[0], 0.6964691855978616, 1e-15);
  EXPECT_NEAR(draws[1], 0.28613933495037946, 1e-15);
  EXPECT_NEAR(draws[2], 0.2268514535642031, 1e-15);
  const auto runs = RunLogitToy();
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_NEAR(runs[0].logits[0][0], 0.6964691855978616 * 10 - 5, 1e-12);
  EXPECT_EQ(runs[0].logits.size(), 101u);
}

TEST(LogitToyTest, BceKeepsSeparatingWhileLsganAndHingeStop) {
  const auto runs = RunLogitToy();
  const auto& bce = runs[0].logits;
  const auto& lsgan = runs[1].logits;
  const auto& hinge = runs[2].logits;
  // BCE: the gap still grows at every one of the last 10 steps.
  for (int step = 90; step < 100; ++step) {
    EXPECT_GT(Gap(bce[step + 1]), Gap(bce[step])) << "step " << step;
  }
  EXPECT_GT(Movement(bce[99], bce[100]), 0.1);
  // LSGAN: every logit has converged onto its target and stopped.
  for (int i = 0; i < 20; ++i) EXPECT_NEAR(lsgan[100][i], IsRealLogit(i) ? 1.0 : 0.0, 1e-6);
  EXPECT_LT(Movement(lsgan[99], lsgan[100]), 1e-6);
  // Hinge: outside the margin the gradient is exactly zero; nothing moves at the end.
  for (int i = 0; i < 20; ++i) {
    if (IsRealLogit(i)) EXPECT_GT(hinge[100][i], 1.0);
    else EXPECT_LT(hinge[100][i], -1.0);
  }
  for (int step = 90; step < 100; ++step) EXPECT_EQ(Movement(hinge[step], hinge[step + 1]), 0.0);
}

}  // namespace
}  // namespace gan
