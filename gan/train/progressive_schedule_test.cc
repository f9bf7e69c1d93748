#include "gan/train/progressive_schedule.h"

#include <string>

#include <gtest/gtest.h>

namespace gan {
namespace {

void ExpectPhase(const ProgressiveScheduleOptions& options, int64_t images, int64_t level,
                 double alpha) {
  const ProgressivePhase phase = ProgressivePhaseAt(options, images);
  EXPECT_EQ(phase.level, level) << "at " << images << " images";
  EXPECT_DOUBLE_EQ(phase.alpha, alpha) << "at " << images << " images";
}

TEST(ProgressiveScheduleTest, StableThenFadeForEachLevel) {
  // 4 levels, 100 stable, 50 fade: level 1 fades over [100, 150), is stable over
  // [150, 250); level 2 fades over [250, 300); level 3 fades over [400, 450).
  const ProgressiveScheduleOptions options{4, 100, 50};
  ExpectPhase(options, 0, 0, 1.0);
  ExpectPhase(options, 99, 0, 1.0);
  ExpectPhase(options, 100, 1, 0.0);
  ExpectPhase(options, 125, 1, 0.5);
  ExpectPhase(options, 149, 1, 0.98);
  ExpectPhase(options, 150, 1, 1.0);
  ExpectPhase(options, 249, 1, 1.0);
  ExpectPhase(options, 250, 2, 0.0);
  ExpectPhase(options, 275, 2, 0.5);
  ExpectPhase(options, 300, 2, 1.0);
  ExpectPhase(options, 399, 2, 1.0);
  ExpectPhase(options, 400, 3, 0.0);
  ExpectPhase(options, 410, 3, 0.2);
  ExpectPhase(options, 449, 3, 0.98);
  ExpectPhase(options, 450, 3, 1.0);
  ExpectPhase(options, 1000000000000, 3, 1.0);
  ExpectPhase(options, -5, 0, 1.0);
  EXPECT_EQ(ProgressiveScheduleImages(options), 450);
}

TEST(ProgressiveScheduleTest, ZeroStableImagesFadesBackToBack) {
  const ProgressiveScheduleOptions options{3, 0, 10};
  ExpectPhase(options, 0, 1, 0.0);
  ExpectPhase(options, 5, 1, 0.5);
  ExpectPhase(options, 10, 2, 0.0);
  ExpectPhase(options, 19, 2, 0.9);
  ExpectPhase(options, 20, 2, 1.0);
  EXPECT_EQ(ProgressiveScheduleImages(options), 20);
}

TEST(ProgressiveScheduleTest, OneLevelNeverGrows) {
  const ProgressiveScheduleOptions options{1, 100, 0};
  EXPECT_TRUE(ValidateProgressiveScheduleOptions(options).ok());
  EXPECT_EQ(ProgressiveScheduleImages(options), 0);
  ExpectPhase(options, 0, 0, 1.0);
  ExpectPhase(options, 1000, 0, 1.0);
}

TEST(ProgressiveScheduleTest, ValidationNamesTheBadValue) {
  EXPECT_TRUE(ValidateProgressiveScheduleOptions({4, 100, 50}).ok());
  EXPECT_TRUE(ValidateProgressiveScheduleOptions({2, 0, 1}).ok());

  const absl::Status no_levels = ValidateProgressiveScheduleOptions({0, 100, 50});
  EXPECT_EQ(no_levels.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(no_levels.message()).find("num_levels must be >= 1, got 0"),
            std::string::npos)
      << no_levels;

  const absl::Status negative = ValidateProgressiveScheduleOptions({3, -1, 50});
  EXPECT_FALSE(negative.ok());
  EXPECT_NE(std::string(negative.message()).find("-1"), std::string::npos) << negative;
  EXPECT_FALSE(ValidateProgressiveScheduleOptions({3, 100, -2}).ok());

  const absl::Status no_fade = ValidateProgressiveScheduleOptions({3, 100, 0});
  EXPECT_FALSE(no_fade.ok());
  EXPECT_NE(std::string(no_fade.message()).find("fade_images must be > 0"), std::string::npos)
      << no_fade;
}

}  // namespace
}  // namespace gan
