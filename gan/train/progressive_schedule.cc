#include "gan/train/progressive_schedule.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace gan {

absl::Status ValidateProgressiveScheduleOptions(const ProgressiveScheduleOptions& options) {
  if (options.num_levels < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("progressive schedule: num_levels must be >= 1, got ", options.num_levels));
  }
  if (options.stable_images < 0 || options.fade_images < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "progressive schedule: stable_images and fade_images must be >= 0, got ",
        options.stable_images, " and ", options.fade_images));
  }
  if (options.num_levels > 1 && options.fade_images == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "progressive schedule: fade_images must be > 0 to fade in ", options.num_levels - 1,
        " levels"));
  }
  return absl::OkStatus();
}

ProgressivePhase ProgressivePhaseAt(const ProgressiveScheduleOptions& options,
                                    int64_t images_seen) {
  const int64_t stable = options.stable_images;
  const int64_t fade = options.fade_images;
  const int64_t last = options.num_levels - 1;
  const int64_t t = std::max<int64_t>(images_seen, 0);
  if (last <= 0 || t < stable) return {0, 1.0};
  if (t >= ProgressiveScheduleImages(options)) return {last, 1.0};
  // Level L >= 1 starts fading in at stable + (L - 1) * (fade + stable).
  const int64_t level = 1 + (t - stable) / (fade + stable);
  const int64_t into_level = (t - stable) % (fade + stable);
  if (into_level >= fade) return {level, 1.0};
  return {level, static_cast<double>(into_level) / static_cast<double>(fade)};
}

int64_t ProgressiveScheduleImages(const ProgressiveScheduleOptions& options) {
  return std::max<int64_t>(options.num_levels - 1, 0) *
         (options.stable_images + options.fade_images);
}

}  // namespace gan
