#include "gan/outputs/progress_extension.h"

#include <unistd.h>

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace gan {

std::string FormatDuration(double seconds) {
  const int64_t total = static_cast<int64_t>(std::llround(std::max(0.0, seconds)));
  const int64_t h = total / 3600, m = (total / 60) % 60, s = total % 60;
  if (h > 0) return absl::StrFormat("%dh%02dm%02ds", h, m, s);
  if (m > 0) return absl::StrFormat("%dm%02ds", m, s);
  return absl::StrFormat("%ds", s);
}

ProgressExtension::ProgressExtension(double plain_interval_seconds, std::FILE* out,
                                     int terminal)
    : plain_interval_seconds_(plain_interval_seconds),
      out_(out),
      terminal_(terminal < 0 ? ::isatty(::fileno(out)) != 0 : terminal != 0) {}

absl::Status ProgressExtension::Start(const TrainingState& state) {
  start_iteration_ = state.iteration;
  start_ = last_print_ = std::chrono::steady_clock::now();
  return absl::OkStatus();
}

std::string ProgressExtension::Format(const TrainingState& state, double seconds) const {
  const int64_t done = state.iteration - start_iteration_;
  const double rate = seconds > 0 ? done / seconds : 0.0;
  const int64_t total_epochs =
      state.iterations_per_epoch > 0
          ? (state.total_iterations + state.iterations_per_epoch - 1) / state.iterations_per_epoch
          : 0;
  std::string line = absl::StrFormat(
      "epoch %d/%d  iter %d/%d  %.2f it/s  elapsed %s  ETA %s", state.epoch, total_epochs,
      state.iteration, state.total_iterations, rate, FormatDuration(seconds),
      rate > 0 ? FormatDuration((state.total_iterations - state.iteration) / rate) : "?");
  for (const auto& [name, value] : state.logged_losses) {
    absl::StrAppend(&line, absl::StrFormat("  %s %.4f", name, value));
  }
  return line;
}

absl::Status ProgressExtension::Run(TrainingState& state) {
  const auto now = std::chrono::steady_clock::now();
  const double since_print = std::chrono::duration<double>(now - last_print_).count();
  const bool last = state.iteration >= state.total_iterations;
  const double interval = terminal_ ? 0.2 : plain_interval_seconds_;
  if (!last && since_print < interval) return absl::OkStatus();
  last_print_ = now;
  const std::string line = Format(state, std::chrono::duration<double>(now - start_).count());
  if (terminal_) {
    // \033[K clears what a longer previous line left behind.
    std::fprintf(out_, "\r%s\033[K%s", line.c_str(), last ? "\n" : "");
  } else {
    std::fprintf(out_, "%s\n", line.c_str());
  }
  std::fflush(out_);
  return absl::OkStatus();
}

}  // namespace gan
