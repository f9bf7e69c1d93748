// Gradient penalties, weight clipping, feature matching and the energy-based (EBGAN,
// BEGAN) losses against hand-computed values and direct loop implementations.
#include <cmath>

#include <gtest/gtest.h>
#include <torch/nn/modules/linear.h>
#include <torch/utils.h>

#include "gan/losses/energy_based.h"
#include "gan/losses/feature_matching.h"
#include "gan/losses/gradient_penalty.h"

namespace gan {
namespace {

torch::Tensor Vec(std::vector<double> v) { return torch::tensor(v, torch::kDouble); }

// D(x) = w . x for each sample: its input gradient is w everywhere.
Critic LinearCritic(const torch::Tensor& w) {
  return [w](const torch::Tensor& x) { return (x.flatten(1) * w).sum(1); };
}

// D(x) = 1/2 sum(x^2) over each image: its gradient at x is x, so every penalty is a
// function of the per-image norms of the points where it is evaluated. Images [N, 3, 2, 2]
// tell a norm over the whole image from one over a single axis.
Critic HalfSquare() {
  return [](const torch::Tensor& x) { return 0.5 * x.pow(2).flatten(1).sum(1); };
}

torch::Tensor ImageNorms(const torch::Tensor& x) {
  std::vector<double> norms;
  for (int64_t i = 0; i < x.size(0); ++i) {
    double sum = 0;
    const torch::Tensor image = x[i].flatten();
    for (int64_t k = 0; k < image.numel(); ++k) sum += std::pow(image[k].item<double>(), 2);
    norms.push_back(std::sqrt(sum));
  }
  return Vec(norms);
}

class NonLinearCriticTest : public ::testing::Test {
 protected:
  torch::Tensor real = torch::randn({5, 3, 2, 2}, torch::kDouble);
  torch::Tensor fake = torch::randn({5, 3, 2, 2}, torch::kDouble);
};

TEST_F(NonLinearCriticTest, R1IsEvaluatedOnTheRealImages) {
  const double expected = 0.5 * 4.0 * ImageNorms(real).pow(2).mean().item<double>();
  EXPECT_NEAR(R1Penalty(HalfSquare(), real, 4.0).item<double>(), expected, 1e-10);
}

TEST_F(NonLinearCriticTest, WganGpDrawsOneEpsilonPerImage) {
  torch::manual_seed(21);
  const double penalty = WganGpPenalty(HalfSquare(), real, fake, 10.0).item<double>();
  torch::manual_seed(21);  // the penalty's draw: one uniform per image
  const torch::Tensor eps = torch::rand({5, 1, 1, 1}, torch::kDouble);
  const torch::Tensor points = eps * real + (1 - eps) * fake;
  EXPECT_NEAR(penalty, 10 * (ImageNorms(points) - 1).pow(2).mean().item<double>(), 1e-10);
}

TEST_F(NonLinearCriticTest, DraganPerturbsTheRealImagesByTheirSpread) {
  torch::manual_seed(22);
  const double penalty = DraganPenalty(HalfSquare(), real, 2.0, 0.5).item<double>();
  torch::manual_seed(22);  // the penalty's draws: the noise u, then one alpha per image
  const torch::Tensor u = torch::rand({5, 3, 2, 2}, torch::kDouble);
  const torch::Tensor alpha = torch::rand({5, 1, 1, 1}, torch::kDouble);
  double mean = 0, square = 0;  // the standard deviation of every real pixel, unbiased
  for (int64_t k = 0; k < real.numel(); ++k) mean += real.flatten()[k].item<double>() / real.numel();
  for (int64_t k = 0; k < real.numel(); ++k) {
    square += std::pow(real.flatten()[k].item<double>() - mean, 2) / (real.numel() - 1);
  }
  const torch::Tensor perturbed = real + 0.5 * std::sqrt(square) * u;
  const torch::Tensor points = alpha * real + (1 - alpha) * perturbed;
  EXPECT_NEAR(penalty, 2 * (ImageNorms(points) - 1).pow(2).mean().item<double>(), 1e-10);
}

TEST(GradientPenaltyTest, PenaltyIsDifferentiableWithRespectToCriticWeights) {
  torch::Tensor w = Vec({3.0, 4.0}).requires_grad_(true);
  const torch::Tensor real = torch::randn({4, 2}, torch::kDouble);
  WganGpPenalty(LinearCritic(w), real, real, 1.0).backward();
  // d/dw (|w| - 1)^2 = 2 (|w| - 1) w / |w| = 2 * 4 * w / 5.
  EXPECT_TRUE(torch::allclose(w.grad(), Vec({4.8, 6.4})));
}

TEST(ClipWeightsTest, ClampsEveryParameter) {
  torch::nn::Linear linear(3, 2);
  {
    torch::NoGradGuard no_grad;
    linear->weight.copy_(torch::tensor({{-1.0, 0.005, 2.0}, {0.3, -0.02, 0.0}}));
    linear->bias.copy_(torch::tensor({0.5, -0.5}));
  }
  ClipWeights(*linear, 0.01);
  EXPECT_TRUE(linear->weight.equal(torch::tensor({{-0.01f, 0.005f, 0.01f}, {0.01f, -0.01f, 0.0f}})));
  EXPECT_TRUE(linear->bias.equal(torch::tensor({0.01f, -0.01f})));
}

TEST(FeatureMatchingTest, SquaredDistanceOfBatchMeans) {
  const torch::Tensor real = Vec({1, 2, 3, 4}).view({2, 2});      // mean (2, 3)
  torch::Tensor fake = Vec({0, 0, 2, 2}).view({2, 2}).requires_grad_(true);  // mean (1, 1)
  const torch::Tensor loss = FeatureMatchingLoss(real, fake);
  EXPECT_NEAR(loss.item<double>(), 1.0 + 4.0, 1e-12);
  loss.backward();
  // d/dfake_i = -2 (real_mean - fake_mean) / N.
  EXPECT_TRUE(torch::allclose(fake.grad(), Vec({-1, -2, -1, -2}).view({2, 2})));
}

double PullAwayByLoops(const torch::Tensor& s) {
  const int64_t n = s.size(0);
  double total = 0;
  for (int64_t i = 0; i < n; ++i) {
    for (int64_t j = 0; j < n; ++j) {
      if (i == j) continue;
      const double dot = s[i].dot(s[j]).item<double>();
      const double cosine = dot / (s[i].norm().item<double>() * s[j].norm().item<double>());
      total += cosine * cosine;
    }
  }
  return total / (n * (n - 1));
}

TEST(PullAwayTermTest, MatchesDirectDoubleLoop) {
  torch::manual_seed(5);
  for (int64_t n : {2, 3, 7}) {
    const torch::Tensor s = torch::randn({n, 5}, torch::kDouble);
    EXPECT_NEAR(PullAwayTerm(s).item<double>(), PullAwayByLoops(s), 1e-12) << n;
  }
}

TEST(PullAwayTermTest, NormalizedByBsTimesBsMinusOne) {
  // Identical directions: every off-diagonal cosine is 1, so PT is exactly 1 with the
  // 1/(bs(bs-1)) normalization (1/bs^2 would give 0.75 for bs = 4).
  const torch::Tensor parallel = Vec({1, 2, 2, 4, 3, 6, -1, -2}).view({4, 2});
  EXPECT_NEAR(PullAwayTerm(parallel).item<double>(), 1.0, 1e-12);
  const torch::Tensor orthogonal = Vec({1, 0, 0, 1}).view({2, 2});
  EXPECT_NEAR(PullAwayTerm(orthogonal).item<double>(), 0.0, 1e-12);
}

TEST(EbganLossTest, MarginAndPullAway) {
  const torch::Tensor real_energy = Vec({0.2, 0.4});
  const torch::Tensor fake_energy = Vec({0.5, 3.0});
  // 0.3 + (relu(2 - 0.5) + relu(2 - 3)) / 2 = 0.3 + 0.75.
  EXPECT_NEAR(EbganDiscriminatorLoss(real_energy, fake_energy, 2.0).item<double>(), 1.05, 1e-12);
  const torch::Tensor parallel = Vec({1, 0, 2, 0}).view({2, 2});
  EXPECT_NEAR(EbganGeneratorLoss(fake_energy, parallel, 0.1).item<double>(), 1.75 + 0.1, 1e-12);
  EXPECT_NEAR(EbganGeneratorLoss(fake_energy, parallel, 0.0).item<double>(), 1.75, 1e-12);
}

TEST(ReconstructionErrorTest, PerSampleMeans) {
  const torch::Tensor images = torch::zeros({2, 1, 2, 2}, torch::kDouble);
  const torch::Tensor recon = Vec({1, 1, 1, 1, 2, 0, 0, 0}).view({2, 1, 2, 2});
  EXPECT_TRUE(torch::allclose(SquaredReconstructionError(images, recon), Vec({1.0, 1.0})));
  EXPECT_TRUE(torch::allclose(AbsoluteReconstructionError(images, recon), Vec({1.0, 0.5})));
}

TEST(BeganEquilibriumTest, KFollowsTheBalanceAndStaysInUnitInterval) {
  BeganEquilibrium control(/*gamma=*/0.5, /*lambda_k=*/0.1, /*k=*/0.0);
  // gamma * 0.4 - 0.1 = 0.1 -> k = 0.01; M_global = 0.4 + |0.1|.
  EXPECT_NEAR(control.Update(Vec({0.4})[0], Vec({0.1})[0]).item<double>(), 0.5, 1e-12);
  EXPECT_NEAR(control.k(), 0.01, 1e-12);
  EXPECT_NEAR(control.DiscriminatorLoss(Vec({0.4})[0], Vec({0.1})[0]).item<double>(),
              0.4 - 0.001, 1e-12);
  // An unbalanced step: gamma * 0.1 - 0.3 = -0.25 -> M_global = 0.1 + 0.25; k clamps at 0.
  EXPECT_NEAR(control.Update(Vec({0.1})[0], Vec({0.3})[0]).item<double>(), 0.35, 1e-12);
  EXPECT_EQ(control.k(), 0.0);
  for (int i = 0; i < 100; ++i) control.Update(Vec({10.0})[0], Vec({0.0})[0]);
  EXPECT_EQ(control.k(), 1.0);
  for (int i = 0; i < 100; ++i) control.Update(Vec({0.0})[0], Vec({10.0})[0]);
  EXPECT_EQ(control.k(), 0.0);
}

}  // namespace
}  // namespace gan
