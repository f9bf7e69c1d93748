// Extensions run between iterations when their trigger fires: sample grids, logs,
// checkpoints, the progress line. A trigger fires every N iterations, every N epochs (at
// the end of the epoch), and/or once at the end of training.
//
//   trainer.Add(std::make_unique<gan::LossLogExtension>(path),
//               gan::Trigger::EveryIterations(50).OrAtEnd());
#ifndef GAN_TRAIN_EXTENSION_H_
#define GAN_TRAIN_EXTENSION_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "gan/train/training_state.h"

namespace gan {

struct Trigger {
  int64_t every_iterations = 0;  // 0 = never
  int64_t every_epochs = 0;      // 0 = never
  bool at_end = false;
  bool at_stop = false;  // also when training stops early on SIGINT / SIGTERM

  static Trigger EveryIterations(int64_t n) { return {n, 0, false}; }
  static Trigger EveryEpochs(int64_t n) { return {0, n, false}; }
  static Trigger AtEnd() { return {0, 0, true}; }
  Trigger OrAtEnd() const { return {every_iterations, every_epochs, true, at_stop}; }
  Trigger OrAtStop() const { return {every_iterations, every_epochs, at_end, true}; }

  // `state` is after the iteration; `epoch_ended` when it completed an epoch; `last`
  // when it is the final iteration of the run; `stopping` when training stops early there.
  bool Fires(const TrainingState& state, bool epoch_ended, bool last, bool stopping = false) const {
    if (stopping) return at_stop;
    if (at_end && last) return true;
    if (every_iterations > 0 && state.iteration % every_iterations == 0) return true;
    return every_epochs > 0 && epoch_ended && state.epoch % every_epochs == 0;
  }
};

class Extension {
 public:
  virtual ~Extension() = default;
  virtual std::string name() const = 0;
  // Called once before the first iteration (after a resume, with the restored state).
  virtual absl::Status Start(const TrainingState& state) { return absl::OkStatus(); }
  virtual absl::Status Run(TrainingState& state) = 0;
};

}  // namespace gan

#endif  // GAN_TRAIN_EXTENSION_H_
