#include "gan/outputs/run_report.h"

#include <cstdlib>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gan/core/atomic_file.h"
#include "gan/core/run_directory.h"

namespace gan {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(SvgLineChartTest, ScalesPointsIntoThePlotAndSkipsNonFiniteOnes) {
  const std::string svg = SvgLineChart(
      "losses <d & g>", {{"loss_d", {{0, 1.0}, {10, 3.0}, {20, std::nan("")}}}, {"loss_g", {{0, 2.0}}}});
  // Plot box: x from 70 to 490 (640 - 70 - 150), y from 28 to 210 (240 - 28 - 30).
  EXPECT_THAT(svg, HasSubstr("points=\"70.0,210.0 490.0,28.0\""));  // (0, 1) and (10, 3)
  EXPECT_THAT(svg, HasSubstr("points=\"70.0,119.0\""));              // (0, 2): mid-height
  EXPECT_THAT(svg, HasSubstr("losses &lt;d &amp; g&gt;"));
  EXPECT_EQ(Count(svg, "<polyline"), 2);
  EXPECT_THAT(SvgLineChart("empty", {}), HasSubstr("no data"));
}

TEST(RunReportTest, ShowsLossesMetricsSamplesConfigAndCommand) {
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/report_run";
  ASSERT_TRUE(MakeDirectories(dir + "/samples").ok());
  ASSERT_TRUE(WriteFileAtomically(dir + "/log.jsonl",
                                  "{\"iteration\":50,\"epoch\":0,\"seconds\":1.5,\"loss_d\":1.2,\"loss_g\":0.7}\n"
                                  "{\"iteration\":100,\"epoch\":0,\"seconds\":3,\"loss_d\":1.1,\"loss_g\":0.9}\n"
                                  "{\"iteration\":100,\"epoch\":0,\"fid\":12.5,\"is_mean\":3.1}\n")
                  .ok());
  ASSERT_TRUE(WriteFileAtomically(dir + "/samples/iter_000000050.png", "png").ok());
  ASSERT_TRUE(WriteFileAtomically(dir + "/samples/iter_000000100.png", "png").ok());
  ASSERT_TRUE(WriteFileAtomically(dir + "/config.json", "{\"name\": \"a<b\"}").ok());
  ASSERT_TRUE(WriteFileAtomically(dir + "/command.txt", "dcgan_fashion_mnist --epochs=2").ok());
  ASSERT_TRUE(WriteRunReport(dir).ok());
  std::string html;
  ASSERT_TRUE(ReadFile(dir + "/report.html", &html).ok());
  EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
  EXPECT_EQ(Count(html, "<svg"), 3);  // losses, fid, is_mean
  EXPECT_THAT(html, HasSubstr(">loss_d</text>"));
  EXPECT_THAT(html, HasSubstr(">fid</text>"));
  EXPECT_THAT(html, Not(HasSubstr(">seconds</text>")));
  EXPECT_THAT(html, HasSubstr("<img src=\"samples/iter_000000050.png\""));
  EXPECT_LT(html.find("iter_000000050.png"), html.find("iter_000000100.png"));
  EXPECT_THAT(html, HasSubstr("{&quot;name&quot;: &quot;a&lt;b&quot;}"));
  EXPECT_THAT(html, HasSubstr("dcgan_fashion_mnist --epochs=2"));
  // Offline: nothing is fetched (the only URL is the SVG namespace, which is not fetched).
  EXPECT_EQ(Count(html, "src=\"http"), 0);
  EXPECT_EQ(Count(html, "<script"), 0);
}

}  // namespace
}  // namespace gan
