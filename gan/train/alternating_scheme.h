// The "alternating" update scheme (gan/train/update_scheme.h): D's and G's steps in turn on
// a logit discriminator (gan/train/alternating_updater.h), with the loss section's
// adversarial loss, the terms, the augmentation, the optim and precision sections.
//
//   "update": {"n_dis": 5, "weight_clip": 0.01}                        WGAN
//   "update": {"unroll_steps": 5, "unroll_order": "second"}            unrolled GAN
//
//   n_dis               D steps per G step (one D step per iteration)
//   generator_first     G's step before D's, D reusing G's fakes
//   weight_clip         WGAN: D's parameters clipped to [-c, c] after each D step; 0 = off
//   joint_batch_norm    D sees real and fake as one batch instead of two passes
//   unroll_steps        G's loss against D advanced this many look-ahead steps; 0 = off
//   unroll_order        first | second (differentiates through the look-ahead; needs
//                       optim.optimizer sgd with optim.beta1 0)
//   accumulation_steps  each step over K parts of train.batch_size images in turn, then one
//                       update: an iteration consumes K batches
//   freeze_d_blocks     FreezeD: D's first N blocks keep their weights (with --init_from)
//   sync_batch_norm     data-parallel runs: BatchNorm over the global batch
//   nonfinite           stop (the run, at a NaN or Inf loss or gradient) | skip (that step,
//                       counted, stopping past max_skipped_steps)
//   max_skipped_steps   100
#ifndef GAN_TRAIN_ALTERNATING_SCHEME_H_
#define GAN_TRAIN_ALTERNATING_SCHEME_H_

#include <memory>

#include "gan/core/config.h"
#include "gan/train/alternating_updater_options.h"
#include "gan/train/update_scheme.h"

namespace gan {

class AlternatingScheme : public UpdateScheme {
 public:
  // `options`: the scheme's keys set; the rest is filled from UpdateInputs.
  explicit AlternatingScheme(AlternatingUpdaterOptions options) : options_(std::move(options)) {}

  int iterations_per_generator_step() const override { return options_.n_dis; }
  int batches_per_iteration() const override { return options_.accumulation_steps; }
  absl::StatusOr<std::unique_ptr<Updater>> NewUpdater(const UpdateInputs& inputs) const override;

  const AlternatingUpdaterOptions& options() const { return options_; }

 private:
  AlternatingUpdaterOptions options_;
};

// Reads the scheme's keys, recording invalid values on `reader`.
std::unique_ptr<UpdateScheme> ReadAlternatingScheme(ConfigReader& reader);

}  // namespace gan

#endif  // GAN_TRAIN_ALTERNATING_SCHEME_H_
