// Runs that never lose work, with real child processes: SIGTERM finishes the iteration,
// writes a checkpoint and says how to resume; kill -9 at any moment (here: while a
// checkpoint is written every iteration) leaves checkpoints that resume.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gan/checkpoint/checkpoint.h"
#include "gan/core/atomic_file.h"
#include "gan/experiments/experiment_test_support.h"

namespace gan {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Starts dcgan_fashion_mnist with `flags`, output to `log`.
pid_t Start(const std::vector<std::string>& flags, const std::string& log) {
  return StartExperimentBinary("dcgan_fashion_mnist", flags, log);
}

std::string ReadText(const std::string& path) {
  std::string text;
  EXPECT_TRUE(ReadFile(path, &text).ok()) << path;
  return text;
}

// Waits until the run's log has `lines` lines (or two minutes pass).
void WaitForLogLines(const std::string& path, size_t lines) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(2);
  while (std::chrono::steady_clock::now() < deadline) {
    std::string text;
    if (ReadFile(path, &text).ok() &&
        static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) >= lines) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ADD_FAILURE() << "timed out waiting for " << lines << " lines in " << path;
}

std::vector<std::string> Flags(const std::string& data, const std::string& run,
                               const std::string& settings) {
  return {"--data_dir=" + data, "--out_dir=" + run, "--max_iterations=1000000",
          "--batch_size=8", "--threads=1",
          "--set=model.width=4,output.sample_every=0,output.sample_every_epochs=0,"
          "output.log_every=1," + settings};
}

TEST(InterruptionTest, SigtermWritesACheckpointAndTheRunResumesFromIt) {
  const std::string data = MakeFashionMnistFixture("fashion_sigterm", 32);
  const std::string run = TestTmpDir() + "/run_sigterm";
  const std::string log = TestTmpDir() + "/sigterm_output.txt";
  const pid_t pid = Start(
      Flags(data, run, "output.checkpoint_every=0,output.checkpoint_every_epochs=0"), log);
  WaitForLogLines(run + "/log.jsonl", 3);
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  std::string output;
  ASSERT_TRUE(ReadFile(log, &output).ok());
  ASSERT_TRUE(WIFEXITED(status)) << output;
  EXPECT_EQ(WEXITSTATUS(status), 128 + SIGTERM) << output;
  EXPECT_THAT(output, HasSubstr("stopped by Terminated after iteration"));
  EXPECT_THAT(output, HasSubstr("--resume"));
  EXPECT_THAT(output, Not(HasSubstr("error:")));  // a requested stop is not an error
  // The stop's checkpoint is the only one, at the iteration of the last log line.
  const auto checkpoints = ListCheckpoints(run + "/checkpoints");
  ASSERT_EQ(checkpoints.size(), 1u) << output;
  const int64_t stopped_at = ReadJsonLines(run + "/log.jsonl").back()["iteration"];
  EXPECT_EQ(checkpoints[0].first, stopped_at);
  // status.json and the report say it stopped, and where.
  const nlohmann::json stopped = nlohmann::json::parse(ReadText(run + "/status.json"));
  EXPECT_EQ(stopped["state"], "stopped");
  EXPECT_EQ(stopped["iteration"], stopped_at);
  EXPECT_EQ(stopped["total_iterations"], 1000000);
  std::string report;
  ASSERT_TRUE(ReadFile(run + "/report.html", &report).ok());
  EXPECT_THAT(report, HasSubstr("Stopped at iteration " + std::to_string(stopped_at) + " of 1000000"));

  const BinaryResult resumed = RunExperimentBinary(
      "dcgan_fashion_mnist", "--out_dir=" + run + " --resume --data_dir=" + data +
                                 " --threads=1 --max_iterations=" + std::to_string(stopped_at + 2));
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_THAT(resumed.output, HasSubstr("resumed from " + checkpoints[0].second));
  EXPECT_EQ(ListCheckpoints(run + "/checkpoints").back().first, stopped_at + 2);
  const nlohmann::json finished = nlohmann::json::parse(ReadText(run + "/status.json"));
  EXPECT_EQ(finished["state"], "finished");
  EXPECT_EQ(finished["iteration"], stopped_at + 2);
  EXPECT_GE(finished["seconds"].get<double>(), stopped["seconds"].get<double>());
}

TEST(InterruptionTest, KillDashNineNeverLeavesACheckpointThatWillNotResume) {
  const std::string data = MakeFashionMnistFixture("fashion_kill", 32);
  for (int attempt = 0; attempt < 3; ++attempt) {
    const std::string run = TestTmpDir() + "/run_kill_" + std::to_string(attempt);
    // A checkpoint every iteration: the kill lands during or between writes.
    const pid_t pid = Start(Flags(data, run, "output.checkpoint_every=1,output.keep_checkpoints=2"),
                            TestTmpDir() + "/kill_output.txt");
    WaitForLogLines(run + "/log.jsonl", 4 + 3 * attempt);
    std::this_thread::sleep_for(std::chrono::milliseconds(7 * attempt));
    ASSERT_EQ(kill(pid, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    ASSERT_TRUE(WIFSIGNALED(status));
    const auto checkpoints = ListCheckpoints(run + "/checkpoints");
    ASSERT_FALSE(checkpoints.empty());
    const BinaryResult resumed = RunExperimentBinary(
        "dcgan_fashion_mnist",
        "--out_dir=" + run + " --resume --data_dir=" + data + " --threads=1 --max_iterations=" +
            std::to_string(checkpoints.back().first + 1));
    ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
    EXPECT_THAT(resumed.output, HasSubstr("resumed from " + checkpoints.back().second));
  }
}

}  // namespace
}  // namespace gan
