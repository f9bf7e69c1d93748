// `study`: runs an experiment under several conditions and seeds, and compares them.
//
//   bazel run //gan/experiments:study -- --study=gan/experiments/studies/dcgan_losses.json
//
// The study file (gan/studies/study_plan.h) names the experiment(s), the conditions
// (a grid of --set values, or named lists), the seeds and the budget. Each (condition,
// seed) is an ordinary run directory under --out_dir, trained by the experiment's own
// binary and evaluated as it trains; then results.csv (one row per run and evaluated
// checkpoint), study.html and summary.md (its final table in Markdown) are written. Run
// the same command again to continue an interrupted study: finished runs are skipped,
// stopped ones resumed. Ctrl-C stops every run cleanly (each writes a checkpoint).
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <thread>
#include <utility>

#include "absl/flags/flag.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gan/core/atomic_file.h"
#include "gan/core/command_line.h"
#include "gan/core/config.h"
#include "gan/core/run_directory.h"
#include "gan/core/runfiles.h"
#include "gan/core/status_macros.h"
#include "gan/core/stop_signal.h"
#include "gan/core/tool_main.h"
#include "gan/studies/study_plan.h"
#include "gan/studies/study_report.h"
#include "gan/studies/study_results.h"
#include "gan/studies/study_runner.h"

ABSL_FLAG(std::string, study, "", "the study file (JSON; see README.md, \"Studies\")");
ABSL_FLAG(std::string, out_dir, "",
          "the study's directory (default studies/<name>, relative to where you ran bazel)");
ABSL_FLAG(int, jobs, 0, "runs at once (0 = one per core, at most one per run)");
ABSL_FLAG(int, threads, 0, "intra-op threads of each run (0 = the cores divided by --jobs)");
ABSL_FLAG(std::string, data_dir, "", "dataset directory for every run (sets data.dir)");
ABSL_FLAG(bool, report_only, false,
          "only rewrite results.csv, study.html and summary.md from what the runs wrote");
ABSL_FLAG(double, progress_seconds, 30, "seconds between progress lines when not on a terminal");

