#include "gan/train/alternating_updater_options.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gan/train/frozen_blocks.h"

namespace gan {

absl::Status CheckAlternatingUpdaterOptions(const AlternatingUpdaterOptions& options,
                                            DiscriminatorModule& discriminator) {
  for (const NamedLossTerm& named : options.terms) {
    if (options.accumulation_steps > 1 && named.term->needs_whole_batch()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "config key 'update.accumulation_steps' (", options.accumulation_steps, "): the term '",
          named.name, "' needs the whole batch at once (its value is not a mean over images), ",
          "so it cannot be accumulated over parts; use a larger train.batch_size instead"));
    }
    if (options.generator_first && named.term->reruns_generator()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "config key 'update.generator_first': the term '", named.name, "' runs G again on ",
          "the latents of D's fakes, which in G-first order G made before its step; train D first"));
    }
  }
  if (options.unroll_order == UnrollOrder::kSecond) {
    // Its replay of D's look-ahead steps must take exactly the steps that were taken.
    const OptimizerOptions& d = options.optimizer_d;
    const std::pair<bool, std::string> refusals[] = {
        {options.unroll_steps == 0, "needs update.unroll_steps > 0"},
        {d.kind != OptimizerOptions::Kind::kSgd || d.beta1 != 0,
         "differentiates through D's look-ahead steps as plain gradient descent: set "
         "optim.optimizer to sgd with optim.beta1 (its momentum) 0"},
        {options.mixed_precision != MixedPrecision::kNone || options.loss_scaling,
         "needs full precision (precision.mixed_precision none)"},
        {options.accumulation_steps > 1, "needs update.accumulation_steps 1"},
        {options.data_parallel != nullptr, "runs in one process only (no --nproc)"},
        {options.weight_clip > 0, "cannot differentiate through update.weight_clip"}};
    for (const auto& [refused, why] : refusals) {
      if (refused) {
        return absl::InvalidArgumentError(
            absl::StrCat("config key 'update.unroll_order' (second) ", why));
      }
    }
  }
  return CheckFrozenBlocks(discriminator, options.freeze_d_blocks);
}

OptimizerStepOptions OptimizerStepOptionsOf(const AlternatingUpdaterOptions& options,
                                            const OptimizerOptions& optimizer) {
  OptimizerStepOptions step;
  step.optimizer = optimizer;
  step.learning_rate_schedule = options.learning_rate_schedule;
  step.data_parallel = options.data_parallel;
  step.loss_scaling = options.loss_scaling;
  step.loss_scaler = options.loss_scaler;
  step.skip_nonfinite_steps = options.skip_nonfinite_steps;
  return step;
}

}  // namespace gan
