// The study runner with a stand-in for an experiment's binary (a shell script that counts
// the times it is asked for its config and fails every run): what the pre-flight check
// resolves reaches the runs, so that a fresh run does not ask its experiment again.
#include "gan/studies/study_runner.h"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gan/core/atomic_file.h"
#include "gan/core/run_directory.h"

namespace gan {
namespace {

struct FakeExperiment {
  std::string binary, probes;
};

// Answers --print_config with a batch size of 8 (and a line in `probes`); any other call
// fails, as a run that trains nothing.
FakeExperiment WriteFakeExperiment(const std::string& dir) {
  FakeExperiment fake{dir + "/experiment.sh", dir + "/probes.txt"};
  EXPECT_TRUE(WriteFileAtomically(fake.binary,
                                  "#!/bin/sh\n"
                                  "if [ \"$1\" = --print_config ]; then\n"
                                  "  echo probe >> '" + fake.probes + "'\n"
                                  "  echo '{\"train\": {\"batch_size\": 8}}'\n"
                                  "  exit 0\n"
                                  "fi\n"
                                  "exit 3\n")
                  .ok());
  EXPECT_EQ(chmod(fake.binary.c_str(), 0755), 0);
  return fake;
}

int Lines(const std::string& path) {
  std::string text;
  if (!ReadFile(path, &text).ok()) return 0;
  return static_cast<int>(std::count(text.begin(), text.end(), '\n'));
}

StudyPlan TwoSeeds() {
  absl::StatusOr<StudyPlan> plan = ParseStudyPlan(nlohmann::json::parse(
      R"({"name": "probes", "experiment": "fake", "seeds": [0, 1], "budget": {"iterations": 2}})"));
  EXPECT_TRUE(plan.ok()) << plan.status();
  return *plan;
}

TEST(StudyRunnerTest, RunsTakeTheBatchSizeThePreflightCheckResolved) {
  for (const bool pass_batch_sizes : {true, false}) {
    const std::string dir = std::string(std::getenv("TEST_TMPDIR")) +
                            (pass_batch_sizes ? "/passed" : "/asked_again");
    ASSERT_TRUE(MakeDirectories(dir).ok());
    const FakeExperiment fake = WriteFakeExperiment(dir);
    StudyRunnerOptions options;
    options.binary = [&](const std::string&) -> absl::StatusOr<std::string> { return fake.binary; };
    options.progress = std::tmpfile();
    const StudyPlan plan = TwoSeeds();
    absl::StatusOr<ResolvedBatchSizes> batch_sizes = CheckStudyCanStart(plan, options);
    ASSERT_TRUE(batch_sizes.ok()) << batch_sizes.status();
    EXPECT_EQ(batch_sizes->at({"fake", {}}), 8);
    EXPECT_EQ(Lines(fake.probes), 1) << "one condition, asked once";
    const std::vector<StudyRunOutcome> outcomes =
        RunStudy(plan, dir, options, pass_batch_sizes ? *batch_sizes : ResolvedBatchSizes());
    std::fclose(options.progress);
    ASSERT_EQ(outcomes.size(), 2u);
    for (const StudyRunOutcome& outcome : outcomes) {
      EXPECT_EQ(outcome.state, StudyRunState::kFailed);
      EXPECT_NE(outcome.message.find("exit code 3"), std::string::npos) << outcome.message;
    }
    EXPECT_EQ(Lines(fake.probes), pass_batch_sizes ? 1 : 3);
  }
}

}  // namespace
}  // namespace gan
