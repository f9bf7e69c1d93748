#include "gan/train/loss_scaler.h"

#include <limits>

#include <gtest/gtest.h>
#include <torch/nn/modules/linear.h>
#include <torch/optim/sgd.h>
#include <torch/utils.h>

#include "gan/core/archive_file.h"

namespace gan {
namespace {

struct Model {
  Model() : linear(torch::nn::LinearOptions(3, 2)), sgd(linear->parameters(), 0.5) {}
  torch::nn::Linear linear;
  torch::optim::SGD sgd;
};

torch::Tensor Loss(Model& model, double factor = 1.0) {
  return factor * model.linear(torch::arange(6, torch::kFloat).reshape({2, 3})).square().sum();
}

// A step whose scaled loss is finite but whose scaled gradients are not: 1e35 * 2^16 is
// beyond float32's range.
void BackwardOverflowing(Model& model, const DynamicLossScaler& scaler) {
  model.sgd.zero_grad();
  scaler.Scale(Loss(model, 1e35)).backward();
}

TEST(DynamicLossScalerTest, CleanStepsApplyTheUnscaledGradients) {
  torch::manual_seed(0);
  Model scaled, plain;
  torch::NoGradGuard copy_weights;
  plain.linear->weight.copy_(scaled.linear->weight);
  plain.linear->bias.copy_(scaled.linear->bias);
  DynamicLossScaler scaler;
  for (int step = 0; step < 3; ++step) {
    torch::AutoGradMode grad_mode(true);
    scaled.sgd.zero_grad();
    scaler.Scale(Loss(scaled)).backward();
    ASSERT_TRUE(scaler.Step(scaled.sgd));
    plain.sgd.zero_grad();
    Loss(plain).backward();
    plain.sgd.step();
  }
  // Scaling by a power of two and back is exact: the same weights, bit for bit.
  EXPECT_TRUE(torch::equal(scaled.linear->weight, plain.linear->weight));
  EXPECT_TRUE(torch::equal(scaled.linear->bias, plain.linear->bias));
  EXPECT_EQ(scaler.scale(), 65536.0);
  EXPECT_EQ(scaler.growth_tracker(), 3);
}

TEST(DynamicLossScalerTest, OverflowSkipsTheStepAndHalvesTheScale) {
  Model model;
  DynamicLossScaler scaler;
  const torch::Tensor before = model.linear->weight.detach().clone();
  scaler.Scale(Loss(model)).backward();
  ASSERT_TRUE(scaler.Step(model.sgd));  // one clean step first: the tracker must reset
  EXPECT_EQ(scaler.growth_tracker(), 1);
  const torch::Tensor after_clean = model.linear->weight.detach().clone();
  EXPECT_FALSE(torch::equal(before, after_clean));

  BackwardOverflowing(model, scaler);
  ASSERT_FALSE(torch::isfinite(model.linear->weight.grad()).all().item<bool>());
  EXPECT_FALSE(scaler.Step(model.sgd));
  EXPECT_TRUE(torch::equal(model.linear->weight, after_clean));  // not stepped
  EXPECT_FALSE(model.linear->weight.grad().defined());           // and no stale gradient
  EXPECT_EQ(scaler.scale(), 32768.0);
  EXPECT_EQ(scaler.growth_tracker(), 0);
}

TEST(DynamicLossScalerTest, ScaleGrowsAfterGrowthIntervalCleanStepsInARow) {
  Model model;
  DynamicLossScaler scaler(LossScalerOptions().init_scale(1024).growth_interval(3));
  auto clean_step = [&] {
    model.sgd.zero_grad();
    scaler.Scale(Loss(model, 1e-3)).backward();
    return scaler.Step(model.sgd);
  };
  ASSERT_TRUE(clean_step());
  ASSERT_TRUE(clean_step());
  EXPECT_EQ(scaler.scale(), 1024.0);
  BackwardOverflowing(model, scaler);
  ASSERT_FALSE(scaler.Step(model.sgd));  // resets the count: 3 more clean steps needed
  EXPECT_EQ(scaler.scale(), 512.0);
  ASSERT_TRUE(clean_step());
  ASSERT_TRUE(clean_step());
  EXPECT_EQ(scaler.scale(), 512.0);
  ASSERT_TRUE(clean_step());
  EXPECT_EQ(scaler.scale(), 1024.0);
  EXPECT_EQ(scaler.growth_tracker(), 0);
}

TEST(DynamicLossScalerTest, StateSurvivesACheckpoint) {
  Model model;
  DynamicLossScaler scaler(LossScalerOptions().growth_interval(10));
  BackwardOverflowing(model, scaler);
  scaler.Step(model.sgd);
  model.sgd.zero_grad();
  scaler.Scale(Loss(model)).backward();
  scaler.Step(model.sgd);
  ASSERT_EQ(scaler.scale(), 32768.0);
  ASSERT_EQ(scaler.growth_tracker(), 1);

  torch::serialize::OutputArchive out;
  scaler.Save(out, "loss_scale_d");
  torch::serialize::InputArchive in = ReadBackInMemory(out);
  DynamicLossScaler resumed(LossScalerOptions().growth_interval(10));
  resumed.Load(in, "loss_scale_d");
  EXPECT_EQ(resumed.scale(), 32768.0);
  EXPECT_EQ(resumed.growth_tracker(), 1);

  // A checkpoint from before loss scaling: the initial state.
  resumed.Load(in, "loss_scale_g");
  EXPECT_EQ(resumed.scale(), 65536.0);
  EXPECT_EQ(resumed.growth_tracker(), 0);
}

TEST(DynamicLossScalerTest, RefusesDamagedState) {
  auto load = [](double scale, int64_t tracker) {
    torch::serialize::OutputArchive out;
    out.write("s/scale", torch::tensor(scale, torch::kDouble));
    out.write("s/growth_tracker", torch::tensor(tracker, torch::kLong));
    torch::serialize::InputArchive in = ReadBackInMemory(out);
    DynamicLossScaler scaler;
    scaler.Load(in, "s");
  };
  EXPECT_NO_THROW(load(4.0, 5));
  EXPECT_THROW(load(-1.0, 0), c10::Error);
  EXPECT_THROW(load(std::numeric_limits<double>::infinity(), 0), c10::Error);
  EXPECT_THROW(load(4.0, -1), c10::Error);
  EXPECT_THROW(load(4.0, 2000), c10::Error);
}

}  // namespace
}  // namespace gan
