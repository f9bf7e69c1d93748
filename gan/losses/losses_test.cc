// Values and gradients of every adversarial loss against numbers worked out by hand.
#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gan/losses/adversarial_loss.h"
#include "gan/losses/bce.h"
#include "gan/losses/hinge.h"
#include "gan/losses/least_squares.h"
#include "gan/losses/wasserstein.h"

namespace gan {
namespace {

torch::Tensor Logits(std::vector<double> values) {
  return torch::tensor(values, torch::kDouble).requires_grad_(true);
}

std::vector<double> Grad(const torch::Tensor& t) {
  const torch::Tensor g = t.grad().contiguous();
  return std::vector<double>(g.data_ptr<double>(), g.data_ptr<double>() + g.numel());
}

double Softplus(double x) { return std::log1p(std::exp(x)); }
double Sigmoid(double x) { return 1.0 / (1.0 + std::exp(-x)); }

using ::testing::DoubleNear;
using ::testing::ElementsAre;

TEST(BceTest, DiscriminatorValueAndSigmoidGradients) {
  const torch::Tensor real = Logits({2.0, -1.0});
  const torch::Tensor fake = Logits({0.5});
  const torch::Tensor loss = BceDiscriminatorLoss(real, fake);
  const double expected = (Softplus(-2.0) + Softplus(1.0)) / 2 + Softplus(0.5);
  EXPECT_NEAR(loss.item<double>(), expected, 1e-12);
  loss.backward();
  // dE/dx = sigmoid(x) - 1 for real (p = 1), sigmoid(x) for fake.
  EXPECT_THAT(Grad(real), ElementsAre(DoubleNear((Sigmoid(2.0) - 1) / 2, 1e-12),
                                      DoubleNear((Sigmoid(-1.0) - 1) / 2, 1e-12)));
  EXPECT_THAT(Grad(fake), ElementsAre(DoubleNear(Sigmoid(0.5), 1e-12)));
}

TEST(BceTest, GeneratorLossesNonSaturatingAndMinimax) {
  const torch::Tensor fake = Logits({-3.0, 1.0});
  const torch::Tensor ns = BceGeneratorLoss(fake);
  EXPECT_NEAR(ns.item<double>(), (Softplus(3.0) + Softplus(-1.0)) / 2, 1e-12);
  ns.backward();
  EXPECT_THAT(Grad(fake), ElementsAre(DoubleNear((Sigmoid(-3.0) - 1) / 2, 1e-12),
                                      DoubleNear((Sigmoid(1.0) - 1) / 2, 1e-12)));
  const torch::Tensor fake2 = Logits({-3.0});
  const torch::Tensor minimax = MinimaxGeneratorLoss(fake2);
  EXPECT_NEAR(minimax.item<double>(), std::log(1 - Sigmoid(-3.0)), 1e-12);
  minimax.backward();
  // The minimax loss saturates: tiny gradient where D confidently rejects the fake.
  EXPECT_NEAR(Grad(fake2)[0], -Sigmoid(-3.0), 1e-12);
}

TEST(BceTest, LabelSmoothingUsesSoftTargets) {
  const torch::Tensor real = Logits({1.0});
  const torch::Tensor fake = Logits({-2.0});
  const torch::Tensor loss = SmoothedBceDiscriminatorLoss(real, fake, 0.9, 0.1);
  const double expected = 0.9 * Softplus(-1.0) + 0.1 * Softplus(1.0) +
                          0.1 * Softplus(2.0) + 0.9 * Softplus(-2.0);
  EXPECT_NEAR(loss.item<double>(), expected, 1e-12);
  loss.backward();
  // d/dx = sigmoid(x) - t: the real logit is pulled toward 0.9, not 1.
  EXPECT_NEAR(Grad(real)[0], Sigmoid(1.0) - 0.9, 1e-12);
  EXPECT_NEAR(Grad(fake)[0], Sigmoid(-2.0) - 0.1, 1e-12);
  // Targets 1 and 0 give the plain loss.
  EXPECT_NEAR(SmoothedBceDiscriminatorLoss(real, fake, 1.0, 0.0).item<double>(),
              BceDiscriminatorLoss(real, fake).item<double>(), 1e-12);
}

TEST(BceTest, OneSidedSmoothingKeepsTheFakeTargetAtZero) {
  auto smoothed = AdversarialLossByName("bce", {0.9, 0.0});
  ASSERT_TRUE(smoothed.ok());
  const torch::Tensor real = Logits({0.3}), fake = Logits({0.7});
  EXPECT_NEAR(smoothed->discriminator(real, fake).item<double>(),
              0.9 * Softplus(-0.3) + 0.1 * Softplus(0.3) + Softplus(0.7), 1e-12);
  EXPECT_NEAR(smoothed->generator(fake).item<double>(), Softplus(-0.7), 1e-12);
  EXPECT_THAT(std::string(AdversarialLossByName("hinge", {0.9, 0.0}).status().message()),
              ::testing::HasSubstr("bce losses only"));
}

TEST(HingeTest, DiscriminatorZeroGradientBeyondMargin) {
  const torch::Tensor real = Logits({2.0, 0.5});
  const torch::Tensor fake = Logits({-1.5, 0.0});
  const torch::Tensor loss = HingeDiscriminatorLoss(real, fake);
  // relu(1-2)=0, relu(1-0.5)=0.5 -> 0.25; relu(1-1.5)=0, relu(1+0)=1 -> 0.5.
  EXPECT_NEAR(loss.item<double>(), 0.75, 1e-12);
  loss.backward();
  EXPECT_THAT(Grad(real), ElementsAre(0.0, -0.5));
  EXPECT_THAT(Grad(fake), ElementsAre(0.0, 0.5));
}

TEST(HingeTest, GeneratorIsNegativeMeanLogit) {
  const torch::Tensor fake = Logits({1.0, -3.0});
  const torch::Tensor loss = HingeGeneratorLoss(fake);
  EXPECT_NEAR(loss.item<double>(), 1.0, 1e-12);
  loss.backward();
  EXPECT_THAT(Grad(fake), ElementsAre(-0.5, -0.5));
}

TEST(LeastSquaresTest, ZeroOneTargets) {
  const torch::Tensor real = Logits({0.0, 3.0});
  const torch::Tensor fake = Logits({2.0});
  const torch::Tensor loss = LeastSquaresDiscriminatorLoss(real, fake, kLeastSquaresZeroOne);
  // 0.5 * ((0-1)^2 + (3-1)^2)/2 + 0.5 * (2-0)^2 = 1.25 + 2.
  EXPECT_NEAR(loss.item<double>(), 3.25, 1e-12);
  loss.backward();
  EXPECT_THAT(Grad(real), ElementsAre(-0.5, 1.0));
  EXPECT_THAT(Grad(fake), ElementsAre(2.0));
  EXPECT_NEAR(LeastSquaresGeneratorLoss(Logits({3.0}), kLeastSquaresZeroOne).item<double>(), 2.0,
              1e-12);
}

TEST(LeastSquaresTest, MinusOneOneZeroTargets) {
  const torch::Tensor loss =
      LeastSquaresDiscriminatorLoss(Logits({1.0}), Logits({1.0}), kLeastSquaresMinusOneOneZero);
  EXPECT_NEAR(loss.item<double>(), 0.5 * 4.0, 1e-12);  // fake target -1
  EXPECT_NEAR(LeastSquaresGeneratorLoss(Logits({2.0}), kLeastSquaresMinusOneOneZero).item<double>(),
              2.0, 1e-12);  // G target 0
}

TEST(WassersteinTest, CriticAndGenerator) {
  const torch::Tensor real = Logits({1.0, 3.0});
  const torch::Tensor fake = Logits({-1.0});
  const torch::Tensor loss = WassersteinDiscriminatorLoss(real, fake);
  EXPECT_NEAR(loss.item<double>(), -1.0 - 2.0, 1e-12);
  loss.backward();
  EXPECT_THAT(Grad(real), ElementsAre(-0.5, -0.5));
  EXPECT_THAT(Grad(fake), ElementsAre(1.0));
  EXPECT_NEAR(WassersteinGeneratorLoss(Logits({4.0, 2.0})).item<double>(), -3.0, 1e-12);
}

TEST(AdversarialLossTest, ByNameDispatchesToTheRightPair) {
  const torch::Tensor real = Logits({0.3});
  const torch::Tensor fake = Logits({-0.2});
  for (const std::string name : {"bce", "bce_minimax", "hinge", "lsgan", "lsgan_m101", "wasserstein"}) {
    auto loss = AdversarialLossByName(name);
    ASSERT_TRUE(loss.ok()) << name;
    EXPECT_EQ(loss->name, name);
  }
  EXPECT_NEAR(AdversarialLossByName("hinge")->discriminator(real, fake).item<double>(),
              HingeDiscriminatorLoss(real, fake).item<double>(), 1e-12);
  EXPECT_NEAR(AdversarialLossByName("bce_minimax")->generator(fake).item<double>(),
              MinimaxGeneratorLoss(fake).item<double>(), 1e-12);
  EXPECT_NEAR(AdversarialLossByName("lsgan_m101")->generator(fake).item<double>(),
              0.5 * 0.04, 1e-12);
  EXPECT_THAT(std::string(AdversarialLossByName("hing").status().message()),
              ::testing::HasSubstr("'hing' is not one of"));
}

}  // namespace
}  // namespace gan
