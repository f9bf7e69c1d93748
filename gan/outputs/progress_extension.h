// The progress line: epoch, iteration, it/s, ETA and the latest logged losses. On a
// terminal it redraws one line (at most every 0.2 s); otherwise (CI logs, files) it
// prints a plain line every `plain_interval_seconds` and at the end.
#ifndef GAN_OUTPUTS_PROGRESS_EXTENSION_H_
#define GAN_OUTPUTS_PROGRESS_EXTENSION_H_

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "gan/train/extension.h"

namespace gan {

class ProgressExtension : public Extension {
 public:
  // `out` defaults to stderr; `terminal` < 0 asks isatty(out).
  explicit ProgressExtension(double plain_interval_seconds = 30.0, std::FILE* out = stderr,
                             int terminal = -1);
  std::string name() const override { return "progress"; }
  absl::Status Start(const TrainingState& state) override;
  absl::Status Run(TrainingState& state) override;

  // The line for `state` after `seconds` since start (no newline or carriage return).
  std::string Format(const TrainingState& state, double seconds) const;

 private:
  double plain_interval_seconds_;
  std::FILE* out_;
  bool terminal_;
  int64_t start_iteration_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_print_;
};

// "1h02m03s" / "4m05s" / "6s".
std::string FormatDuration(double seconds);

}  // namespace gan

#endif  // GAN_OUTPUTS_PROGRESS_EXTENSION_H_
