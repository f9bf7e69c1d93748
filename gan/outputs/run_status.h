// status.json in a run directory: where the run stands, for the report's header, the
// study tool (which runs are finished, which to resume) and anyone watching a run.
//
//   {"state": "stopped", "iteration": 855, "total_iterations": 4685, "epoch": 0,
//    "seconds": 701.2, "iterations_per_second": 1.22, "message": "stopped by signal 2"}
//
// "running" while training (rewritten with the log), then "finished", "stopped" (a
// requested stop: Ctrl-C, SIGTERM) or "failed". A run killed outright stays "running".
#ifndef GAN_OUTPUTS_RUN_STATUS_H_
#define GAN_OUTPUTS_RUN_STATUS_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gan/train/extension.h"

namespace gan {

enum class RunState { kRunning, kFinished, kStopped, kFailed };

// "running", "finished", "stopped", "failed": the words status.json holds.
const char* RunStateName(RunState state);

struct RunStatus {
  RunState state = RunState::kRunning;
  int64_t iteration = 0;
  int64_t total_iterations = 0;
  int64_t epoch = 0;
  double seconds = 0;                // training wall time, summed over resumed sessions
  double iterations_per_second = 0;  // in the latest session
  std::string message;               // why it stopped or failed
};

// Atomically, as <run_dir>/status.json.
absl::Status WriteRunStatus(const std::string& run_dir, const RunStatus& status);

// NotFound when the run has none; errors name the file (and a state it does not know).
absl::StatusOr<RunStatus> ReadRunStatus(const std::string& run_dir);

// Writes "running" whenever it fires; Finish writes the final state. A resumed run adds
// to the seconds its status.json already holds.
class RunStatusExtension : public Extension {
 public:
  explicit RunStatusExtension(std::string run_dir)
      : run_dir_(std::move(run_dir)), start_(std::chrono::steady_clock::now()) {}
  std::string name() const override { return "status"; }
  absl::Status Start(const TrainingState& state) override;
  absl::Status Run(TrainingState& state) override;
  // The run's final state at `state`'s iteration.
  absl::Status Finish(const TrainingState& state, RunState final_state, const std::string& message);

 private:
  RunStatus Current(const TrainingState& state, RunState run_state) const;

  std::string run_dir_;
  double previous_seconds_ = 0;
  int64_t start_iteration_ = 0;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace gan

#endif  // GAN_OUTPUTS_RUN_STATUS_H_
