#include "gan/outputs/run_report.h"

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

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(RunReportTest, ShowsLossesMetricsSamplesConfigAndCommand) {
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/report_run";
  ASSERT_TRUE(MakeDirectories(dir + "/samples").ok());
  ASSERT_TRUE(WriteFileAtomically(dir + "/log.jsonl",
                                  "{\"iteration\":50,\"epoch\":0,\"seconds\":1.5,\"loss_d\":1.2,\"loss_g\":0.7,"
                                  "\"logit_real\":0.3,\"logit_fake\":-0.2,\"penalty_d\":0.01}\n"
                                  "{\"iteration\":100,\"epoch\":0,\"seconds\":3,\"loss_d\":1.1,\"loss_g\":0.9}\n"
                                  "{\"iteration\":100,\"epoch\":0,\"fid\":12.5,\"is_mean\":3.1}\n"
                                  "{\"iteration\":200,\"epoch\":1,\"fid\":9.25}\n")
                  .ok());
  ASSERT_TRUE(WriteFileAtomically(dir + "/samples/iter_000000050.png", "png").ok());
  ASSERT_TRUE(WriteFileAtomically(dir + "/samples/iter_000000100.png", "png").ok());
  ASSERT_TRUE(WriteFileAtomically(dir + "/config.json", "{\"name\": \"a<b\"}").ok());
  ASSERT_TRUE(WriteFileAtomically(dir + "/command.txt", "dcgan_fashion_mnist --epochs=2").ok());
  ASSERT_TRUE(WriteRunReport(dir).ok());
  std::string html;
  ASSERT_TRUE(ReadFile(dir + "/report.html", &html).ok());
  EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
  // Charts: losses (loss_d with loss_g), D's logits (both), penalty_d, fid, is_mean.
  EXPECT_EQ(Count(html, "<svg"), 5);
  EXPECT_THAT(html, HasSubstr(">loss_d</text>"));
  EXPECT_THAT(html, HasSubstr("D&#39;s mean logits"));
  // The metrics table: a row per evaluation, an empty cell where a metric was not computed.
  EXPECT_THAT(html, HasSubstr("<tr><td>100</td><td>0</td><td>12.5</td><td>3.1</td></tr>"));
  EXPECT_THAT(html, HasSubstr("<tr><td>200</td><td>1</td><td>9.25</td><td></td></tr>"));
  EXPECT_THAT(html, HasSubstr(">fid</text>"));
  EXPECT_THAT(html, Not(HasSubstr(">seconds</text>")));
  EXPECT_THAT(html, HasSubstr("<img src=\"samples/iter_000000050.png\""));
  EXPECT_LT(html.find("iter_000000050.png"), html.find("iter_000000100.png"));
  EXPECT_THAT(html, HasSubstr("{&quot;name&quot;: &quot;a&lt;b&quot;}"));
  EXPECT_THAT(html, HasSubstr("<title>a&lt;b</title>"));
  EXPECT_THAT(html, HasSubstr("dcgan_fashion_mnist --epochs=2"));
  // Offline: nothing is fetched (the only URL is the SVG namespace, which is not fetched).
  EXPECT_EQ(Count(html, "src=\"http"), 0);
  EXPECT_EQ(Count(html, "<script"), 0);
  EXPECT_THAT(html, Not(HasSubstr("class=\"status\"")));  // no status.json
}

TEST(RunReportTest, StatusHeaderSaysWhereTheRunStands) {
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/status_run";
  ASSERT_TRUE(MakeDirectories(dir).ok());
  ASSERT_TRUE(
      WriteRunStatus(dir, {RunState::kStopped, 855, 4690, 0, 701, 1.22, "stopped by Interrupt"}).ok());
  EXPECT_EQ(DescribeRunStatus(dir),
            "Stopped at iteration 855 of 4690 (0 epochs done), 11m41s of training, "
            "1.22 it/s; continue it with the same command and --resume");
  ASSERT_TRUE(WriteRunStatus(dir, {RunState::kFinished, 4690, 4690, 5, 3723, 1.26, ""}).ok());
  EXPECT_EQ(DescribeRunStatus(dir),
            "Finished: 4690 iterations (5 epochs), 1h02m03s of training, 1.26 it/s");
  ASSERT_TRUE(WriteRunStatus(dir, {RunState::kFailed, 3, 10, 0, 2, 1.5, "NaN in loss_d"}).ok());
  EXPECT_THAT(DescribeRunStatus(dir), HasSubstr("Failed at iteration 3 of 10"));
  EXPECT_THAT(DescribeRunStatus(dir), HasSubstr(". NaN in loss_d"));
  ASSERT_TRUE(WriteRunReport(dir).ok());
  std::string html;
  ASSERT_TRUE(ReadFile(dir + "/report.html", &html).ok());
  EXPECT_THAT(html, HasSubstr("<p class=\"status\">Failed at iteration 3 of 10"));
}

}  // namespace
}  // namespace gan
