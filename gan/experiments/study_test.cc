// The study tool end to end, with real runs of //gan/experiments:dcgan_fashion_mnist
// (tiny networks, a 32-image fixture): the grid's runs with their settings, results.csv
// against each run's own log, a failing condition, a study killed outright and
// continued, and study.html in headless Chromium.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "absl/strings/str_split.h"
#include "gan/checkpoint/checkpoint.h"
#include "gan/core/atomic_file.h"
#include "gan/experiments/experiment_test_support.h"
#include "gan/outputs/headless_chromium.h"

namespace gan {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Tiny runs: 2-channel networks, batches of 8, every iteration logged (and its status
// written), a sample grid every 2 iterations.
const char kTiny[] = R"("train.batch_size=8", "model.width=2", "output.log_every=1", "output.sample_every=2")";

std::string WriteStudy(const std::string& name, const std::string& body) {
  const std::string path = TestTmpDir() + "/" + name + ".json";
  EXPECT_TRUE(WriteFileAtomically(path, body).ok());
  return path;
}

std::string Read(const std::string& path) {
  std::string text;
  EXPECT_TRUE(ReadFile(path, &text).ok()) << path;
  return text;
}

nlohmann::json Status(const std::string& run) {
  std::string text;
  if (!ReadFile(run + "/status.json", &text).ok()) return nlohmann::json::object();
  return nlohmann::json::parse(text, nullptr, false);
}

// results.csv as rows of column -> field.
std::vector<std::map<std::string, std::string>> ReadCsv(const std::string& path) {
  std::vector<std::map<std::string, std::string>> rows;
  std::istringstream lines(Read(path));
  std::string line;
  std::getline(lines, line);
  const std::vector<std::string> header = absl::StrSplit(line, ',');
  while (std::getline(lines, line)) {
    const std::vector<std::string> fields = absl::StrSplit(line, ',');
    EXPECT_EQ(fields.size(), header.size()) << line;
    std::map<std::string, std::string> row;
    for (size_t i = 0; i < header.size() && i < fields.size(); ++i) row[header[i]] = fields[i];
    rows.push_back(row);
  }
  return rows;
}

TEST(StudyTest, RunsEveryConditionAndSeedAndResultsHoldWhatTheRunsLogged) {
  const std::string data = MakeFashionMnistFixture("fashion_grid", 32);
  const std::string dir = TestTmpDir() + "/study_grid";
  const std::string study = WriteStudy("grid", std::string(R"({
      "name": "grid", "experiment": "dcgan_fashion_mnist",
      "conditions": {"bce": ["loss=bce", )") + kTiny + R"(], "hinge": ["loss=hinge", )" + kTiny + R"(]},
      "seeds": [0, 5], "budget": {"iterations": 4},
      "evaluation": {"every_iterations": 2, "samples": 64, "extractor": "fmnist-classifier"}})");
  const BinaryResult result = RunExperimentBinary(
      "study", "--study=" + study + " --out_dir=" + dir + " --data_dir=" + data + " --jobs=2");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_THAT(result.output, HasSubstr("4 runs (2 conditions x 2 seeds), 2 at once with 1 threads each"));
  EXPECT_THAT(result.output, HasSubstr("4 of 4 runs done, 0 running, 0 left"));

  // Each run is an ordinary run directory, trained with its condition, seed and budget.
  for (const std::string loss : {"bce", "hinge"}) {
    for (const int seed : {0, 5}) {
      const std::string run = dir + "/" + loss + "/seed_" + std::to_string(seed);
      EXPECT_EQ(Status(run)["state"], "finished") << run;
      const nlohmann::json config = nlohmann::json::parse(Read(run + "/config.json"));
      EXPECT_EQ(config["loss"], loss) << run;
      EXPECT_EQ(config["runtime"]["seed"], seed) << run;
      EXPECT_EQ(config["train"]["max_iterations"], 4) << run;
      EXPECT_EQ(config["output"]["evaluate_every"], 2) << run;
      EXPECT_EQ(config["output"]["evaluate_samples"], 64) << run;
      // A checkpoint kept at each evaluation.
      EXPECT_EQ(ListCheckpoints(run + "/checkpoints").size(), 2u) << run;
    }
  }
  // One row per run and evaluated checkpoint, with the values the run logged: its metrics
  // at that iteration and the losses of its log line there (logged every iteration).
  const auto rows = ReadCsv(dir + "/results.csv");
  ASSERT_EQ(rows.size(), 8u);
  for (const auto& row : rows) {
    const std::string run = dir + "/" + row.at("run");
    const int64_t iteration = std::stoll(row.at("iteration"));
    EXPECT_TRUE(iteration == 2 || iteration == 4) << iteration;
    int matched = 0;
    for (const nlohmann::json& line : ReadJsonLines(run + "/log.jsonl")) {
      if (line["iteration"] != iteration) continue;
      for (const char* key : {"fid", "is_mean", "loss_d", "loss_g", "logit_real", "logit_fake"}) {
        if (!line.contains(key)) continue;
        EXPECT_EQ(std::stod(row.at(key)), line[key].get<double>()) << run << " " << key;
        ++matched;
      }
    }
    EXPECT_EQ(matched, 6) << run << " at " << iteration;
  }
  EXPECT_EQ(rows[0].at("condition"), "bce");  // the plan's order: conditions, then seeds
  EXPECT_EQ(rows[2].at("seed"), "5");
  const std::string html = Read(dir + "/study.html");
  EXPECT_THAT(html, HasSubstr("<th>bce</th><td>2 of 2</td>"));
  EXPECT_THAT(html, HasSubstr("bce/seed_0/samples/iter_000000004.png"));

  // In a real browser: laid out with its charts and grids, and drawn.
  const std::string dom = RunHeadlessChromium("--dump-dom", dir + "/study.html");
  EXPECT_THAT(dom, HasSubstr("<polyline"));
  EXPECT_THAT(dom, HasSubstr("<polygon"));  // the seeds' band
  EXPECT_THAT(dom, HasSubstr("hinge/seed_0/samples/iter_000000004.png"));
  EXPECT_THAT(dom, Not(HasSubstr("ERR_")));
  const std::string shot = TestTmpDir() + "/study.png";
  const std::string rendered =
      RunHeadlessChromium("--window-size=1200,1600 --screenshot=" + shot, dir + "/study.html");
  EXPECT_THAT(rendered, Not(HasSubstr("Page load failed"))) << rendered;
  const std::string png = Read(shot);
  EXPECT_EQ(png.substr(1, 3), "PNG");
  EXPECT_GT(png.size(), 10000u);  // a blank page compresses to a few hundred bytes
}

TEST(StudyTest, AFailingConditionIsReportedAndTheOthersFinish) {
  const std::string data = MakeFashionMnistFixture("fashion_failing", 32);
  const std::string dir = TestTmpDir() + "/study_failing";
  const std::string study = WriteStudy("failing", std::string(R"({
      "name": "failing", "experiment": "dcgan_fashion_mnist",
      "conditions": {"good": ["data.dir=)") + data + "\", " + kTiny + R"(],
                     "no_data": ["data.dir=/nonexistent/fashion", )" + kTiny + R"(]},
      "seeds": [0], "budget": {"iterations": 2},
      "evaluation": {"samples": 64, "extractor": "fmnist-classifier"}})");
  const BinaryResult result = RunExperimentBinary("study", "--study=" + study + " --out_dir=" + dir);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, HasSubstr("1 of 2 runs failed: no_data/seed_0"));
  // The failure says why: the run's own error.
  EXPECT_THAT(result.output, HasSubstr("run no_data/seed_0 failed: exit code 1"));
  EXPECT_THAT(result.output, HasSubstr("/nonexistent/fashion"));
  EXPECT_EQ(Status(dir + "/good/seed_0")["state"], "finished");
  // good's evaluations: 5 in the budget by default, so at every one of its 2 iterations.
  EXPECT_EQ(ReadCsv(dir + "/results.csv").size(), 2u);
  const std::string html = Read(dir + "/study.html");
  EXPECT_THAT(html, HasSubstr("<th>no_data</th><td>0 of 1</td>"));
  EXPECT_THAT(html, HasSubstr("did not train; see no_data/seed_0/output.txt"));
}

// A study that names an experiment the toolkit does not have, or settings its experiment
// refuses (an unknown key, a bad value), is refused before anything is written, naming
// the experiment or the condition and the key.
TEST(StudyTest, AStudyThatCannotStartIsRefusedBeforeItsDirectoryExists) {
  const std::map<std::string, std::pair<std::string, std::vector<std::string>>> studies = {
      {"no_experiment",
       {R"("experiment": "dcgan_fashion_mnistt")",
        {"experiment 'dcgan_fashion_mnistt' is not one of the toolkit's experiments"}}},
      {"unknown_key",
       {R"("experiment": "dcgan_fashion_mnist", "conditions": {"typo": ["train.n_diss=2"]})",
        {"condition 'typo' of dcgan_fashion_mnist", "n_diss"}}},
      {"bad_value",
       {R"("experiment": "dcgan_fashion_mnist", "grid": {"loss": ["hinge", "nope"]})",
        {"of dcgan_fashion_mnist: the condition's settings were refused", "'nope' is not a loss"}}},
  };
  for (const auto& [name, study] : studies) {
    const std::string file = WriteStudy(name, R"({"name": ")" + name + "\", " + study.first +
                                                   R"(, "seeds": [0], "budget": {"iterations": 2}})");
    const std::string dir = TestTmpDir() + "/study_" + name;
    const BinaryResult result = RunExperimentBinary("study", "--study=" + file + " --out_dir=" + dir);
    EXPECT_EQ(result.exit_code, 1) << name << ": " << result.output;
    for (const std::string& words : study.second) {
      EXPECT_THAT(result.output, HasSubstr(words)) << name;
    }
    EXPECT_NE(access(dir.c_str(), F_OK), 0) << name << ": " << dir << " was created";
  }
}

