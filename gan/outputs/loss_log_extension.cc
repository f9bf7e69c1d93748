#include "gan/outputs/loss_log_extension.h"

#include <unistd.h>

#include <sstream>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "gan/core/atomic_file.h"

namespace gan {

absl::Status LossLogExtension::Start(const TrainingState& state) {
  start_ = std::chrono::steady_clock::now();
  if (::access(path_.c_str(), F_OK) != 0) return absl::OkStatus();
  std::string text;
  absl::Status status = ReadFile(path_, &text);
  if (!status.ok()) return status;
  std::istringstream lines(text);
  std::string line, kept;
  while (std::getline(lines, line)) {
    const nlohmann::json entry = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (entry.is_discarded() || !entry.contains("iteration")) continue;
    if (entry["iteration"].get<int64_t>() > state.iteration) continue;
    kept += line + "\n";
  }
  return kept == text ? absl::OkStatus() : WriteFileAtomically(path_, kept);
}

absl::Status LossLogExtension::Run(TrainingState& state) {
  nlohmann::json entry = {{"iteration", state.iteration}, {"epoch", state.epoch}};
  entry["seconds"] =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  for (const auto& [name, value] : state.TakeLossMeans()) entry[name] = value;
  return AppendToFile(path_, entry.dump() + "\n");
}

}  // namespace gan
