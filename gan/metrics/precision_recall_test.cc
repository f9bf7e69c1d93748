// Precision/recall and density/coverage on point sets worked by hand (including points
// exactly on a ball's sphere, which pin the <= / < conventions), identical sets, and random
// sets against a brute-force full-matrix version, for several block sizes.
#include "gan/metrics/precision_recall.h"

#include <cmath>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/utils.h>

namespace gan {
namespace {

torch::Tensor Points1d(std::vector<double> x) {
  const int64_t n = static_cast<int64_t>(x.size());
  return torch::tensor(x, torch::kDouble).view({n, 1});
}

torch::Tensor Points2d(std::vector<double> xy) {
  const int64_t n = static_cast<int64_t>(xy.size()) / 2;
  return torch::tensor(xy, torch::kDouble).view({n, 2});
}

constexpr int64_t kBlockSizes[] = {1, 2, 3, 1024};

// Reals {0, 1, 3, 7, 9, 40, 41}, fakes {2, 6, 11, 20}, k = 1.
// Real radii (nearest other real): 0:1 1:1 3:2 7:2 9:2 40:1 41:1
//   balls [-1,1] [0,2] [1,5] [5,9] [7,11] [39,41] [40,42].
// Fake radii: 2:4 (to 6), 6:4 (to 2), 11:5 (to 6), 20:9 (to 11)
//   balls [-2,6] [2,10] [6,16] [11,29].
// Precision (<=): 2 in [1,5]; 6 in [5,9]; 11 on the sphere of 9's ball (|11-9| = 2 = r);
//   20 in none: 3/4 (with < it would be 2/4).
// Recall (<=): 0, 1, 3 in 2's ball; 7, 9 in 6's; 40, 41 in none (20's ends at 29): 5/7.
// Density (<, k = 1): fake 2 strictly inside 3's ball only (|2-1| = 1 is on 1's sphere):
//   1; fake 6 inside 7's: 1; fake 11 on 9's sphere: 0; fake 20: 0 -> (1+1+0+0)/(1*4) = 1/2.
// Coverage (<): balls of 3 (fake 2) and 7 (fake 6) hold a fake; 1's and 9's only have one on
//   the sphere: 2/7 (with <= it would be 4/7).
TEST(ManifoldMetricsTest, OneDimensionalByHand) {
  const torch::Tensor real = Points1d({0, 1, 3, 7, 9, 40, 41});
  const torch::Tensor fake = Points1d({2, 6, 11, 20});
  const std::vector<double> expected_radii = {1, 1, 2, 2, 2, 1, 1};
  for (int64_t block : kBlockSizes) {
    const torch::Tensor radii = KthNearestNeighbourDistances(real, 1, block);
    for (size_t i = 0; i < expected_radii.size(); ++i) {
      EXPECT_DOUBLE_EQ(radii[i].item<double>(), expected_radii[i]) << i;
    }
    const PrecisionRecall pr = ImprovedPrecisionRecall(real, fake, 1, block);
    EXPECT_DOUBLE_EQ(pr.precision, 3.0 / 4.0) << block;
    EXPECT_DOUBLE_EQ(pr.recall, 5.0 / 7.0) << block;
    const DensityCoverage dc = DensityAndCoverage(real, fake, 1, block);
    EXPECT_DOUBLE_EQ(dc.density, 0.5) << block;
    EXPECT_DOUBLE_EQ(dc.coverage, 2.0 / 7.0) << block;
    const ManifoldMetrics all = ComputeManifoldMetrics(real, fake, {1, 1, block});
    EXPECT_DOUBLE_EQ(all.precision, 3.0 / 4.0);
    EXPECT_DOUBLE_EQ(all.recall, 5.0 / 7.0);
    EXPECT_DOUBLE_EQ(all.density, 0.5);
    EXPECT_DOUBLE_EQ(all.coverage, 2.0 / 7.0);
  }
}

// Reals: corners (0,0) (2,0) (0,2) (2,2), plus (10,10) and (-10,0); fakes (1,1) (3,0)
// (20,20); k = 2 for all four metrics.
// Real radii (2nd nearest other real): each corner 2 (two corners at 2, one at 2 sqrt 2);
//   (10,10): sqrt 128 to (2,2), then sqrt 164 to (2,0) -> sqrt 164 = 12.806;
//   (-10,0): 10 to (0,0), then sqrt 104 to (0,2) -> sqrt 104 = 10.198.
// Fake radii: (1,1): sqrt 5, sqrt 722 -> 26.87; (3,0): sqrt 5, sqrt 689 -> 26.25;
//   (20,20): sqrt 689, sqrt 722 -> 26.87.
// Precision: (1,1) is sqrt 2 from every corner: in; (3,0) is 1 from (2,0): in; (20,20) is
//   sqrt 200 > sqrt 164 from (10,10) and farther from the rest: out -> 2/3.
// Recall: every real is within sqrt 162 of (1,1) < 26.87 -> 1.
// Density: (1,1) is strictly inside the 4 corner balls and (10,10)'s (162 < 164), not
//   (-10,0)'s (122 > 104): 5; (3,0) inside (2,0)'s (1 < 2) and (10,10)'s (149 < 164),
//   not (2,2)'s (sqrt 5 > 2): 2; (20,20): 0 -> (5 + 2 + 0) / (2 * 3) = 7/6.
// Coverage: every ball but (-10,0)'s holds (1,1) -> 5/6.
TEST(ManifoldMetricsTest, TwoDimensionalByHand) {
  const torch::Tensor real = Points2d({0, 0, 2, 0, 0, 2, 2, 2, 10, 10, -10, 0});
  const torch::Tensor fake = Points2d({1, 1, 3, 0, 20, 20});
  for (int64_t block : kBlockSizes) {
    const ManifoldMetrics m = ComputeManifoldMetrics(real, fake, {2, 2, block});
    EXPECT_DOUBLE_EQ(m.precision, 2.0 / 3.0) << block;
    EXPECT_DOUBLE_EQ(m.recall, 1.0) << block;
    EXPECT_DOUBLE_EQ(m.density, 7.0 / 6.0) << block;
    EXPECT_DOUBLE_EQ(m.coverage, 5.0 / 6.0) << block;
    const torch::Tensor radii = KthNearestNeighbourDistances(real, 2, block);
    EXPECT_NEAR(radii[4].item<double>(), std::sqrt(164.0), 1e-12);
    EXPECT_NEAR(radii[5].item<double>(), std::sqrt(104.0), 1e-12);
  }
}

TEST(ManifoldMetricsTest, IdenticalSetsArePerfect) {
  torch::manual_seed(21);
  const torch::Tensor x = torch::randn({300, 16});
  const ManifoldMetrics m = ComputeManifoldMetrics(x, x.clone(), {3, 5, 128});
  EXPECT_EQ(m.precision, 1.0);
  EXPECT_EQ(m.recall, 1.0);
  EXPECT_EQ(m.coverage, 1.0);
  // Density's expectation is 1 when both sets come from one distribution (Naeem et al.);
  // identical sets land near it.
  EXPECT_GT(m.density, 0.7);
  EXPECT_LT(m.density, 1.3);
}

// The four definitions on full distance matrices from torch::cdist.
ManifoldMetrics BruteForce(const torch::Tensor& real, const torch::Tensor& fake, int64_t k_pr,
                           int64_t k_dc) {
  const torch::Tensor rr = torch::cdist(real, real), ff = torch::cdist(fake, fake);
  const torch::Tensor rf = torch::cdist(real, fake);  // [N, M]
  auto kth = [](const torch::Tensor& d, int64_t k) {
    return std::get<0>(d.sort(1)).select(1, k);  // column 0 is the row itself
  };
  const torch::Tensor real_pr = kth(rr, k_pr), real_dc = kth(rr, k_dc), fake_pr = kth(ff, k_pr);
  ManifoldMetrics m;
  m.precision = (rf <= real_pr.unsqueeze(1)).any(0).to(torch::kDouble).mean().item<double>();
  m.recall = (rf <= fake_pr.unsqueeze(0)).any(1).to(torch::kDouble).mean().item<double>();
  m.density = (rf < real_dc.unsqueeze(1)).sum(0).to(torch::kDouble).mean().item<double>() /
              static_cast<double>(k_dc);
  m.coverage = (std::get<0>(rf.min(1)) < real_dc).to(torch::kDouble).mean().item<double>();
  return m;
}

TEST(ManifoldMetricsTest, RandomSetsMatchBruteForce) {
  torch::manual_seed(22);
  const torch::Tensor real = torch::randn({70, 5}, torch::kDouble);
  const torch::Tensor fake = torch::randn({55, 5}, torch::kDouble) * 1.2 + 0.3;
  const ManifoldMetrics expected = BruteForce(real, fake, 3, 5);
  EXPECT_GT(expected.precision, 0.0);
  EXPECT_LT(expected.precision, 1.0);
  EXPECT_LT(expected.coverage, 1.0);
  for (int64_t block : {7, 16, 1024}) {
    const ManifoldMetrics m = ComputeManifoldMetrics(real, fake, {3, 5, block});
    EXPECT_DOUBLE_EQ(m.precision, expected.precision) << block;
    EXPECT_DOUBLE_EQ(m.recall, expected.recall) << block;
    EXPECT_DOUBLE_EQ(m.density, expected.density) << block;
    EXPECT_DOUBLE_EQ(m.coverage, expected.coverage) << block;
    // Float inputs are converted to double per block, so they give the same answers as the
    // float values widened.
    const ManifoldMetrics f =
        ComputeManifoldMetrics(real.to(torch::kFloat), fake.to(torch::kFloat), {3, 5, block});
    const ManifoldMetrics widened = BruteForce(real.to(torch::kFloat).to(torch::kDouble),
                                               fake.to(torch::kFloat).to(torch::kDouble), 3, 5);
    EXPECT_DOUBLE_EQ(f.precision, widened.precision);
    EXPECT_DOUBLE_EQ(f.density, widened.density);
  }
  const torch::Tensor radii = KthNearestNeighbourDistances(real, 3, 16);
  EXPECT_TRUE(torch::allclose(radii, std::get<0>(torch::cdist(real, real).sort(1)).select(1, 3),
                              1e-10, 1e-12));
}

TEST(ManifoldMetricsTest, RejectsBadInputs) {
  const torch::Tensor a = torch::randn({4, 3});
  try {
    ImprovedPrecisionRecall(a, torch::randn({3, 3}));  // k = 3 needs 4 fakes
    FAIL() << "expected an error";
  } catch (const c10::Error& e) {
    EXPECT_NE(std::string(e.what()).find("needs more than 3 fake samples, got 3"),
              std::string::npos)
        << e.what();
  }
  EXPECT_THROW(DensityAndCoverage(a, torch::randn({10, 3})), c10::Error);  // k = 5 > 4 reals
  EXPECT_THROW(ComputeManifoldMetrics(a, torch::randn({10, 4})), c10::Error);
  EXPECT_THROW(ImprovedPrecisionRecall(a, a, 3, 0), c10::Error);
  EXPECT_THROW(KthNearestNeighbourDistances(torch::randn({5}), 1), c10::Error);
}

}  // namespace
}  // namespace gan
