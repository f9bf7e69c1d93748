// The training loop: pulls batches from the loader, hands them to the updater, keeps
// the TrainingState and runs extensions when their triggers fire. It knows nothing about
// networks or losses.
//
//   gan::Trainer trainer(updater, loader, /*total_iterations=*/loader.batches_per_epoch() * 5);
//   trainer.Add(std::make_unique<gan::ProgressExtension>(), gan::Trigger::EveryIterations(1));
//   GAN_RETURN_IF_ERROR(trainer.Run());
#ifndef GAN_TRAIN_TRAINER_H_
#define GAN_TRAIN_TRAINER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "gan/data/batch_loader.h"
#include "gan/train/extension.h"
#include "gan/train/training_state.h"
#include "gan/train/updater.h"

namespace gan {

class Trainer {
 public:
  Trainer(Updater& updater, BatchLoader& loader, int64_t total_iterations);

  // Extensions run in the order added.
  void Add(std::unique_ptr<Extension> extension, Trigger trigger);

  // Trains from state() (fresh, or restored by a checkpoint) to total_iterations. An
  // extension's error stops training and is returned. So does a loss that is NaN or
  // infinite: the error names the iteration and the loss, and no extension runs on that
  // iteration, so the last checkpoint stays the last good one. After SIGINT / SIGTERM
  // (gan/core/stop_signal.h) the current iteration completes, the extensions with
  // Trigger::at_stop run, and a Cancelled status says where training stopped.
  absl::Status Run();

  TrainingState& state() { return state_; }
  const TrainingState& state() const { return state_; }


 private:
  Updater& updater_;
  BatchLoader& loader_;
  TrainingState state_;
  std::vector<std::pair<std::unique_ptr<Extension>, Trigger>> extensions_;
};

}  // namespace gan

#endif  // GAN_TRAIN_TRAINER_H_
