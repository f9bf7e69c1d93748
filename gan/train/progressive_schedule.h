// The progressive-growing schedule of PGGAN (Karras et al. 2018): which resolution level
// the networks train at, and how far the newest level has faded in, after a given number
// of training images. Level 0 (4x4) is trained for `stable_images`; every later level
// first fades in over `fade_images` (alpha rising linearly from 0 to 1), then trains stably
// for `stable_images`. After the last level has faded in the phase stays there.
//
//   gan::ProgressiveScheduleOptions schedule{/*num_levels=*/4, /*stable_images=*/800000,
//                                            /*fade_images=*/800000};
//   gan::ProgressivePhase phase = gan::ProgressivePhaseAt(schedule, images_seen);
//   generator->set_phase(phase.level, phase.alpha);
//   discriminator->set_phase(phase.level, phase.alpha);
#ifndef GAN_TRAIN_PROGRESSIVE_SCHEDULE_H_
#define GAN_TRAIN_PROGRESSIVE_SCHEDULE_H_

#include <cstdint>

#include "absl/status/status.h"

namespace gan {

struct ProgressivePhase {
  int64_t level = 0;   // 0 = 4x4, level L = 4 * 2^L
  double alpha = 1.0;  // weight of level `level` against the upsampled level - 1
};

struct ProgressiveScheduleOptions {
  int64_t num_levels = 1;
  // PGGAN shows 800k images per stable and per fade phase.
  int64_t stable_images = 800000;
  int64_t fade_images = 800000;
};

// num_levels >= 1, counts >= 0, and fade_images > 0 when there is anything to fade in.
absl::Status ValidateProgressiveScheduleOptions(const ProgressiveScheduleOptions& options);

// The phase after `images_seen` images; for valid options. Negative images_seen counts as
// 0. Level 0 reports alpha 1 (there is nothing to fade from).
ProgressivePhase ProgressivePhaseAt(const ProgressiveScheduleOptions& options,
                                    int64_t images_seen);

// Images until the last level is fully faded in: (num_levels - 1) * (stable + fade).
int64_t ProgressiveScheduleImages(const ProgressiveScheduleOptions& options);

}  // namespace gan

#endif  // GAN_TRAIN_PROGRESSIVE_SCHEDULE_H_
