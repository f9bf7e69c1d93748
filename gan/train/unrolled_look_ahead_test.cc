#include "gan/train/unrolled_look_ahead.h"

#include <memory>

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace gan {
namespace {

// D(x) = w x and G(z) = a z on scalars; D's loss -D(real) + D(G(z)) with z = 1, which
// gives every look-ahead value by hand.
struct Scalars {
  std::shared_ptr<torch::nn::LinearImpl> d = std::make_shared<torch::nn::LinearImpl>(
      torch::nn::LinearOptions(1, 1).bias(false));
  std::shared_ptr<torch::nn::LinearImpl> g = std::make_shared<torch::nn::LinearImpl>(
      torch::nn::LinearOptions(1, 1).bias(false));
  Scalars(double w, double a) {
    torch::NoGradGuard no_grad;
    d->weight.fill_(w);
    g->weight.fill_(a);
  }
  torch::Tensor DiscriminatorLoss(double real) {
    const torch::Tensor fake = g->forward(torch::ones({1, 1}));
    return -d->forward(torch::full({1, 1}, real)).sum() + d->forward(fake).sum();
  }
};

OptimizerStepOptions Sgd(double lr) {
  OptimizerStepOptions options;
  options.optimizer.kind = OptimizerOptions::Kind::kSgd;
  options.optimizer.lr = lr;
  options.optimizer.beta1 = 0;
  return options;
}

TEST(UnrolledLookAheadTest, AdvancesDKStepsPutsTheCallersStateBackAndUndoesD) {
  Scalars nets(/*w=*/1.0, /*a=*/2.0);
  OptimizerStep d_step(nets.d, Sgd(0.1));
  int steps_taken = 0, caller_state = 0;
  LookAheadHooks hooks;
  hooks.discriminator_step = [&] {
    ++caller_state;  // a log, a moving average: what the look-ahead must put back
    nets.d->weight.mutable_grad().reset();
    const torch::Tensor loss = nets.DiscriminatorLoss(/*real=*/5.0);
    d_step.Backward(loss);
    ++steps_taken;
    return d_step.Step(loss);
  };
  hooks.capture_state = [&] { return [&caller_state, saved = caller_state] { caller_state = saved; }; };
  UnrolledLookAhead look_ahead(*nets.g, *nets.d, d_step, torch::kCPU, /*steps=*/3,
                               /*second_order=*/false, hooks);
  EXPECT_EQ(steps_taken, 3);
  EXPECT_EQ(caller_state, 0);
  // dLoss/dw = -5 + 2 = -3 every step: w = 1 + 3 * 0.1 * 3.
  EXPECT_NEAR(nets.d->weight.item<double>(), 1.9, 1e-6);
  look_ahead.Undo();
  EXPECT_EQ(nets.d->weight.item<double>(), 1.0);
  EXPECT_FALSE(nets.d->weight.grad().defined());
}

TEST(UnrolledLookAheadTest, SecondOrderAddsTheGradientThroughTheSteps) {
  // G's loss after one look-ahead step: -D'(G(1)) = -w' a, with w' = w - lr (a - real):
  // d/da [-(w - lr (a - real)) a] = -w + lr (2a - real) = -1 + 0.1 (4 - 5) = -1.1. The
  // first-order part (-w' = -(1 + 0.3) = -1.3) comes from G's own backward; the look-ahead
  // adds the rest, d/da of w' times -a: lr a = 0.2.
  Scalars nets(/*w=*/1.0, /*a=*/2.0);
  OptimizerStep d_step(nets.d, Sgd(0.1));
  LookAheadHooks hooks;
  hooks.discriminator_step = [&] {
    nets.d->weight.mutable_grad().reset();
    const torch::Tensor loss = nets.DiscriminatorLoss(/*real=*/5.0);
    d_step.Backward(loss);
    nets.g->weight.mutable_grad().reset();  // G is not trained by D's steps
    return d_step.Step(loss);
  };
  hooks.discriminator_objective = [&] { return nets.DiscriminatorLoss(/*real=*/5.0); };
  hooks.capture_state = [] { return [] {}; };
  UnrolledLookAhead look_ahead(*nets.g, *nets.d, d_step, torch::kCPU, /*steps=*/1,
                               /*second_order=*/true, hooks);
  nets.d->weight.mutable_grad().reset();
  nets.g->weight.mutable_grad().reset();
  const torch::Tensor generator_loss = -nets.d->forward(nets.g->forward(torch::ones({1, 1}))).sum();
  generator_loss.backward();
  EXPECT_NEAR(nets.g->weight.grad().item<double>(), -1.3, 1e-6);
  look_ahead.BackpropagateThroughSteps();
  EXPECT_NEAR(nets.g->weight.grad().item<double>(), -1.1, 1e-6);
  EXPECT_NEAR(nets.g->weight.item<double>(), 2.0, 1e-12) << "replays leave G as it was";
  look_ahead.Undo();
  EXPECT_EQ(nets.d->weight.item<double>(), 1.0);
}

}  // namespace
}  // namespace gan
