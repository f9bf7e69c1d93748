#include "gan/outputs/run_status.h"

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "gan/core/atomic_file.h"

namespace gan {

absl::Status WriteRunStatus(const std::string& run_dir, const RunStatus& status) {
  const nlohmann::json json = {{"state", status.state},
                               {"iteration", status.iteration},
                               {"total_iterations", status.total_iterations},
                               {"epoch", status.epoch},
                               {"seconds", status.seconds},
                               {"iterations_per_second", status.iterations_per_second},
                               {"message", status.message}};
  return WriteFileAtomically(run_dir + "/status.json", json.dump(1) + "\n");
}

absl::StatusOr<RunStatus> ReadRunStatus(const std::string& run_dir) {
  const std::string path = run_dir + "/status.json";
  std::string text;
  if (!ReadFile(path, &text).ok()) return absl::NotFoundError(absl::StrCat("no '", path, "'"));
  const nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("state") || !json["state"].is_string()) {
    return absl::DataLossError(absl::StrCat("'", path, "' is not a run status (a JSON object with \"state\")"));
  }
  RunStatus status;
  status.state = json["state"].get<std::string>();
  status.iteration = json.value("iteration", int64_t{0});
  status.total_iterations = json.value("total_iterations", int64_t{0});
  status.epoch = json.value("epoch", int64_t{0});
  status.seconds = json.value("seconds", 0.0);
  status.iterations_per_second = json.value("iterations_per_second", 0.0);
  status.message = json.value("message", std::string());
  return status;
}

absl::Status RunStatusExtension::Start(const TrainingState& state) {
  start_ = std::chrono::steady_clock::now();
  start_iteration_ = state.iteration;
  previous_seconds_ = 0;
  if (state.iteration > 0) {
    if (const absl::StatusOr<RunStatus> before = ReadRunStatus(run_dir_); before.ok()) {
      previous_seconds_ = before->seconds;
    }
  }
  return WriteRunStatus(run_dir_, Current(state, "running"));
}

absl::Status RunStatusExtension::Run(TrainingState& state) {
  return WriteRunStatus(run_dir_, Current(state, "running"));
}

absl::Status RunStatusExtension::Finish(const TrainingState& state, const std::string& final_state,
                                        const std::string& message) {
  RunStatus status = Current(state, final_state);
  status.message = message;
  return WriteRunStatus(run_dir_, status);
}

RunStatus RunStatusExtension::Current(const TrainingState& state,
                                      const std::string& state_name) const {
  const double session =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  RunStatus status;
  status.state = state_name;
  status.iteration = state.iteration;
  status.total_iterations = state.total_iterations;
  status.epoch = state.epoch;
  status.seconds = previous_seconds_ + session;
  status.iterations_per_second = session > 0 ? (state.iteration - start_iteration_) / session : 0;
  return status;
}

}  // namespace gan
