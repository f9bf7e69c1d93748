// Runs a study's runs (gan/studies/study_plan.h): each (condition, seed) is one
// process of the experiment's own binary, the same that `bazel run` starts, writing an
// ordinary run directory under the study's directory, with its output in
// <run>/output.txt. Up to `jobs` run at once, each with its share of the cores.
//
// Resumable: a run whose status.json says "finished" is skipped, one with checkpoints is
// continued with --resume, any other starts afresh. A stop (SIGINT/SIGTERM, as recorded
// by gan/core/stop_signal.h) is passed on once to every running run, which checkpoints
// and exits; no new run starts. A run that fails is reported; the others go on. Runs are
// in their own process groups (a terminal's Ctrl-C reaches the study alone, which passes
// it on) and get SIGTERM if the study dies.
#ifndef GAN_STUDIES_STUDY_RUNNER_H_
#define GAN_STUDIES_STUDY_RUNNER_H_

#include <cstdio>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gan/studies/study_plan.h"

namespace gan {

struct StudyRunnerOptions {
  int jobs = 1;             // runs at once
  int threads_per_run = 1;  // --threads of each run
  std::vector<std::string> extra_flags;  // passed to every new run (e.g. --data_dir=...)
  // The experiment's binary.
  std::function<absl::StatusOr<std::string>(const std::string& experiment)> binary;
  double progress_seconds = 30;  // between plain progress lines (a terminal redraws)
  std::FILE* progress = stderr;
};

// Where a study's run stands: kSkipped is finished in an earlier session; kStopped, a
// requested stop (the next session resumes it).
enum class StudyRunState { kNotStarted, kRunning, kFinished, kSkipped, kStopped, kFailed };

struct StudyRunOutcome {
  StudyRun run;
  StudyRunState state = StudyRunState::kNotStarted;
  std::string message;  // for a failed run: why, with the end of its output
};

// The batch size that an experiment resolves with a condition's settings (the budget's
// images per iteration), by (experiment, settings).
using ResolvedBatchSizes = std::map<std::pair<std::string, std::vector<std::string>>, int64_t>;

// Whether every run can start, checked before anything is written: each experiment's
// binary exists and accepts each condition's settings. The error names the experiment, or
// the condition and what its experiment said of the settings (an unknown key, a bad value).
// Returns the batch sizes the check resolved.
absl::StatusOr<ResolvedBatchSizes> CheckStudyCanStart(const StudyPlan& plan,
                                                      const StudyRunnerOptions& options);

// Runs the plan's runs under `study_dir` (which exists); returns every run's outcome. A
// fresh run whose batch size `batch_sizes` lacks asks its experiment for it first.
std::vector<StudyRunOutcome> RunStudy(const StudyPlan& plan, const std::string& study_dir,
                                      const StudyRunnerOptions& options,
                                      const ResolvedBatchSizes& batch_sizes = {});

// The study's progress in words: "3 of 9 runs done, 2 running, 4 left, 1 failed; ETA 12m30s".
std::string StudyProgressLine(int done, int running, int left, int failed, double eta_seconds);

}  // namespace gan

#endif  // GAN_STUDIES_STUDY_RUNNER_H_
