#include "gan/train/learning_rate_schedule.h"

#include <cmath>

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace gan {
namespace {

TEST(LearningRateScheduleTest, LinearDecaysToZeroAtTheEndFromStart) {
  const LearningRateSchedule linear{LearningRateSchedule::Kind::kLinear, 10, 20};
  EXPECT_EQ(linear.Factor(0), 1.0);
  EXPECT_EQ(linear.Factor(10), 1.0);
  EXPECT_DOUBLE_EQ(linear.Factor(11), 0.9);  // 1 - 1/10
  EXPECT_DOUBLE_EQ(linear.Factor(15), 0.5);
  EXPECT_DOUBLE_EQ(linear.Factor(19), 0.1);
  EXPECT_EQ(linear.Factor(20), 0.0);
  EXPECT_EQ(linear.Factor(25), 0.0);  // past the end
}

TEST(LearningRateScheduleTest, CosineIsHalfAtTheMiddle) {
  const LearningRateSchedule cosine{LearningRateSchedule::Kind::kCosine, 0, 8};
  EXPECT_EQ(cosine.Factor(0), 1.0);
  EXPECT_NEAR(cosine.Factor(2), 0.5 * (1 + std::cos(M_PI / 4)), 1e-15);
  EXPECT_NEAR(cosine.Factor(4), 0.5, 1e-15);
  EXPECT_NEAR(cosine.Factor(7), 0.5 * (1 + std::cos(M_PI * 7 / 8)), 1e-15);
  EXPECT_EQ(cosine.Factor(8), 0.0);
  EXPECT_EQ(LearningRateSchedule{}.Factor(1000), 1.0);  // constant
}

TEST(LearningRateScheduleTest, ParsesTheThreeNames) {
  LearningRateSchedule::Kind kind;
  EXPECT_TRUE(ParseLearningRateScheduleKind("cosine", &kind));
  EXPECT_EQ(kind, LearningRateSchedule::Kind::kCosine);
  EXPECT_FALSE(ParseLearningRateScheduleKind("step", &kind));
}

TEST(ScheduledLearningRatesTest, ScalesEveryGroupFromItsInitialRate) {
  torch::nn::Linear a(2, 2), b(2, 2);
  torch::optim::Adam adam({torch::optim::OptimizerParamGroup(a->parameters()),
                           torch::optim::OptimizerParamGroup(
                               b->parameters(), std::make_unique<torch::optim::AdamOptions>(0.01))},
                          torch::optim::AdamOptions(0.1));
  ScheduledLearningRates rates(adam);
  rates.Apply(0.5);
  rates.Apply(0.25);  // from the initial rates, not compounded
  EXPECT_DOUBLE_EQ(adam.param_groups()[0].options().get_lr(), 0.025);
  EXPECT_DOUBLE_EQ(adam.param_groups()[1].options().get_lr(), 0.0025);
}

}  // namespace
}  // namespace gan
