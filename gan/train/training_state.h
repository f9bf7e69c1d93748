// Where a training run stands: what the trainer advances, extensions read, and
// checkpoints save.
#ifndef GAN_TRAIN_TRAINING_STATE_H_
#define GAN_TRAIN_TRAINING_STATE_H_

#include <cstdint>
#include <map>
#include <string>

#include <torch/types.h>

namespace gan {

struct TrainingState {
  int64_t iteration = 0;           // iterations completed
  int64_t epoch = 0;               // epochs completed
  int64_t batch_in_epoch = 0;      // batches of the current epoch completed
  int64_t iterations_per_epoch = 0;
  int64_t total_iterations = 0;    // where the run stops
  // Losses of the last iteration, as device scalars (reading them syncs the device).
  std::map<std::string, torch::Tensor> losses;
  // Means of the losses over the last logging window, as host numbers.
  std::map<std::string, double> logged_losses;
  // The numeric results of the newest evaluation (gan/metrics:evaluation_extension) and
  // the iteration it ran at; -1 before the first.
  std::map<std::string, double> metrics;
  int64_t metrics_iteration = -1;

  // Adds this iteration's losses to the logging window (kept on the device: no sync).
  void AccumulateLosses(const std::map<std::string, torch::Tensor>& losses) {
    for (const auto& [name, value] : losses) {
      auto& [sum, count] = loss_window_[name];
      sum = sum.defined() ? sum + value : value.clone();
      ++count;
    }
  }

  // Means over the window (syncs once), stored in logged_losses; restarts the window.
  const std::map<std::string, double>& TakeLossMeans() {
    logged_losses.clear();
    for (const auto& [name, entry] : loss_window_) {
      if (entry.second > 0) logged_losses[name] = entry.first.item<double>() / entry.second;
    }
    loss_window_.clear();
    return logged_losses;
  }

 private:
  std::map<std::string, std::pair<torch::Tensor, int64_t>> loss_window_;
};

}  // namespace gan

#endif  // GAN_TRAIN_TRAINING_STATE_H_