namespace gan {
namespace {

// The study directory holds one study: a rerun must ask for the same one.
absl::Status RecordStudy(const nlohmann::json& json, const std::string& dir,
                         const std::string& command) {
  const std::string path = dir + "/study.json";
  std::string saved;
  if (ReadFile(path, &saved).ok()) {
    const nlohmann::json before = nlohmann::json::parse(saved, nullptr, false);
    if (before != json) {
      return absl::FailedPreconditionError(absl::StrCat(
          "'", path, "' holds a different study (", before.dump(), "); continue it with that "
          "study file, or choose another --out_dir"));
    }
    return absl::OkStatus();
  }
  GAN_RETURN_IF_ERROR(WriteFileAtomically(path, json.dump(2) + "\n"));
  return WriteFileAtomically(dir + "/command.txt", command + "\n");
}

absl::Status WriteResults(const StudyPlan& plan, const std::string& dir) {
  const StudyResults results = CollectStudyResults(plan, dir);
  GAN_RETURN_IF_ERROR(WriteResultsCsv(results, dir + "/results.csv"));
  std::string command;
  (void)ReadFile(dir + "/command.txt", &command);
  while (!command.empty() && command.back() == '\n') command.pop_back();
  return WriteStudyReport(plan, results, dir, command);
}

// How the runs are started: the flags' jobs, threads and data directory, and where each
// experiment's binary is.
StudyRunnerOptions RunnerOptions(const StudyPlan& plan) {
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  StudyRunnerOptions options;
  options.jobs = absl::GetFlag(FLAGS_jobs) > 0
                     ? absl::GetFlag(FLAGS_jobs)
                     : std::min(cores, static_cast<int>(plan.runs.size()));
  options.threads_per_run =
      absl::GetFlag(FLAGS_threads) > 0 ? absl::GetFlag(FLAGS_threads) : std::max(1, cores / options.jobs);
  if (!absl::GetFlag(FLAGS_data_dir).empty()) {
    options.extra_flags.push_back("--data_dir=" + ResolveUserPath(absl::GetFlag(FLAGS_data_dir)));
  }
  options.binary = [](const std::string& experiment) -> absl::StatusOr<std::string> {
    GAN_ASSIGN_OR_RETURN(std::string binary, FindRunfile("gan/experiments/" + experiment));
    // The binary is one of this binary's runfiles, not in its own runfiles tree: tell it
    // where the toolkit's files are (the classifier's weights), as `bazel run` would.
    // It is RUNFILES/REPOSITORY/gan/experiments/EXPERIMENT.
    const std::string suffix = "/gan/experiments/" + experiment;
    if (std::getenv("RUNFILES_DIR") == nullptr && absl::EndsWith(binary, suffix)) {
      const std::string repository = binary.substr(0, binary.size() - suffix.size());
      const size_t slash = repository.rfind('/');
      if (slash != std::string::npos && slash > 0) {
        setenv("RUNFILES_DIR", repository.substr(0, slash).c_str(), 1);
      }
    }
    return binary;
  };
  options.progress_seconds = absl::GetFlag(FLAGS_progress_seconds);
  return options;
}

absl::Status Run(int argc, char** argv) {
  if (absl::GetFlag(FLAGS_study).empty()) {
    return absl::InvalidArgumentError("--study=FILE is required (a study file; see README.md)");
  }
  const std::string file = ResolveUserPath(absl::GetFlag(FLAGS_study));
  GAN_ASSIGN_OR_RETURN(const nlohmann::json json, ReadJsonFile(file));
  absl::StatusOr<StudyPlan> parsed = ParseStudyPlan(json);
  if (!parsed.ok()) return absl::InvalidArgumentError(absl::StrCat(file, ": ", parsed.status().message()));
  const StudyPlan& plan = *parsed;
  std::string dir = absl::GetFlag(FLAGS_out_dir);
  dir = ResolveUserPath(dir.empty() ? "studies/" + plan.name : dir);
  const StudyRunnerOptions options = RunnerOptions(plan);
  ResolvedBatchSizes batch_sizes;
  if (!absl::GetFlag(FLAGS_report_only)) {
    // Refused before its directory exists: an unknown experiment or key fails no run.
    absl::StatusOr<ResolvedBatchSizes> can_start = CheckStudyCanStart(plan, options);
    if (!can_start.ok()) {
      return absl::InvalidArgumentError(absl::StrCat(file, ": ", can_start.status().message()));
    }
    batch_sizes = std::move(*can_start);
  }
  GAN_RETURN_IF_ERROR(MakeDirectories(dir));
  GAN_RETURN_IF_ERROR(RecordStudy(json, dir, CommandLine(argc, argv)));
  if (absl::GetFlag(FLAGS_report_only)) return WriteResults(plan, dir);

  std::fprintf(stderr, "study %s: %zu runs (%zu conditions x %zu seeds), %d at once with %d threads each, in %s\n",
               plan.name.c_str(), plan.runs.size(), plan.conditions.size(), plan.seeds.size(),
               options.jobs, options.threads_per_run, dir.c_str());
  InstallStopSignalHandlers();
  const std::vector<StudyRunOutcome> outcomes = RunStudy(plan, dir, options, batch_sizes);
  GAN_RETURN_IF_ERROR(WriteResults(plan, dir));

  std::vector<std::string> failed, unfinished;
  for (const StudyRunOutcome& outcome : outcomes) {
    if (outcome.state == StudyRunState::kFailed) failed.push_back(outcome.run.directory);
    if (outcome.state == StudyRunState::kStopped || outcome.state == StudyRunState::kNotStarted) {
      unfinished.push_back(outcome.run.directory);
    }
  }
  std::fprintf(stderr, "Results in %s/results.csv, the report in %s/study.html, its table in %s/summary.md.\n",
               dir.c_str(), dir.c_str(), dir.c_str());
  if (StopSignal() != 0) {
    std::fprintf(stderr, "Stopped with %zu runs unfinished. To continue: the same command again.\n",
                 unfinished.size());
    return absl::CancelledError("study stopped");
  }
  if (!failed.empty()) {
    return absl::InternalError(absl::StrCat(failed.size(), " of ", plan.runs.size(), " runs failed: ",
                                            absl::StrJoin(failed, ", "),
                                            " (each run's output.txt says why)"));
  }
  return absl::OkStatus();
}

}  // namespace
}  // namespace gan

int main(int argc, char** argv) {
  const int code = gan::RunTool(argc, argv,
                                "Runs an experiment under several conditions and seeds "
                                "(--study=FILE) and writes results.csv, study.html and summary.md; see "
                                "README.md, \"Studies\".",
                                [&] { return gan::Run(argc, argv); });
  return code != 0 && gan::StopSignal() != 0 ? 128 + gan::StopSignal() : code;
}
