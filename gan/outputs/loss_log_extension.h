// Appends one JSON object per firing to a JSONL file: iteration, epoch, seconds since
// the run (re)started, and the mean of every loss since the previous line, e.g.
//   {"epoch":0,"iteration":50,"loss_d":1.21,"loss_g":0.93,"seconds":12.4}
// On resume, lines past the restored iteration (written after the checkpoint) and any
// torn last line are dropped, so the log matches the continued run.
#ifndef GAN_OUTPUTS_LOSS_LOG_EXTENSION_H_
#define GAN_OUTPUTS_LOSS_LOG_EXTENSION_H_

#include <chrono>
#include <string>

#include "gan/train/extension.h"

namespace gan {

class LossLogExtension : public Extension {
 public:
  explicit LossLogExtension(std::string path) : path_(std::move(path)) {}
  std::string name() const override { return "loss_log"; }
  absl::Status Start(const TrainingState& state) override;
  absl::Status Run(TrainingState& state) override;

 private:
  std::string path_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace gan

#endif  // GAN_OUTPUTS_LOSS_LOG_EXTENSION_H_
