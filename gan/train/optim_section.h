// The config's "optim" section: G's and D's optimizers (two time scales, TTUR) and their
// learning rates over the run, read and validated here, where the optimizers are made.
//
//   "optim": {"optimizer": "adam", "lr_g": 0.0001, "lr_d": 0.0004, "beta1": 0.0,
//             "beta2": 0.9, "lr_schedule": "linear", "lr_decay_start": 0}
//
//   optimizer       adam | rmsprop (beta2 is its smoothing constant alpha) | sgd (beta1 is
//                   its momentum), for both networks
//   lr_g, lr_d      the networks' learning rates (> 0)
//   beta1, beta2    in [0, 1)
//   lr_schedule     constant | linear | cosine decay of both rates from iteration
//                   lr_decay_start, reaching 0 at the run's end
//                   (gan/train/learning_rate_schedule.h)
// No section: Adam with lr 2e-4 and betas (0.5, 0.999) for both, constant (DCGAN's).
#ifndef GAN_TRAIN_OPTIM_SECTION_H_
#define GAN_TRAIN_OPTIM_SECTION_H_

#include <cstdint>

#include "absl/status/status.h"
#include "gan/core/config.h"
#include "gan/train/learning_rate_schedule.h"
#include "gan/train/optimization.h"

namespace gan {

struct OptimSection {
  OptimizerOptions generator;      // kind, lr_g, beta1, beta2
  OptimizerOptions discriminator;  // kind, lr_d, beta1, beta2
  LearningRateSchedule::Kind lr_schedule = LearningRateSchedule::Kind::kConstant;
  int64_t lr_decay_start = 0;

  bool decaying() const { return lr_schedule != LearningRateSchedule::Kind::kConstant; }
  // The schedule for a run of `total_iterations`; a decaying one must start before the
  // run's end (the error names optim.lr_decay_start).
  absl::StatusOr<LearningRateSchedule> ScheduleFor(int64_t total_iterations) const;
};

// Reads the section through `reader` (an absent section reads as the defaults),
// recording invalid values on it.
OptimSection ReadOptimSection(ConfigReader& reader);

}  // namespace gan

#endif  // GAN_TRAIN_OPTIM_SECTION_H_
