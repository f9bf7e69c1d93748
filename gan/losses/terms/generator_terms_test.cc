#include <gtest/gtest.h>

#include "gan/losses/terms/loss_term.h"
#include "gan/losses/terms/term_test_networks.h"

namespace gan {
namespace {

TEST(OrthogonalTerm, IsBetaTimesTheOffDiagonalGramNormOfGsWeights) {
  LinearCritic d(4, 1);
  LinearGenerator g(3, 2);  // W: [4, 3]
  const torch::Tensor w = g.fc->weight.detach();
  double expected = 0;  // sum over i != j of (w_i . w_j)^2, by hand
  for (int i = 0; i < 4; ++i) {
    for (int j = 0; j < 4; ++j) {
      if (i != j) expected += std::pow(w[i].dot(w[j]).item<double>(), 2);
    }
  }
  const torch::Tensor images = torch::zeros({2, 1, 2, 2}, torch::kDouble);
  StepContext step = StepWithOutput(d, g, images, images, {}, {});
  const NamedLossTerm term = *LossTermByName("orthogonal", {{"beta", 0.01}});
  EXPECT_NEAR(term.term->Generator(step).item<double>(), 0.01 * expected, 1e-10);
  EXPECT_FALSE(term.term->Discriminator(step).defined());
  EXPECT_NEAR(LossTermByName("orthogonal")->term->Generator(step).item<double>(), 1e-4 * expected,
              1e-12);  // BigGAN's beta by default
  EXPECT_FALSE(LossTermByName("orthogonal", {{"weight", 0.01}}).ok());  // the option is beta
}

TEST(FeatureMatchingTerm, ReplacesGsLossWithTheDistanceOfMeanFeatures) {
  LinearCritic d(4, 1);  // features: 2x
  LinearGenerator g(3, 2);
  const torch::Tensor real = torch::randn({3, 1, 2, 2}, torch::kDouble);
  const torch::Tensor fakes = torch::randn({3, 1, 2, 2}, torch::kDouble).requires_grad_();
  StepContext step = StepWithOutput(d, g, real, fakes, {}, {});
  const NamedLossTerm term = *LossTermByName("feature_matching", {{"distance", "squared_l2"}});
  const torch::Tensor loss = term.term->Generator(step);
  const torch::Tensor gap = 2 * real.flatten(1).mean(0) - 2 * fakes.detach().flatten(1).mean(0);
  EXPECT_NEAR(loss.item<double>(), gap.square().sum().item<double>(), 1e-10);
  EXPECT_TRUE(term.term->replaces_generator_loss());
  EXPECT_FALSE(term.term->Discriminator(step).defined());
  loss.backward();
  // d/d fake_i = -2 * 2/N * gap: the fakes carry the gradient.
  EXPECT_TRUE(torch::allclose(fakes.grad().flatten(1)[0], -4.0 / 3 * gap, 1e-9, 1e-12));
  EXPECT_FALSE(LossTermByName("feature_matching", {{"weight", 1}}).ok());
  EXPECT_FALSE(LossTermByName("feature_matching", {{"distance", "l1"}}).ok());
}

TEST(FeatureMatchingTerm, MeanAbsoluteDistanceIsTheReleasedCodesForm) {
  LinearCritic d(4, 1);  // features: 2x
  LinearGenerator g(3, 2);
  const torch::Tensor real =
      torch::tensor({1.0, 2.0, 3.0, 4.0, 3.0, 2.0, 1.0, 0.0}, torch::kDouble).view({2, 1, 2, 2});
  const torch::Tensor fakes =
      torch::tensor({0.0, 0.0, 0.0, 0.0, 2.0, 2.0, 2.0, 2.0}, torch::kDouble).view({2, 1, 2, 2});
  StepContext step = StepWithOutput(d, g, real, fakes, {}, {});
  // Mean features: real 2 * (2, 2, 2, 2), fake 2 * (1, 1, 1, 1): gaps 2 each.
  const NamedLossTerm absolute =
      *LossTermByName("feature_matching", {{"distance", "mean_absolute"}});
  EXPECT_NEAR(absolute.term->Generator(step).item<double>(), 2.0, 1e-12);
  const NamedLossTerm squared = *LossTermByName("feature_matching", {{"distance", "squared_l2"}});
  EXPECT_NEAR(squared.term->Generator(step).item<double>(), 4 * 4.0, 1e-12);
  // The released code's form is the default.
  EXPECT_NEAR(LossTermByName("feature_matching")->term->Generator(step).item<double>(), 2.0, 1e-12);
}

}  // namespace
}  // namespace gan
