#include "gan/outputs/run_status.h"

#include <algorithm>
#include <iterator>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "gan/core/atomic_file.h"

namespace gan {
namespace {

constexpr RunState kRunStates[] = {RunState::kRunning, RunState::kFinished, RunState::kStopped,
                                   RunState::kFailed};

}  // namespace

const char* RunStateName(RunState state) {
  switch (state) {
    case RunState::kRunning: return "running";
    case RunState::kFinished: return "finished";
    case RunState::kStopped: return "stopped";
    case RunState::kFailed: return "failed";
  }
  return "running";
}

absl::Status WriteRunStatus(const std::string& run_dir, const RunStatus& status) {
  const nlohmann::json json = {{"state", RunStateName(status.state)},
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
  const std::string state = json["state"].get<std::string>();
  const auto* known = std::find_if(std::begin(kRunStates), std::end(kRunStates),
                                   [&](RunState s) { return state == RunStateName(s); });
  if (known == std::end(kRunStates)) {
    return absl::DataLossError(absl::StrCat("'", path, "' has state '", state,
                                            "', not running, finished, stopped or failed"));
  }
  status.state = *known;
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
  return WriteRunStatus(run_dir_, Current(state, RunState::kRunning));
}

absl::Status RunStatusExtension::Run(TrainingState& state) {
  return WriteRunStatus(run_dir_, Current(state, RunState::kRunning));
}

absl::Status RunStatusExtension::Finish(const TrainingState& state, RunState final_state,
                                        const std::string& message) {
  RunStatus status = Current(state, final_state);
  status.message = message;
  return WriteRunStatus(run_dir_, status);
}

RunStatus RunStatusExtension::Current(const TrainingState& state, RunState run_state) const {
  const double session =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  RunStatus status;
  status.state = run_state;
  status.iteration = state.iteration;
  status.total_iterations = state.total_iterations;
  status.epoch = state.epoch;
  status.seconds = previous_seconds_ + session;
  status.iterations_per_second = session > 0 ? (state.iteration - start_iteration_) / session : 0;
  return status;
}

}  // namespace gan
