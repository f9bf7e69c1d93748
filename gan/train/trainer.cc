#include "gan/train/trainer.h"

#include "absl/strings/str_cat.h"

namespace gan {

Trainer::Trainer(Updater& updater, BatchLoader& loader, int64_t total_iterations)
    : updater_(updater), loader_(loader) {
  state_.iterations_per_epoch = loader.batches_per_epoch();
  state_.total_iterations = total_iterations;
}

void Trainer::Add(std::unique_ptr<Extension> extension, Trigger trigger) {
  extensions_.emplace_back(std::move(extension), trigger);
}

absl::Status Trainer::Run() {
  for (auto& [extension, trigger] : extensions_) {
    const absl::Status status = extension->Start(state_);
    if (!status.ok()) return status;
  }
  while (state_.iteration < state_.total_iterations) {
    loader_.StartEpoch(state_.epoch, state_.batch_in_epoch);
    while (std::optional<Batch> batch = loader_.Next()) {
      state_.losses = updater_.Update(*batch, state_.iteration);
      state_.AccumulateLosses(state_.losses);
      ++state_.iteration;
      ++state_.batch_in_epoch;
      const bool epoch_ended = state_.batch_in_epoch == state_.iterations_per_epoch;
      if (epoch_ended) {
        ++state_.epoch;
        state_.batch_in_epoch = 0;
      }
      const bool last = state_.iteration >= state_.total_iterations;
      for (auto& [extension, trigger] : extensions_) {
        if (!trigger.Fires(state_, epoch_ended, last)) continue;
        const absl::Status status = extension->Run(state_);
        if (!status.ok()) {
          return absl::Status(status.code(),
                              absl::StrCat("extension '", extension->name(), "' at iteration ",
                                           state_.iteration, ": ", status.message()));
        }
      }
      if (last) break;
    }
  }
  return absl::OkStatus();
}

}  // namespace gan
