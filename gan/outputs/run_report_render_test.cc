// report.html opens in a real browser: headless Chromium (Debian's `chromium`, installed by
// tools/setup.sh) loads a report of a run with real PNG grids, lays it out (the DOM it
// dumps holds the charts and images) and renders a screenshot.
#include <cstdlib>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/utils.h>

#include "gan/core/atomic_file.h"
#include "gan/core/image_grid.h"
#include "gan/core/run_directory.h"
#include "gan/outputs/headless_chromium.h"
#include "gan/outputs/run_report.h"

namespace gan {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(RunReportRenderTest, ChromiumLoadsAndRendersTheReport) {
  const std::string tmp = std::getenv("TEST_TMPDIR");
  const std::string run = tmp + "/rendered_run";
  ASSERT_TRUE(MakeDirectories(run + "/samples").ok());
  std::string log;
  for (int i = 1; i <= 20; ++i) {
    log += "{\"iteration\":" + std::to_string(10 * i) + ",\"epoch\":0,\"loss_d\":" +
           std::to_string(1.0 / i) + ",\"loss_g\":" + std::to_string(0.5 + 0.01 * i) + "}\n";
  }
  log += "{\"iteration\":200,\"epoch\":1,\"fid\":3.5,\"is_mean\":5.2}\n";
  ASSERT_TRUE(WriteFileAtomically(run + "/log.jsonl", log).ok());
  torch::manual_seed(0);
  ASSERT_TRUE(SaveImageGrid(torch::rand({16, 1, 8, 8}) * 2 - 1, 4, run + "/samples/iter_000000100.png").ok());
  ASSERT_TRUE(SaveImageGrid(torch::rand({16, 3, 8, 8}) * 2 - 1, 4, run + "/samples/iter_000000200.png").ok());
  ASSERT_TRUE(WriteFileAtomically(run + "/config.json", "{\"name\": \"rendered\"}\n").ok());
  ASSERT_TRUE(WriteRunReport(run).ok());
  const std::string page = run + "/report.html";

  const std::string dom = RunHeadlessChromium("--dump-dom", page);
  EXPECT_THAT(dom, HasSubstr("<polyline"));
  EXPECT_THAT(dom, HasSubstr("samples/iter_000000200.png"));
  EXPECT_THAT(dom, HasSubstr("<pre>{\"name\": \"rendered\"}"));  // serialized unescaped
  EXPECT_THAT(dom, Not(HasSubstr("ERR_")));

  const std::string shot = tmp + "/report.png";
  const std::string rendered = RunHeadlessChromium("--window-size=1000,1200 --screenshot=" + shot, page);
  EXPECT_THAT(rendered, Not(HasSubstr("Page load failed"))) << rendered;
  std::string png;
  ASSERT_TRUE(ReadFile(shot, &png).ok()) << rendered;
  EXPECT_EQ(png.substr(1, 3), "PNG");
  EXPECT_GT(png.size(), 10000u);  // a blank page compresses to a few hundred bytes
}

}  // namespace
}  // namespace gan
