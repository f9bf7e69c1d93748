#include "gan/studies/study_report.h"

#include <cstdlib>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gan/core/atomic_file.h"
#include "gan/core/run_directory.h"
#include "gan/outputs/run_status.h"

namespace gan {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(SpreadTest, MeanAndSampleStandardDeviation) {
  // 1..4: mean 2.5, squares 2.25 + 0.25 + 0.25 + 2.25 = 5, / 3 -> sd 1.29099.
  const Spread spread = SpreadOf({1, 2, 3, 4});
  EXPECT_DOUBLE_EQ(spread.mean, 2.5);
  EXPECT_NEAR(spread.sd, 1.29099, 1e-5);
  EXPECT_EQ(FormatSpread(spread), "2.5 ± 1.3");
  EXPECT_EQ(FormatSpread(SpreadOf({7})), "7");
  EXPECT_EQ(FormatSpread(SpreadOf({})), "");
}

TEST(StudyReportTest, FinalTableFromTheRunsRowsAndCurves) {
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/report_study";
  StudyPlan plan;
  plan.name = "toy";
  plan.experiments = {"dcgan_fashion_mnist"};
  plan.budget = {"iterations", 100};
  plan.conditions = {"a"};
  plan.seeds = {0, 1};
  for (int seed : {0, 1}) {
    const std::string run = "a/seed_" + std::to_string(seed);
    plan.runs.push_back({"dcgan_fashion_mnist", "a", {"loss=bce"}, seed, run});
    ASSERT_TRUE(MakeDirectories(dir + "/" + run).ok());
    ASSERT_TRUE(WriteRunStatus(dir + "/" + run, {RunState::kFinished, 100, 100, 1, 60.0 + 60 * seed, 2, ""}).ok());
  }
  StudyResults results;
  results.keys = {"fid", "loss_d"};
  // FID: seed 0 5 then 3, seed 1 4 then 5.
  results.rows = {{"a", 0, "a/seed_0", 10, 0, {{"fid", 5}}}, {"a", 0, "a/seed_0", 20, 0, {{"fid", 3}}},
                  {"a", 1, "a/seed_1", 10, 0, {{"fid", 4}}}, {"a", 1, "a/seed_1", 20, 0, {{"fid", 5}}}};
  for (int x = 10; x <= 100; x += 10) {
    results.curves["a"]["loss_d"][0].emplace_back(x, x / 10.0);
    results.curves["a"]["loss_d"][1].emplace_back(x, 1.0);
  }
  ASSERT_TRUE(WriteStudyReport(plan, results, dir, "study --study=toy.json").ok());
  std::string html;
  ASSERT_TRUE(ReadFile(dir + "/study.html", &html).ok());
  // Last FIDs 3 and 5: 4 ± 1.4; each run's best, 3 and 4: 3.5 ± 0.71; the mean FID is 4.5
  // at iteration 10 and 4 at 20. loss_d over the last fifth (iterations 80-100): seed 0
  // (8 + 9 + 10) / 3 = 9, seed 1 1: 5 ± 5.7. Wall time: 60 s and 120 s, 1m30s.
  EXPECT_THAT(html, HasSubstr("<tr><th>a</th><td>2 of 2</td><td>4 ± 1.4</td><td>3.5 ± 0.71</td>"
                              "<td>20</td><td>5 ± 5.7</td><td>1m30s</td></tr>"));
  EXPECT_THAT(html, HasSubstr("<li><b>a</b>: dcgan_fashion_mnist with loss=bce</li>"));
  EXPECT_THAT(html, Not(HasSubstr("logit_gap")));  // no logits logged
  // summary.md: the same row as a Markdown table, under its header and separator.
  std::string markdown;
  ASSERT_TRUE(ReadFile(dir + "/summary.md", &markdown).ok());
  EXPECT_THAT(markdown, HasSubstr("# Study: toy\n\nExperiment dcgan_fashion_mnist; 2 seeds (0, 1) per "
                                  "condition; a budget of 100 iterations per run.\n"));
  EXPECT_THAT(markdown, HasSubstr("| condition | runs finished | fid (last) | best fid of each run | lowest mean "
                                  "fid at iteration | loss_d (last fifth) | wall time per run |\n"
                                  "|---|---|---|---|---|---|---|\n"
                                  "| a | 2 of 2 | 4 ± 1.4 | 3.5 ± 0.71 | 20 | 5 ± 5.7 | 1m30s |\n"));
  EXPECT_THAT(markdown, HasSubstr("```\nstudy --study=toy.json\n```\n"));

  // D's logits: the gap is real - fake at each logged iteration, for each seed. Seed 0:
  // real 2, fake -1 (gap 3); seed 1: real 1, fake 0 (gap 1): 2 ± 1.4.
  for (int x = 10; x <= 100; x += 10) {
    results.curves["a"]["logit_real"][0].emplace_back(x, 2.0);
    results.curves["a"]["logit_fake"][0].emplace_back(x, -1.0);
    results.curves["a"]["logit_real"][1].emplace_back(x, 1.0);
    results.curves["a"]["logit_fake"][1].emplace_back(x, 0.0);
  }
  results.keys = {"fid", "loss_d", "logit_fake", "logit_real"};
  ASSERT_TRUE(WriteStudyReport(plan, results, dir, "study --study=toy.json").ok());
  ASSERT_TRUE(ReadFile(dir + "/study.html", &html).ok());
  EXPECT_THAT(html, HasSubstr("<td>5 ± 5.7</td><td>1.5 ± 0.71</td><td>-0.5 ± 0.71</td><td>2 ± 1.4</td>"));
  EXPECT_THAT(html, HasSubstr("font-weight=\"bold\" font-size=\"14\">logit_gap</text>"));
  EXPECT_THAT(html, HasSubstr("<pre>study --study=toy.json</pre>"));
  EXPECT_THAT(html, HasSubstr("<a href=\"a/seed_1/report.html\">"));
}

TEST(StudyReportTest, MarkdownCellsKeepTheirPipes) {
  // A condition named with a '|' (as a --set value may hold) must stay one Markdown cell.
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/pipe_study";
  ASSERT_TRUE(MakeDirectories(dir).ok());
  StudyPlan plan;
  plan.name = "pipe";
  plan.experiments = {"dcgan_fashion_mnist"};
  plan.budget = {"epochs", 1};
  plan.conditions = {"a|b"};
  plan.seeds = {0};
  plan.runs.push_back({"dcgan_fashion_mnist", "a|b", {}, 0, "a_b/seed_0"});
  ASSERT_TRUE(WriteStudyReport(plan, StudyResults{}, dir, "study").ok());
  std::string markdown;
  ASSERT_TRUE(ReadFile(dir + "/summary.md", &markdown).ok());
  EXPECT_THAT(markdown, HasSubstr("| condition | runs finished | wall time per run |\n|---|---|---|\n"
                                  "| a\\|b | 0 of 1 |  |\n"));
}

TEST(StudyReportTest, ProtocolSaysWhichGeneratorTheRunsSampled) {
  // One experiment keeps a moving average of G and the other does not: the evaluation
  // sampled each run's own choice, and the protocol must not claim one for both.
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/ema_study";
  StudyPlan plan;
  plan.name = "mixed";
  plan.experiments = {"dcgan_fashion_mnist", "biggan"};
  plan.budget = {"images", 6400};
  plan.conditions = {"dcgan_fashion_mnist", "biggan"};
  plan.seeds = {0};
  plan.runs.push_back({"dcgan_fashion_mnist", "dcgan_fashion_mnist", {}, 0, "dcgan_fashion_mnist/seed_0"});
  plan.runs.push_back({"biggan", "biggan", {}, 0, "biggan/seed_0"});
  const std::string output = R"("output": {"evaluate_samples": 2000, "evaluate_split": "test",
                                           "evaluate_extractor": "fmnist-classifier"})";
  ASSERT_TRUE(MakeDirectories(dir + "/dcgan_fashion_mnist/seed_0").ok());
  ASSERT_TRUE(MakeDirectories(dir + "/biggan/seed_0").ok());
  ASSERT_TRUE(WriteFileAtomically(dir + "/dcgan_fashion_mnist/seed_0/config.json",
                                  "{" + output + R"(, "ema": {}})")
                  .ok());
  ASSERT_TRUE(WriteFileAtomically(dir + "/biggan/seed_0/config.json",
                                  "{" + output + R"(, "train": {"ema_decay": 0.999}})")
                  .ok());
  ASSERT_TRUE(WriteStudyReport(plan, StudyResults{}, dir, "study").ok());
  std::string markdown;
  ASSERT_TRUE(ReadFile(dir + "/summary.md", &markdown).ok());
  EXPECT_THAT(markdown, HasSubstr("Experiments dcgan_fashion_mnist, biggan; 1 seed (0) per condition; a budget "
                                  "of 6400 images per run."));
  EXPECT_THAT(markdown, HasSubstr("Evaluation: FID and IS of 2000 generated images against the 'test' split, "
                                  "features of 'fmnist-classifier' (see the README's metrics section), generated "
                                  "by G's moving average in the runs that keep one, G in the others, at every "
                                  "kept checkpoint."));
}

}  // namespace
}  // namespace gan
