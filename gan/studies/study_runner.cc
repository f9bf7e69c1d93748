#include "gan/studies/study_runner.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <deque>
#include <optional>
#include <thread>
#include <utility>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gan/checkpoint/checkpoint.h"
#include "gan/core/atomic_file.h"
#include "gan/core/run_directory.h"
#include "gan/core/status_macros.h"
#include "gan/core/stop_signal.h"
#include "gan/core/subprocess.h"
#include "gan/outputs/progress_extension.h"
#include "gan/outputs/run_status.h"

namespace gan {
namespace {

using Clock = std::chrono::steady_clock;

// Starts `argv` in its own process group, with stdout and stderr into `output` (appended);
// SIGTERM reaches it if this process dies.
pid_t Spawn(const std::vector<std::string>& argv, const std::string& output) {
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid != 0) return pid;
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGTERM);
  if (getppid() != parent) _exit(128 + SIGTERM);  // the study died before prctl
  const int fd = open(output.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) _exit(126);
  dup2(fd, STDOUT_FILENO);
  dup2(fd, STDERR_FILENO);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  execv(args[0], args.data());
  std::fprintf(stderr, "study: cannot execute '%s': %s\n", args[0], std::strerror(errno));
  _exit(127);
}

// A wait status as the shell reports it: the exit code, or 128 + the killing signal.
int ExitCode(int status) { return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status); }

std::string LastLines(const std::string& text, int count) {
  std::vector<std::string> lines = absl::StrSplit(text, '\n', absl::SkipWhitespace());
  if (lines.size() > static_cast<size_t>(count)) lines.erase(lines.begin(), lines.end() - count);
  return absl::StrJoin(lines, "\n");
}

struct Running {
  size_t index;
  pid_t pid;
  std::string directory;
  Clock::time_point start;
  bool signalled = false;
};

// The batch size of the config `binary` resolves with the condition's settings
// (--print_config), or why it refuses them (an unknown key or a bad value, in the
// experiment's own words).
absl::StatusOr<int64_t> ResolvedBatchSize(const std::string& binary,
                                          const std::vector<std::string>& settings) {
  std::vector<std::string> probe = {binary, "--print_config"};
  if (!settings.empty()) probe.push_back("--set=" + absl::StrJoin(settings, ","));
  const CapturedRun printed = RunAndCapture(probe);
  nlohmann::json config = nlohmann::json::parse(printed.output, nullptr, /*allow_exceptions=*/false);
  if (printed.exit_code != 0 || !config.is_object()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the condition's settings were refused (", absl::StrJoin(probe, " "),
                     "):\n", LastLines(printed.errors + printed.output, 5)));
  }
  const int64_t batch_size =
      config.value("train", nlohmann::json::object()).value("batch_size", int64_t{0});
  if (batch_size < 1) {
    return absl::InvalidArgumentError(absl::StrCat("the resolved config of ", absl::StrJoin(probe, " "),
                                                   " has no train.batch_size >= 1"));
  }
  return batch_size;
}

// The arguments of a run: --resume for one with checkpoints, else a fresh start with its
// settings (the experiment's batch size, for the budget, from `batch_sizes` or its
// resolved config).
absl::StatusOr<std::vector<std::string>> RunArguments(const StudyPlan& plan, const StudyRun& run,
                                                      const std::string& binary,
                                                      const std::string& directory,
                                                      const StudyRunnerOptions& options,
                                                      const ResolvedBatchSizes& batch_sizes) {
  std::vector<std::string> argv = {binary, "--out_dir=" + directory,
                                   absl::StrCat("--threads=", options.threads_per_run)};
  if (!ListCheckpoints(directory + "/checkpoints").empty()) {
    argv.push_back("--resume");
    return argv;
  }
  const auto resolved = batch_sizes.find({run.experiment, run.settings});
  int64_t batch_size = 0;
  if (resolved != batch_sizes.end()) {
    batch_size = resolved->second;
  } else {
    GAN_ASSIGN_OR_RETURN(batch_size, ResolvedBatchSize(binary, run.settings));
  }
  argv.push_back(absl::StrCat("--seed=", run.seed));
  argv.push_back("--set=" + absl::StrJoin(StudyRunSettings(plan, run, batch_size), ","));
  for (const std::string& flag : options.extra_flags) argv.push_back(flag);
  return argv;
}

}  // namespace

std::string StudyProgressLine(int done, int running, int left, int failed, double eta_seconds) {
  std::string line = absl::StrCat(done, " of ", done + running + left + failed, " runs done, ",
                                  running, " running, ", left, " left");
  if (failed > 0) absl::StrAppend(&line, ", ", failed, " failed");
  absl::StrAppend(&line, "; ETA ", eta_seconds >= 0 ? FormatDuration(eta_seconds) : "?");
  return line;
}

