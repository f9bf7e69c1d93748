// ACGAN's auxiliary loss against softmax cross-entropy worked out by hand.
#include "gan/losses/auxiliary_classifier.h"

#include <cmath>

#include <gtest/gtest.h>

namespace gan {
namespace {

TEST(AuxiliaryClassifierLossTest, MeanCrossEntropyByHand) {
  const torch::Tensor logits =
      torch::tensor({1.0, 2.0, 3.0, 0.0, 0.0, 0.0}, torch::kDouble).view({2, 3}).requires_grad_();
  const torch::Tensor labels = torch::tensor({2, 0}, torch::kLong);
  const torch::Tensor loss = AuxiliaryClassifierLoss(logits, labels);
  // Row 0: log(e + e^2 + e^3) - 3; row 1: log 3 - 0.
  const double row0 = std::log(std::exp(1.0) + std::exp(2.0) + std::exp(3.0)) - 3.0;
  const double row1 = std::log(3.0);
  EXPECT_NEAR(loss.item<double>(), (row0 + row1) / 2, 1e-12);
  EXPECT_NEAR(loss.item<double>(), 0.7531091, 1e-6);
  loss.backward();
  // d/dlogit = (softmax - onehot) / N; row 1 is uniform: (1/3 - 1) / 2 for the label.
  EXPECT_NEAR(logits.grad()[1][0].item<double>(), (1.0 / 3 - 1.0) / 2, 1e-12);
  EXPECT_NEAR(logits.grad()[1][1].item<double>(), (1.0 / 3) / 2, 1e-12);
}

TEST(AuxiliaryClassifierLossTest, RejectsBadShapes) {
  const torch::Tensor logits = torch::zeros({2, 3});
  EXPECT_THROW(AuxiliaryClassifierLoss(logits, torch::zeros({3}, torch::kLong)), c10::Error);
  EXPECT_THROW(AuxiliaryClassifierLoss(logits.view({6}), torch::zeros({2}, torch::kLong)),
               c10::Error);
  EXPECT_THROW(AuxiliaryClassifierLoss(logits, torch::zeros({2})), c10::Error);
}

}  // namespace
}  // namespace gan
