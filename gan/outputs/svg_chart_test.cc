#include "gan/outputs/svg_chart.h"

#include <cmath>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace gan {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pointwise;

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(NiceTicksTest, RoundStepsOfOneTwoOrFiveTimesAPowerOfTen) {
  // 4690 / 6 gaps = 782 per gap: the next round step is 1000.
  EXPECT_THAT(NiceTicks(0, 4690, 7), ElementsAre(0, 1000, 2000, 3000, 4000));
  // 0.84 / 5 = 0.168: 0.2.
  EXPECT_THAT(NiceTicks(0.13, 0.97, 6), Pointwise(DoubleNear(1e-12), {0.2, 0.4, 0.6, 0.8}));
  // 6 / 6 = 1 exactly: 1, and zero is "0", not "-0".
  const std::vector<double> symmetric = NiceTicks(-3, 3, 7);
  EXPECT_THAT(symmetric, ElementsAre(-3, -2, -1, 0, 1, 2, 3));
  EXPECT_FALSE(std::signbit(symmetric[3]));
  EXPECT_DOUBLE_EQ(TickStep(0, 7, 6), 2);  // 1.4 -> 2
  EXPECT_DOUBLE_EQ(TickStep(0, 16, 6), 5);  // 3.2 -> 5
}

TEST(NiceTicksTest, LabelsHaveTheDecimalsTheStepNeeds) {
  EXPECT_EQ(FormatTick(0.25, 0.05), "0.25");
  EXPECT_EQ(FormatTick(0.4, 0.2), "0.4");
  EXPECT_EQ(FormatTick(3000, 1000), "3000");
  EXPECT_EQ(FormatTick(2e6, 1e6), "2e+06");
  EXPECT_EQ(FormatTick(0, 1e-5), "0");  // not "0.00000"
}

TEST(SvgLineChartTest, AxesRunBetweenTicksAndPointsAreScaledIntoThePlot) {
  // Plot box: x from 64 to 450 (600 - 64 - 150), y from 30 to 234 (280 - 30 - 46). The y
  // ticks around [0, 1] are 0, 0.2, ..., 1, so (0, 0) and (10, 1) are opposite corners.
  const std::string svg = SvgLineChart({"losses <d & g>", "iteration", "loss"},
                                       {{"loss_d", {0, 10, 20}, {0, 1, std::nan("")}},
                                        {"loss_g", {0}, {0.5}}});
  EXPECT_THAT(svg, HasSubstr("points=\"64.0,234.0 450.0,30.0\""));
  EXPECT_THAT(svg, HasSubstr("points=\"64.0,132.0\""));  // 0.5: mid-height
  EXPECT_THAT(svg, HasSubstr(">0.2</text>"));
  EXPECT_THAT(svg, HasSubstr(">10</text>"));
  EXPECT_THAT(svg, HasSubstr(">iteration</text>"));
  EXPECT_THAT(svg, HasSubstr("rotate(-90)\" text-anchor=\"middle\" font-size=\"12\">loss</text>"));
  EXPECT_THAT(svg, HasSubstr("losses &lt;d &amp; g&gt;"));
  EXPECT_EQ(Count(svg, "<polyline"), 2);
  EXPECT_EQ(Count(svg, "<polygon"), 0);
  EXPECT_THAT(SvgLineChart({"empty", "", ""}, {}), HasSubstr("no data"));
}

TEST(SvgLineChartTest, BandRunsAlongTheUpperEdgeAndBackAlongTheLower) {
  ChartSeries seeds{"hinge", {0, 10}, {0.5, 0.5}, {0, 0.25}, {1, 0.75}};
  const std::string svg = SvgLineChart({"fid", "iteration", ""}, {seeds});
  // y domain [0, 1]: 0.75 -> 30 + 0.25 * 204 = 81, 0.25 -> 183.
  EXPECT_THAT(svg, HasSubstr("points=\"64.0,30.0 450.0,81.0 450.0,183.0 64.0,234.0\""));
  EXPECT_THAT(svg, Not(HasSubstr("nan")));
}

TEST(EscapeHtmlTest, EscapesTheFiveSpecialCharacters) {
  EXPECT_EQ(EscapeHtml("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

}  // namespace
}  // namespace gan
