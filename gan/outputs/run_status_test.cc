#include "gan/outputs/run_status.h"

#include <cstdlib>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gan/core/atomic_file.h"
#include "gan/core/run_directory.h"

namespace gan {
namespace {

using ::testing::HasSubstr;

std::string Dir(const std::string& name) {
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
  EXPECT_TRUE(MakeDirectories(dir).ok());
  return dir;
}

TEST(RunStatusTest, WrittenStatusReadsBack) {
  const std::string dir = Dir("round_trip");
  RunStatus status{RunState::kStopped, 855, 4690, 0, 701.5, 1.22, "stopped by signal 2"};
  ASSERT_TRUE(WriteRunStatus(dir, status).ok());
  std::string text;
  ASSERT_TRUE(ReadFile(dir + "/status.json", &text).ok());
  EXPECT_THAT(text, HasSubstr("\"state\": \"stopped\""));  // the word, for people and scripts
  const absl::StatusOr<RunStatus> read = ReadRunStatus(dir);
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(read->state, RunState::kStopped);
  EXPECT_EQ(read->iteration, 855);
  EXPECT_EQ(read->total_iterations, 4690);
  EXPECT_DOUBLE_EQ(read->seconds, 701.5);
  EXPECT_DOUBLE_EQ(read->iterations_per_second, 1.22);
  EXPECT_EQ(read->message, "stopped by signal 2");
}

TEST(RunStatusTest, MissingIsNotFoundAndMalformedNamesTheFile) {
  const std::string dir = Dir("malformed");
  EXPECT_TRUE(absl::IsNotFound(ReadRunStatus(dir).status()));
  ASSERT_TRUE(WriteFileAtomically(dir + "/status.json", "[1, 2]").ok());
  const absl::Status error = ReadRunStatus(dir).status();
  EXPECT_FALSE(error.ok());
  EXPECT_THAT(std::string(error.message()), HasSubstr(dir + "/status.json"));
  ASSERT_TRUE(WriteFileAtomically(dir + "/status.json", R"({"state": "paused"})").ok());
  const std::string unknown(ReadRunStatus(dir).status().message());
  EXPECT_THAT(unknown, HasSubstr(dir + "/status.json' has state 'paused'"));
}

TEST(RunStatusExtensionTest, RunningThenFinalStateAndAResumeAddsToTheSeconds) {
  const std::string dir = Dir("extension");
  TrainingState state;
  state.total_iterations = 10;
  {
    RunStatusExtension extension(dir);
    ASSERT_TRUE(extension.Start(state).ok());
    EXPECT_EQ(ReadRunStatus(dir)->state, RunState::kRunning);
    state.iteration = 4;
    ASSERT_TRUE(extension.Run(state).ok());
    EXPECT_EQ(ReadRunStatus(dir)->iteration, 4);
    ASSERT_TRUE(extension.Finish(state, RunState::kStopped, "stopped by signal 2").ok());
  }
  RunStatus stopped = *ReadRunStatus(dir);
  EXPECT_EQ(stopped.state, RunState::kStopped);
  EXPECT_EQ(stopped.message, "stopped by signal 2");
  // Pretend the first session trained for 100 s: the resumed one starts from there.
  stopped.seconds = 100;
  ASSERT_TRUE(WriteRunStatus(dir, stopped).ok());
  RunStatusExtension resumed(dir);
  ASSERT_TRUE(resumed.Start(state).ok());
  state.iteration = 10;
  ASSERT_TRUE(resumed.Finish(state, RunState::kFinished, "").ok());
  const RunStatus finished = *ReadRunStatus(dir);
  EXPECT_EQ(finished.state, RunState::kFinished);
  EXPECT_EQ(finished.iteration, 10);
  EXPECT_GE(finished.seconds, 100);
  EXPECT_LT(finished.seconds, 160);
  EXPECT_EQ(finished.message, "");
}

}  // namespace
}  // namespace gan
