#include <gtest/gtest.h>

#include "gan/losses/d2d_ce.h"
#include "gan/losses/terms/loss_term.h"
#include "gan/losses/terms/term_test_networks.h"

namespace gan {
namespace {

class DiscriminatorOutputTermsTest : public ::testing::Test {
 protected:
  LinearCritic d{4, 3};
  LinearGenerator g{2, 2};
  torch::Tensor images = torch::randn({4, 1, 2, 2}, torch::kDouble);
  torch::Tensor labels = torch::tensor({0, 2, 1, 2}, torch::kLong);
};

TEST_F(DiscriminatorOutputTermsTest, DriftIsTheWeightedMeanSquareOfTheRealLogits) {
  DiscriminatorOutput out;
  out.logits = torch::tensor({1.0, -2.0, 3.0, 0.5}, torch::kDouble);
  StepContext step = StepWithOutput(d, g, images, images, {}, out);
  const torch::Tensor drift = LossTermByName("drift", {{"weight", 0.5}})->term->Discriminator(step);
  EXPECT_NEAR(drift.item<double>(), 0.5 * (1 + 4 + 9 + 0.25) / 4, 1e-6);
  EXPECT_NEAR(LossTermByName("drift")->term->Discriminator(step).item<double>(),
              0.001 * (1 + 4 + 9 + 0.25) / 4, 1e-9);  // PGGAN's weight by default
  EXPECT_FALSE(LossTermByName("drift")->term->Generator(step).defined());
}

TEST_F(DiscriminatorOutputTermsTest, AcganIsTheWeightedCrossEntropyOfTheStepsOutput) {
  DiscriminatorOutput out;
  out.logits = torch::zeros({4}, torch::kDouble);
  out.extras["class_logits"] = torch::randn({4, 3}, torch::kDouble);
  StepContext step = StepWithOutput(d, g, images, images, labels, out);
  double expected = 0;  // -log softmax at the label, by hand
  for (int i = 0; i < 4; ++i) {
    const torch::Tensor row = out.extra("class_logits")[i];
    expected -= (row[labels[i].item<int64_t>()] - row.exp().sum().log()).item<double>() / 4;
  }
  const NamedLossTerm acgan = *LossTermByName("acgan", {{"weight", 2.0}});
  EXPECT_NEAR(acgan.term->Discriminator(step).item<double>(), 2 * expected, 1e-10);
  EXPECT_NEAR(acgan.term->Generator(step).item<double>(), 2 * expected, 1e-10);
  EXPECT_TRUE(acgan.term->needs_labels());
  EXPECT_EQ(acgan.term->log_name(), "class");

  StepContext unlabelled = StepWithOutput(d, g, images, images, {}, out);
  EXPECT_THROW(acgan.term->Discriminator(unlabelled), c10::Error);
  StepContext headless = StepWithOutput(d, g, images, images, labels, {torch::zeros({4})});
  EXPECT_THROW(acgan.term->Discriminator(headless), c10::Error);
}

TEST_F(DiscriminatorOutputTermsTest, D2dCeReadsItsMarginAndTemperature) {
  namespace F = torch::nn::functional;
  DiscriminatorOutput out;
  out.logits = torch::zeros({4}, torch::kDouble);
  out.extras["embeddings"] = F::normalize(torch::randn({4, 5}, torch::kDouble),
                                          F::NormalizeFuncOptions().dim(1));
  out.extras["proxies"] = F::normalize(torch::randn({4, 5}, torch::kDouble),
                                       F::NormalizeFuncOptions().dim(1));
  StepContext step = StepWithOutput(d, g, images, images, labels, out);
  const NamedLossTerm term = *LossTermByName(
      "d2d_ce", {{"weight", 0.5}, {"margin", 0.9}, {"temperature", 0.3}, {"form", "paper"}});
  const double expected =
      0.5 * D2dCrossEntropy(out.extra("embeddings"), out.extra("proxies"), labels, {0.9, 0.3})
                .item<double>();
  EXPECT_NEAR(term.term->Discriminator(step).item<double>(), expected, 1e-12);
  EXPECT_NE(expected, 0.5 * D2dCrossEntropy(out.extra("embeddings"), out.extra("proxies"),
                                            labels).item<double>());  // the options matter
  EXPECT_EQ(term.term->trained_outputs(), (std::vector<std::string>{"embeddings", "proxies"}));
  D2dCrossEntropyOptions studiogan{0.9, 0.3, D2dCrossEntropyOptions::Form::kStudioGan};
  // The authors' form is the default.
  const NamedLossTerm reference =
      *LossTermByName("d2d_ce", {{"weight", 0.5}, {"margin", 0.9}, {"temperature", 0.3}});
  EXPECT_NEAR(reference.term->Discriminator(step).item<double>(),
              0.5 * D2dCrossEntropy(out.extra("embeddings"), out.extra("proxies"), labels,
                                    studiogan)
                        .item<double>(),
              1e-12);
  EXPECT_FALSE(LossTermByName("d2d_ce", {{"form", "studio"}}).ok());
  EXPECT_FALSE(LossTermByName("d2d_ce", {{"margin", 1.5}}).ok());
  EXPECT_FALSE(LossTermByName("d2d_ce", {{"temperature", 0}}).ok());
}

}  // namespace
}  // namespace gan
