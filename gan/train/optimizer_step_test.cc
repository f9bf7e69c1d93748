#include "gan/train/optimizer_step.h"

#include <cmath>
#include <limits>
#include <memory>

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace gan {
namespace {

// y = w . x with w = (1, 2): the loss w . x has gradient x, so every oracle is by hand.
std::shared_ptr<torch::nn::LinearImpl> Weights() {
  auto linear = std::make_shared<torch::nn::LinearImpl>(
      torch::nn::LinearOptions(2, 1).bias(false));
  torch::NoGradGuard no_grad;
  linear->weight.copy_(torch::tensor({{1.0f, 2.0f}}));
  return linear;
}

OptimizerStepOptions Sgd(double lr) {
  OptimizerStepOptions options;
  options.optimizer.kind = OptimizerOptions::Kind::kSgd;
  options.optimizer.lr = lr;
  options.optimizer.beta1 = 0;
  return options;
}

torch::Tensor Loss(torch::nn::LinearImpl& linear, const torch::Tensor& x) {
  return linear.forward(x.view({1, 2})).sum();
}

TEST(OptimizerStepTest, TakesTheOptimizersStepOnTheBackpropagatedGradients) {
  auto linear = Weights();
  OptimizerStep step(linear, Sgd(0.5));
  const torch::Tensor loss = Loss(*linear, torch::tensor({3.0f, -4.0f}));
  step.Backward(loss);
  EXPECT_TRUE(step.Step(loss));
  // w - 0.5 x = (1 - 1.5, 2 + 2).
  EXPECT_TRUE(linear->weight.allclose(torch::tensor({{-0.5f, 4.0f}})));
  EXPECT_EQ(step.skipped_steps(), 0);
}

TEST(OptimizerStepTest, SkipsAndCountsANonFiniteLossOrGradientWhenSkipping) {
  for (const bool nonfinite_loss : {true, false}) {
    auto linear = Weights();
    OptimizerStepOptions options = Sgd(0.5);
    options.skip_nonfinite_steps = true;
    OptimizerStep step(linear, options);
    torch::Tensor loss = Loss(*linear, torch::tensor({1.0f, 1.0f}));
    if (nonfinite_loss) loss = loss * std::nanf("");
    step.Backward(loss);
    if (!nonfinite_loss) {  // a finite loss with an infinite gradient
      torch::NoGradGuard no_grad;
      linear->weight.mutable_grad()[0][0] = std::numeric_limits<float>::infinity();
    }
    EXPECT_FALSE(step.Step(loss)) << nonfinite_loss;
    EXPECT_TRUE(linear->weight.equal(torch::tensor({{1.0f, 2.0f}})));
    EXPECT_FALSE(linear->weight.grad().defined()) << "a skipped step's gradients are dropped";
    EXPECT_EQ(step.skipped_steps(), 1);
  }
}

TEST(OptimizerStepTest, WithoutSkippingANonFiniteStepIsTaken) {
  auto linear = Weights();
  OptimizerStep step(linear, Sgd(0.5));
  const torch::Tensor loss = Loss(*linear, torch::tensor({1.0f, 1.0f})) * std::nanf("");
  step.Backward(loss);
  EXPECT_TRUE(step.Step(loss));
  EXPECT_TRUE(linear->weight.isnan().all().item<bool>());
}

TEST(OptimizerStepTest, LossScalingScalesTheBackwardAndOverflowIsNotCountedAsDivergence) {
  auto linear = Weights();
  OptimizerStepOptions options = Sgd(0.5);
  options.loss_scaling = true;
  options.loss_scaler.init_scale(1024);
  options.skip_nonfinite_steps = true;
  OptimizerStep step(linear, options);
  torch::Tensor loss = Loss(*linear, torch::tensor({1.0f, -1.0f}));
  step.Backward(loss);
  EXPECT_TRUE(linear->weight.grad().equal(torch::tensor({{1024.0f, -1024.0f}})));
  EXPECT_TRUE(step.Step(loss));  // unscaled: w - 0.5 (1, -1)
  EXPECT_TRUE(linear->weight.allclose(torch::tensor({{0.5f, 2.5f}})));
  // A finite loss whose scaled gradient overflows: the scaler's skip, the scale halved.
  loss = Loss(*linear, torch::tensor({1e36f, 1.0f}));
  step.Backward(loss);
  EXPECT_FALSE(step.Step(loss));
  EXPECT_EQ(step.loss_scaler().scale(), 512);
  EXPECT_EQ(step.skipped_steps(), 0);
}

TEST(OptimizerStepTest, SetIterationAppliesTheLearningRateSchedule) {
  auto linear = Weights();
  OptimizerStepOptions options = Sgd(0.5);
  options.learning_rate_schedule.kind = LearningRateSchedule::Kind::kLinear;
  options.learning_rate_schedule.start = 2;
  options.learning_rate_schedule.total = 10;
  OptimizerStep step(linear, options);
  const auto lr = [&] { return step.optimizer().param_groups()[0].options().get_lr(); };
  step.SetIteration(1);
  EXPECT_DOUBLE_EQ(lr(), 0.5);
  step.SetIteration(6);  // 1 - (6 - 2) / (10 - 2) = 0.5
  EXPECT_DOUBLE_EQ(lr(), 0.25);
}

TEST(OptimizerStepTest, ASnapshotTakesBackOptimizerStateScaleAndSkipCount) {
  auto linear = Weights();
  OptimizerStepOptions options;
  options.optimizer.lr = 0.1;  // Adam: state to take back
  options.skip_nonfinite_steps = true;
  OptimizerStep step(linear, options);
  const auto step_on = [&](float scale) {
    const torch::Tensor loss = Loss(*linear, torch::tensor({1.0f, 1.0f})) * scale;
    linear->weight.mutable_grad().reset();
    step.Backward(loss);
    return step.Step(loss);
  };
  ASSERT_TRUE(step_on(1));
  const OptimizerStep::Snapshot snapshot(step);
  const torch::Tensor weight = linear->weight.detach().clone();
  ASSERT_FALSE(step_on(std::nanf("")));
  ASSERT_TRUE(step_on(2));
  snapshot.Restore(step);
  EXPECT_EQ(step.skipped_steps(), 0);
  // From the restored moments, the next step is the one that follows the first: restore
  // the weights too and compare with a step taken without the detour.
  {
    torch::NoGradGuard no_grad;
    linear->weight.copy_(weight);
  }
  ASSERT_TRUE(step_on(1));
  auto reference = Weights();
  OptimizerStepOptions reference_options = options;
  OptimizerStep reference_step(reference, reference_options);
  for (int i = 0; i < 2; ++i) {
    const torch::Tensor loss = Loss(*reference, torch::tensor({1.0f, 1.0f}));
    reference->weight.mutable_grad().reset();
    reference_step.Backward(loss);
    reference_step.Step(loss);
  }
  EXPECT_TRUE(linear->weight.allclose(reference->weight));
}

}  // namespace
}  // namespace gan
