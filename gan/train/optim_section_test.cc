#include "gan/train/optim_section.h"

#include <string>

#include <gtest/gtest.h>

#include "gan/core/config_section_testing.h"

namespace gan {
namespace {

// The section's error, or "" when it reads without one.
std::string ReadError(const std::string& section, OptimSection* read = nullptr) {
  return ReadSectionError(section, "optim", ReadOptimSection, read);
}

TEST(OptimSectionTest, AnEmptySectionIsDcgansAdam) {
  OptimSection optim;
  EXPECT_EQ(ReadError("{}", &optim), "");
  for (const OptimizerOptions& o : {optim.generator, optim.discriminator}) {
    EXPECT_EQ(o.kind, OptimizerOptions::Kind::kAdam);
    EXPECT_EQ(o.lr, 2e-4);
    EXPECT_EQ(o.beta1, 0.5);
    EXPECT_EQ(o.beta2, 0.999);
  }
  EXPECT_FALSE(optim.decaying());
}

TEST(OptimSectionTest, EachNetworkGetsItsRateAndBothTheKindAndBetas) {
  OptimSection optim;
  EXPECT_EQ(ReadError(R"({"optimizer": "rmsprop", "lr_g": 1e-4, "lr_d": 4e-4, "beta1": 0.0,
                          "beta2": 0.9, "lr_schedule": "cosine", "lr_decay_start": 10})", &optim),
            "");
  EXPECT_EQ(optim.generator.lr, 1e-4);
  EXPECT_EQ(optim.discriminator.lr, 4e-4);
  for (const OptimizerOptions& o : {optim.generator, optim.discriminator}) {
    EXPECT_EQ(o.kind, OptimizerOptions::Kind::kRmsprop);
    EXPECT_EQ(o.beta1, 0.0);
    EXPECT_EQ(o.beta2, 0.9);
  }
  EXPECT_EQ(optim.lr_schedule, LearningRateSchedule::Kind::kCosine);
  absl::StatusOr<LearningRateSchedule> schedule = optim.ScheduleFor(100);
  ASSERT_TRUE(schedule.ok()) << schedule.status();
  EXPECT_EQ(schedule->start, 10);
  EXPECT_EQ(schedule->total, 100);
}

TEST(OptimSectionTest, ErrorsNameTheKeyAndWhatWasExpected) {
  EXPECT_EQ(ReadError(R"({"optimizer": "lbfgs"})"),
            "config key 'optim.optimizer' must be adam, rmsprop or sgd, got 'lbfgs'");
  EXPECT_NE(ReadError(R"({"lr_d": 0})").find("'optim.lr_d' must be positive"), std::string::npos);
  EXPECT_NE(ReadError(R"({"beta2": 1.0})").find("'optim.beta2' must be in [0, 1), got 1"),
            std::string::npos);
  EXPECT_NE(ReadError(R"({"lr_schedule": "step"})")
                .find("'optim.lr_schedule' must be constant, linear or cosine, got 'step'"),
            std::string::npos);
  EXPECT_NE(ReadError(R"({"lr": 0.1})").find("optim.lr"), std::string::npos);
  OptimSection late;
  ASSERT_EQ(ReadError(R"({"lr_schedule": "linear", "lr_decay_start": 100})", &late), "");
  EXPECT_NE(std::string(late.ScheduleFor(100).status().message())
                .find("'optim.lr_decay_start' (100) must be before the run's end (100 iterations)"),
            std::string::npos);
  OptimSection constant;
  ASSERT_EQ(ReadError(R"({"lr_decay_start": 100})", &constant), "");
  EXPECT_TRUE(constant.ScheduleFor(100).ok()) << "a constant schedule has no start to check";
}

}  // namespace
}  // namespace gan