absl::StatusOr<ResolvedBatchSizes> CheckStudyCanStart(const StudyPlan& plan,
                                                      const StudyRunnerOptions& options) {
  ResolvedBatchSizes batch_sizes;
  for (const StudyRun& run : plan.runs) {
    if (batch_sizes.count({run.experiment, run.settings}) > 0) continue;
    const absl::StatusOr<std::string> binary = options.binary(run.experiment);
    if (!binary.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("experiment '", run.experiment, "' is not one of the toolkit's experiments (",
                       binary.status().message(), ")"));
    }
    const absl::StatusOr<int64_t> batch_size = ResolvedBatchSize(*binary, run.settings);
    if (!batch_size.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("condition '", run.condition, "' of ",
                                                     run.experiment, ": ", batch_size.status().message()));
    }
    batch_sizes[{run.experiment, run.settings}] = *batch_size;
  }
  return batch_sizes;
}

namespace {

// Runs a plan's runs, options.jobs at a time, as child processes, and keeps their outcomes.
class StudyScheduler {
 public:
  StudyScheduler(const StudyPlan& plan, const std::string& study_dir,
                 const StudyRunnerOptions& options, const ResolvedBatchSizes& batch_sizes)
      : plan_(plan), study_dir_(study_dir), options_(options), batch_sizes_(batch_sizes),
        terminal_(isatty(fileno(options.progress)) != 0) {
    for (const StudyRun& run : plan.runs) {
      const absl::StatusOr<RunStatus> status = ReadRunStatus(study_dir + "/" + run.directory);
      const bool finished = status.ok() && status->state == RunState::kFinished;
      outcomes_.push_back(
          {run, finished ? StudyRunState::kSkipped : StudyRunState::kNotStarted, ""});
      if (!finished) pending_.push_back(outcomes_.size() - 1);
    }
  }

