// The settings of gan::AlternatingUpdater (gan/train/alternating_updater.h describes what
// each does) and the check that they can train a given discriminator.
#ifndef GAN_TRAIN_ALTERNATING_UPDATER_OPTIONS_H_
#define GAN_TRAIN_ALTERNATING_UPDATER_OPTIONS_H_

#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "gan/augment/augmentation.h"
#include "gan/losses/terms/loss_term.h"
#include "gan/networks/gan_modules.h"
#include "gan/train/data_parallel.h"
#include "gan/train/learning_rate_schedule.h"
#include "gan/train/loss_scaler.h"
#include "gan/train/mixed_precision.h"
#include "gan/train/optimization.h"
#include "gan/train/optimizer_step.h"

namespace gan {

// The unrolled look-ahead's gradient: first order treats the advanced D as fixed; second
// order flows back through its steps (see alternating_updater.h).
enum class UnrollOrder { kFirst, kSecond };

struct AlternatingUpdaterOptions {
  bool generator_first = false;
  int n_dis = 1;  // D steps per G step
  OptimizerOptions optimizer_g;
  OptimizerOptions optimizer_d;
  // Both optimizers' rates over the run (gan/train/learning_rate_schedule.h), set from the
  // iteration before each Update's steps.
  LearningRateSchedule learning_rate_schedule;
  torch::Device device = torch::kCPU;
  std::vector<NamedLossTerm> terms;  // in name order (ReadLossTerms keeps them so)
  // Applied to every image D sees, real and fake, in both steps (null: none); see above.
  std::shared_ptr<Augmentation> augmentation;
  double weight_clip = 0.0;  // 0 = no clipping
  bool joint_batch_norm = false;
  int unroll_steps = 0;
  UnrollOrder unroll_order = UnrollOrder::kFirst;
  bool skip_nonfinite_steps = false;
  int64_t max_skipped_steps = 100;
  std::shared_ptr<DataParallel> data_parallel;  // null: one process
  // Forward passes and losses under autocast (bf16 on the CPU, fp16/bf16 on CUDA).
  MixedPrecision mixed_precision = MixedPrecision::kNone;
  // Dynamic loss scaling (see above; the experiments turn it on for fp16). Off: the
  // losses are backpropagated as they are.
  bool loss_scaling = false;
  LossScalerOptions loss_scaler;
  // G, D and the real batches in channels-last memory format (gan/train/memory_format.h).
  bool channels_last = false;
  // Gradient accumulation (see above): each step over this many parts of the batch in turn.
  int accumulation_steps = 1;
  // With data_parallel: the networks' BatchNorm layers (gan/nn/batch_norm.h) normalize
  // with the statistics of the global batch during Update (synchronized BatchNorm).
  bool sync_batch_norm = false;
  // FreezeD (Mo et al. 2020): D's first N blocks (DiscriminatorModule::block_parameters)
  // are not trained; their BatchNorm running statistics still follow the batches.
  int freeze_d_blocks = 0;
};

// Whether `options` can train `discriminator` (an error names the config key): no term that
// needs the whole batch under accumulation, none that runs G again on D's fakes' latents
// (zCR) in G-first order, no more frozen blocks than D has, second-order unrolling only
// where its steps can be replayed exactly (see above). The constructor checks it too.
absl::Status CheckAlternatingUpdaterOptions(const AlternatingUpdaterOptions& options,
                                            DiscriminatorModule& discriminator);

// G's (`optimizer` = options.optimizer_g) or D's optimizer step as `options` set it.
OptimizerStepOptions OptimizerStepOptionsOf(const AlternatingUpdaterOptions& options,
                                            const OptimizerOptions& optimizer);

}  // namespace gan

#endif  // GAN_TRAIN_ALTERNATING_UPDATER_OPTIONS_H_
