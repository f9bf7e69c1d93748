// Line charts as inline SVG for the static pages (report.html, study.html): both axes
// with round-number ticks (1, 2 or 5 x 10^k) and grid lines, one colour per series named
// in a legend, markers on sparse series, and an optional band around a series (the spread
// of a study's seeds). No script and no fonts to fetch: the page opens offline.
//
//   gan::ChartSeries d{"loss_d", {50, 100}, {1.2, 1.1}};
//   html += gan::SvgLineChart({"losses", "iteration", ""}, {d});
#ifndef GAN_OUTPUTS_SVG_CHART_H_
#define GAN_OUTPUTS_SVG_CHART_H_

#include <string>
#include <vector>

namespace gan {

struct ChartSeries {
  std::string name;
  std::vector<double> x, y;
  std::vector<double> low, high;  // empty, or the band's edges at each x
};

struct ChartAxes {
  std::string title;
  std::string x_label;
  std::string y_label;
};

// Points with a non-finite coordinate are left out; text is HTML-escaped. The y axis runs
// between the ticks around the data (bands included), the x axis over the data.
std::string SvgLineChart(const ChartAxes& axes, const std::vector<ChartSeries>& series);

// The step between round-number ticks for at most `max_ticks` ticks over [low, high].
double TickStep(double low, double high, int max_ticks);

// The multiples of TickStep(low, high, max_ticks) within [low, high].
std::vector<double> NiceTicks(double low, double high, int max_ticks);

// A tick's label with as many decimals as `step` needs ("0.25", "1000", "1e+06").
std::string FormatTick(double value, double step);

// HTML's five special characters escaped (&, <, >, ", ').
std::string EscapeHtml(const std::string& text);

}  // namespace gan

#endif  // GAN_OUTPUTS_SVG_CHART_H_