  std::vector<StudyRunOutcome> Run() {
    while (!running_.empty() || (!pending_.empty() && !stopping_)) {
      if (StopSignal() != 0 && !stopping_) StopRunning();
      while (!stopping_ && !pending_.empty() &&
             running_.size() < static_cast<size_t>(options_.jobs)) {
        const size_t index = pending_.front();
        pending_.pop_front();
        Start(index);
      }
      ReapFinished();
      PrintProgress(false);
      if (!running_.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (terminal_) std::fputc('\n', options_.progress);
    return outcomes_;
  }

 private:
  int Count(StudyRunState state) const {
    return static_cast<int>(std::count_if(outcomes_.begin(), outcomes_.end(),
                                          [&](const StudyRunOutcome& o) { return o.state == state; }));
  }

  // Every running run is asked once to stop: it writes a checkpoint and exits.
  void StopRunning() {
    stopping_ = true;
    for (Running& r : running_) {
      kill(r.pid, SIGINT);
      r.signalled = true;
    }
    if (terminal_) std::fputc('\n', options_.progress);
    std::fprintf(options_.progress, "study %s: stopping %zu running runs (they write checkpoints)\n",
                 plan_.name.c_str(), running_.size());
  }

  void Start(size_t index) {
    StudyRunOutcome& outcome = outcomes_[index];
    const std::string directory = study_dir_ + "/" + outcome.run.directory;
    absl::StatusOr<std::string> binary = options_.binary(outcome.run.experiment);
    absl::Status made = MakeDirectories(directory);
    absl::StatusOr<std::vector<std::string>> argv =
        !binary.ok() ? binary.status()
        : !made.ok() ? absl::StatusOr<std::vector<std::string>>(made)
                     : RunArguments(plan_, outcome.run, *binary, directory, options_, batch_sizes_);
    if (!argv.ok()) {
      outcome.state = StudyRunState::kFailed;
      outcome.message = std::string(argv.status().message());
      if (made.ok()) (void)AppendToFile(directory + "/output.txt", outcome.message + "\n");
      ReportFailure(outcome);
      return;
    }
    (void)AppendToFile(directory + "/output.txt",
                       absl::StrCat("study ", plan_.name, ": ", absl::StrJoin(*argv, " "), "\n"));
    const pid_t pid = Spawn(*argv, directory + "/output.txt");
    if (pid < 0) {
      outcome.state = StudyRunState::kFailed;
      outcome.message = absl::StrCat("fork failed: ", std::strerror(errno));
      ReportFailure(outcome);
      return;
    }
    outcome.state = StudyRunState::kRunning;
    running_.push_back({index, pid, directory, Clock::now()});
    PrintProgress(true);
  }

  // The outcomes of the runs whose processes have exited.
  void ReapFinished() {
    for (auto it = running_.begin(); it != running_.end();) {
      int status = 0;
      if (waitpid(it->pid, &status, WNOHANG) != it->pid) {
        ++it;
        continue;
      }
      const int code = ExitCode(status);
      StudyRunOutcome& outcome = outcomes_[it->index];
      const absl::StatusOr<RunStatus> run_status = ReadRunStatus(it->directory);
      if (code == 0 && run_status.ok() && run_status->state == RunState::kFinished) {
        outcome.state = StudyRunState::kFinished;
        run_seconds_.push_back(std::chrono::duration<double>(Clock::now() - it->start).count());
      } else if (it->signalled && (code == 128 + SIGINT || code == 128 + SIGTERM)) {
        outcome.state = StudyRunState::kStopped;
      } else {
        std::string output;
        (void)ReadFile(it->directory + "/output.txt", &output);
        outcome.state = StudyRunState::kFailed;
        outcome.message = absl::StrCat("exit code ", code, "; the end of ", it->directory,
                                       "/output.txt:\n", LastLines(output, 5));
        ReportFailure(outcome);
      }
      it = running_.erase(it);
      PrintProgress(true);
    }
  }

  // What the running runs have left at their own speed, plus the pending runs at the mean
  // duration of those finished (or, before any, of the running runs' whole); -1: unknown.
  double EtaSeconds() const {
    double left_seconds = 0, typical = -1;
    if (!run_seconds_.empty()) {
      typical = 0;
      for (double s : run_seconds_) typical += s / run_seconds_.size();
    }
    bool known = true;
    for (const Running& r : running_) {
      const absl::StatusOr<RunStatus> status = ReadRunStatus(r.directory);
      if (!status.ok() || status->state != RunState::kRunning || status->iterations_per_second <= 0) {
        // Not under way yet (or resuming): a typical run's time, less what it has had.
        const double had = std::chrono::duration<double>(Clock::now() - r.start).count();
        if (!run_seconds_.empty()) {
          left_seconds += std::max(0.0, typical - had);
        } else {
          known = false;
        }
        continue;
      }
      left_seconds += (status->total_iterations - status->iteration) / status->iterations_per_second;
      if (typical < 0) typical = status->total_iterations / status->iterations_per_second;
    }
    if (!pending_.empty() && typical < 0) known = false;
    left_seconds += pending_.size() * std::max(0.0, typical);
    return known ? left_seconds / std::max(1, options_.jobs) : -1;
  }

  void PrintProgress(bool force) {
    const double since = std::chrono::duration<double>(Clock::now() - last_progress_).count();
    if (!force && since < (terminal_ ? 1.0 : options_.progress_seconds)) return;
    last_progress_ = Clock::now();
    const int done = Count(StudyRunState::kFinished) + Count(StudyRunState::kSkipped);
    const int left = static_cast<int>(pending_.size()) + Count(StudyRunState::kStopped);
    const std::string line = absl::StrCat(
        "study ", plan_.name, ": ",
        StudyProgressLine(done, static_cast<int>(running_.size()), left,
                          Count(StudyRunState::kFailed), EtaSeconds()));
    std::fprintf(options_.progress, terminal_ ? "\r%s\033[K" : "%s\n", line.c_str());
    std::fflush(options_.progress);
  }

  void ReportFailure(const StudyRunOutcome& outcome) {
    if (terminal_) std::fputc('\n', options_.progress);
    std::fprintf(options_.progress, "study %s: run %s failed: %s\n", plan_.name.c_str(),
                 outcome.run.directory.c_str(), outcome.message.c_str());
  }

  const StudyPlan& plan_;
  const std::string study_dir_;
  const StudyRunnerOptions& options_;
  const ResolvedBatchSizes& batch_sizes_;
  const bool terminal_;
  std::vector<StudyRunOutcome> outcomes_;
  std::deque<size_t> pending_;
  std::vector<Running> running_;
  std::vector<double> run_seconds_;  // of the runs finished in this session
  Clock::time_point last_progress_ = Clock::now();
  bool stopping_ = false;
};

}  // namespace

std::vector<StudyRunOutcome> RunStudy(const StudyPlan& plan, const std::string& study_dir,
                                      const StudyRunnerOptions& options,
                                      const ResolvedBatchSizes& batch_sizes) {
  return StudyScheduler(plan, study_dir, options, batch_sizes).Run();
}

}  // namespace gan