// Waits (up to 3 minutes) until `done` holds.
void WaitUntil(const std::function<bool()>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(3);
  while (std::chrono::steady_clock::now() < deadline && !done()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

int WaitForExit(pid_t pid) {
  int status = 0;
  EXPECT_EQ(waitpid(pid, &status, 0), pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST(StudyTest, StoppedOrKilledStudiesContinueWithoutRedoingFinishedRuns) {
  const std::string data = MakeFashionMnistFixture("fashion_killed", 32);
  const std::string dir = TestTmpDir() + "/study_killed";
  const std::string study = WriteStudy("killed", std::string(R"({
      "name": "killed", "experiment": "dcgan_fashion_mnist",
      "conditions": {"tiny": [)") + kTiny + R"(]},
      "seeds": [0, 1], "budget": {"iterations": 400},
      "evaluation": {"every_iterations": 200, "samples": 64, "extractor": "fmnist-classifier"}})");
  const std::vector<std::string> flags = {"--study=" + study, "--out_dir=" + dir,
                                          "--data_dir=" + data, "--jobs=1"};
  const std::string first = dir + "/tiny/seed_0", second = dir + "/tiny/seed_1";

  // Ctrl-C (SIGINT to the study alone, as a terminal sends it to the study's process group):
  // the study passes it on, the run checkpoints, the study says how to continue.
  pid_t pid = StartExperimentBinary("study", flags, TestTmpDir() + "/stopped.txt");
  WaitUntil([&] { return Status(first).value("iteration", 0) >= 3; });
  ASSERT_EQ(kill(pid, SIGINT), 0);
  EXPECT_EQ(WaitForExit(pid), 128 + SIGINT);
  const std::string stopped_output = Read(TestTmpDir() + "/stopped.txt");
  EXPECT_THAT(stopped_output, HasSubstr("Stopped with 2 runs unfinished. To continue: the same command again."));
  EXPECT_THAT(stopped_output, HasSubstr("0 of 2 runs done, 0 running, 2 left"));
  EXPECT_THAT(stopped_output, Not(HasSubstr("error")));
  ASSERT_EQ(Status(first)["state"], "stopped") << stopped_output;
  EXPECT_EQ(ListCheckpoints(first + "/checkpoints").back().first, Status(first)["iteration"]);

  // Kill -9 once the first run has finished and the second is under way: the orphaned
  // run gets SIGTERM (prctl's parent-death signal), checkpoints and stops.
  pid = StartExperimentBinary("study", flags, TestTmpDir() + "/killed.txt");
  WaitUntil([&] { return Status(second).value("iteration", 0) >= 3; });
  ASSERT_EQ(Status(first)["state"], "finished") << Read(TestTmpDir() + "/killed.txt");
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  EXPECT_EQ(WaitForExit(pid), 128 + SIGKILL);
  WaitUntil([&] { return Status(second)["state"] != "running"; });
  ASSERT_EQ(Status(second)["state"], "stopped") << Read(second + "/output.txt");
  const int64_t stopped_at = Status(second)["iteration"];
  ASSERT_LT(stopped_at, 400);
  EXPECT_EQ(ListCheckpoints(second + "/checkpoints").back().first, stopped_at);
  const std::string first_output = Read(first + "/output.txt");
  const std::string first_log = Read(first + "/log.jsonl");

  std::string flag_text;
  for (const std::string& flag : flags) flag_text += flag + " ";
  const BinaryResult again = RunExperimentBinary("study", flag_text);
  ASSERT_EQ(again.exit_code, 0) << again.output;
  EXPECT_THAT(again.output, HasSubstr("1 of 2 runs done, 1 running, 0 left"));  // first: skipped
  EXPECT_EQ(Read(first + "/output.txt"), first_output);
  EXPECT_EQ(Read(first + "/log.jsonl"), first_log);
  EXPECT_EQ(Status(second)["state"], "finished");
  EXPECT_THAT(Read(second + "/output.txt"), HasSubstr("resumed from"));
  // Both resumed logs go on from their checkpoints: every iteration once.
  for (const std::string& run : {first, second}) {
    std::vector<int64_t> iterations;
    for (const nlohmann::json& line : ReadJsonLines(run + "/log.jsonl")) {
      if (line.contains("loss_d")) iterations.push_back(line["iteration"]);
    }
    ASSERT_EQ(iterations.size(), 400u) << run;
    for (size_t i = 0; i < iterations.size(); ++i) EXPECT_EQ(iterations[i], static_cast<int64_t>(i + 1));
  }
  EXPECT_EQ(ReadCsv(dir + "/results.csv").size(), 4u);
}

TEST(StudyTest, ADifferentStudyInTheSameDirectoryIsRefused) {
  const std::string dir = TestTmpDir() + "/study_other";
  // Runs that fail at once (no data), so that study a is recorded but trains nothing.
  const std::string a = WriteStudy("a", R"({"name": "a", "experiment": "dcgan_fashion_mnist",
      "conditions": {"x": ["data.dir=/nonexistent/fashion"]}, "seeds": [0], "budget": {"iterations": 2}})");
  const std::string b = WriteStudy("b", R"({"name": "b", "experiment": "dcgan_fashion_mnist",
      "conditions": {"x": ["data.dir=/nonexistent/fashion"]}, "seeds": [1], "budget": {"iterations": 2}})");
  EXPECT_EQ(RunExperimentBinary("study", "--study=" + a + " --out_dir=" + dir).exit_code, 1);
  const BinaryResult other = RunExperimentBinary("study", "--study=" + b + " --out_dir=" + dir);
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_THAT(other.output, HasSubstr("study.json' holds a different study"));
  EXPECT_THAT(other.output, Not(HasSubstr("runs failed")));  // refused before any run
}

}  // namespace
}  // namespace gan
