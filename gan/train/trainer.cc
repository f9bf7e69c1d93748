#include "gan/train/trainer.h"

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gan/core/exception_message.h"
#include "gan/core/stop_signal.h"

namespace gan {
namespace {

// The non-finite losses as "name = value" (one host sync for all of them).
std::string NonFiniteLosses(const std::map<std::string, torch::Tensor>& losses) {
  if (losses.empty()) return "";
  std::vector<torch::Tensor> values;
  for (const auto& [name, value] : losses) values.push_back(value.detach().reshape({}).to(torch::kDouble));
  const torch::Tensor all = torch::stack(values).cpu();
  if (torch::isfinite(all).all().item<bool>()) return "";
  std::vector<std::string> bad;
  int64_t i = 0;
  for (const auto& [name, value] : losses) {
    const double x = all[i++].item<double>();
    if (!std::isfinite(x)) bad.push_back(absl::StrCat(name, " = ", x));
  }
  return absl::StrJoin(bad, ", ");
}

}  // namespace

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
      // LibTorch errors and a data-parallel peer that died end the run with a status.
      std::string failure;
      try {
        state_.losses = updater_.Update(*batch, state_.iteration);
      } catch (const std::exception& e) {
        failure = ExceptionMessage(e);
      }
      if (!failure.empty()) {
        return absl::InternalError(absl::StrCat("iteration ", state_.iteration + 1, " failed: ",
                                                failure, "; the newest checkpoint is from before it"));
      }
      const std::string diverged = NonFiniteLosses(state_.losses);
      if (!diverged.empty()) {
        const auto skipped = state_.losses.find("skipped_steps");
        return absl::DataLossError(absl::StrCat(
            "training diverged at iteration ", state_.iteration + 1, ": ", diverged,
            skipped == state_.losses.end()
                ? ""
                : absl::StrCat(" (after ", skipped->second.item<int64_t>(),
                               " non-finite steps skipped, more than update.max_skipped_steps)"),
            "; nothing of this iteration was saved, the newest checkpoint is from before it "
            "(lower the learning rates, or add a gradient penalty)"));
      }
      state_.AccumulateLosses(state_.losses);
      ++state_.iteration;
      ++state_.batch_in_epoch;
      const bool epoch_ended = state_.batch_in_epoch == state_.iterations_per_epoch;
      if (epoch_ended) {
        ++state_.epoch;
        state_.batch_in_epoch = 0;
      }
      const bool last = state_.iteration >= state_.total_iterations;
      const int signal = StopSignal();
      const bool stopping = signal != 0 && !last;
      for (auto& [extension, trigger] : extensions_) {
        if (!trigger.Fires(state_, epoch_ended, last, stopping)) continue;
        const absl::Status status = extension->Run(state_);
        if (!status.ok()) {
          return absl::Status(status.code(),
                              absl::StrCat("extension '", extension->name(), "' at iteration ",
                                           state_.iteration, ": ", status.message()));
        }
      }
      if (stopping) {
        return absl::CancelledError(absl::StrCat("stopped by ", strsignal(signal),
                                                 " after iteration ", state_.iteration));
      }
      if (last) break;
    }
  }
  return absl::OkStatus();
}

}  // namespace gan
