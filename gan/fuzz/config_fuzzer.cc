// Experiment configs: the first line of the input is a --set override (key=value), the
// rest a JSON config. Any input gives a config or an error status naming the problem.
#include <cstddef>
#include <cstdint>
#include <string>

#include "gan/core/config.h"
#include "gan/run/experiment_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const size_t newline = input.find('\n');
  const std::string override_line = input.substr(0, newline);
  const std::string text = newline == std::string::npos ? "" : input.substr(newline + 1);
  absl::StatusOr<nlohmann::json> json = gan::ParseJson(text, "fuzz input");
  if (!json.ok()) return 0;
  (void)gan::ParseExperimentConfig(*json);
  if (gan::ApplyOverride(override_line, &*json).ok()) {
    (void)gan::ParseExperimentConfig(*json);
  }
  return 0;
}
