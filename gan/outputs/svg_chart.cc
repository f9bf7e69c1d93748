#include "gan/outputs/svg_chart.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

namespace gan {
namespace {

// Two charts side by side in a 1280-pixel window.
constexpr double kWidth = 600, kHeight = 280;
constexpr double kLeft = 64, kRight = 150, kTop = 30, kBottom = 46;
constexpr double kPlotWidth = kWidth - kLeft - kRight, kPlotHeight = kHeight - kTop - kBottom;
// Matplotlib's "tab10", distinguishable on screen and in grey-scale print.
const char* const kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd",
                               "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"};

bool Finite(double x, double y) { return std::isfinite(x) && std::isfinite(y); }

struct Range {
  double low = std::numeric_limits<double>::infinity();
  double high = -std::numeric_limits<double>::infinity();
  void Add(double v) {
    if (!std::isfinite(v)) return;
    low = std::min(low, v);
    high = std::max(high, v);
  }
  bool empty() const { return !(low <= high); }
};

}  // namespace

std::string EscapeHtml(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

double TickStep(double low, double high, int max_ticks) {
  const double span = high - low;
  if (!(span > 0)) return 1;
  const double raw = span / std::max(1, max_ticks - 1);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  for (double factor : {1.0, 2.0, 5.0, 10.0}) {
    if (factor * magnitude >= raw * (1 - 1e-9)) return factor * magnitude;
  }
  return 10 * magnitude;
}

std::vector<double> NiceTicks(double low, double high, int max_ticks) {
  const double step = TickStep(low, high, max_ticks);
  std::vector<double> ticks;
  for (double k = std::ceil(low / step - 1e-9); k * step <= high + step * 1e-9; ++k) {
    ticks.push_back(std::abs(k) < 1e-12 ? 0.0 : k * step);  // no "-0"
  }
  return ticks;
}

std::string FormatTick(double value, double step) {
  if (value == 0) return "0";
  if (std::abs(value) >= 1e6 || (value != 0 && std::abs(value) < 1e-4)) {
    return absl::StrFormat("%.3g", value);
  }
  const int decimals = std::max(0, static_cast<int>(-std::floor(std::log10(step) + 1e-9)));
  return absl::StrFormat("%.*f", decimals, value);
}

std::string SvgLineChart(const ChartAxes& axes, const std::vector<ChartSeries>& series) {
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
      "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\"><text x=\"%.0f\" y=\"18\" "
      "font-weight=\"bold\" font-size=\"14\">%s</text>",
      kWidth, kHeight, kWidth, kHeight, kLeft, EscapeHtml(axes.title));
  Range xs, ys;
  for (const ChartSeries& s : series) {
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!Finite(s.x[i], s.y[i])) continue;
      xs.Add(s.x[i]);
      ys.Add(s.y[i]);
      if (i < s.low.size() && i < s.high.size()) ys.Add(s.low[i]), ys.Add(s.high[i]);
    }
  }
  if (xs.empty()) {
    return svg + absl::StrFormat("<text x=\"%.0f\" y=\"%.0f\">no data</text></svg>", kLeft,
                                 kTop + kPlotHeight / 2);
  }
  if (xs.high == xs.low) xs.low -= 0.5, xs.high += 0.5;
  if (ys.high == ys.low) {
    const double pad = ys.low == 0 ? 1 : std::abs(ys.low) * 0.1;
    ys.low -= pad, ys.high += pad;
  }
  // The y axis ends on ticks, so every curve lies between two labelled lines.
  const double y_step = TickStep(ys.low, ys.high, 6);
  ys.low = std::floor(ys.low / y_step + 1e-9) * y_step;
  ys.high = std::ceil(ys.high / y_step - 1e-9) * y_step;
  const double x_step = TickStep(xs.low, xs.high, 7);
  auto px = [&](double x) { return kLeft + (x - xs.low) / (xs.high - xs.low) * kPlotWidth; };
  auto py = [&](double y) { return kTop + (ys.high - y) / (ys.high - ys.low) * kPlotHeight; };

  for (double tick : NiceTicks(ys.low, ys.high, 6)) {
    absl::StrAppendFormat(&svg,
                          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>"
                          "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" font-size=\"11\">%s</text>",
                          kLeft, py(tick), kLeft + kPlotWidth, py(tick), kLeft - 5, py(tick) + 4,
                          FormatTick(tick, y_step));
  }
  for (double tick : NiceTicks(xs.low, xs.high, 7)) {
    absl::StrAppendFormat(&svg,
                          "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#e4e4e4\"/>"
                          "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"11\">%s</text>",
                          px(tick), kTop, px(tick), kTop + kPlotHeight, px(tick),
                          kTop + kPlotHeight + 15, FormatTick(tick, x_step));
  }
  absl::StrAppendFormat(&svg,
                        "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" "
                        "stroke=\"#888\"/>",
                        kLeft, kTop, kPlotWidth, kPlotHeight);
  if (!axes.x_label.empty()) {
    absl::StrAppendFormat(&svg, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\" font-size=\"12\">%s</text>",
                          kLeft + kPlotWidth / 2, kHeight - 8, EscapeHtml(axes.x_label));
  }
  if (!axes.y_label.empty()) {
    absl::StrAppendFormat(&svg,
                          "<text transform=\"translate(14 %.1f) rotate(-90)\" text-anchor=\"middle\" "
                          "font-size=\"12\">%s</text>",
                          kTop + kPlotHeight / 2, EscapeHtml(axes.y_label));
  }
  for (size_t k = 0; k < series.size(); ++k) {
    const ChartSeries& s = series[k];
    const char* color = kColors[k % (sizeof(kColors) / sizeof(kColors[0]))];
    std::vector<std::string> line, upper, lower;
    for (size_t i = 0; i < s.x.size() && i < s.y.size(); ++i) {
      if (!Finite(s.x[i], s.y[i])) continue;
      line.push_back(absl::StrFormat("%.1f,%.1f", px(s.x[i]), py(s.y[i])));
      if (i < s.low.size() && i < s.high.size() && Finite(s.low[i], s.high[i])) {
        upper.push_back(absl::StrFormat("%.1f,%.1f", px(s.x[i]), py(s.high[i])));
        lower.insert(lower.begin(), absl::StrFormat("%.1f,%.1f", px(s.x[i]), py(s.low[i])));
      }
    }
    if (!upper.empty()) {
      absl::StrAppendFormat(&svg, "<polygon fill=\"%s\" fill-opacity=\"0.18\" stroke=\"none\" points=\"%s %s\"/>",
                            color, absl::StrJoin(upper, " "), absl::StrJoin(lower, " "));
    }
    if (line.size() <= 50) {
      // Markers, so that sparse series (metrics every few epochs, one point) show.
      for (const std::string& point : line) {
        const size_t comma = point.find(',');
        absl::StrAppendFormat(&svg, "<circle cx=\"%s\" cy=\"%s\" r=\"2.5\" fill=\"%s\"/>",
                              point.substr(0, comma), point.substr(comma + 1), color);
      }
    }
    absl::StrAppendFormat(&svg,
                          "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.6\" points=\"%s\"/>"
                          "<rect x=\"%.0f\" y=\"%.0f\" width=\"12\" height=\"3\" fill=\"%s\"/>"
                          "<text x=\"%.0f\" y=\"%.0f\" font-size=\"12\">%s</text>",
                          color, absl::StrJoin(line, " "), kLeft + kPlotWidth + 10,
                          kTop + 8 + 17 * k, color, kLeft + kPlotWidth + 26, kTop + 13 + 17 * k,
                          EscapeHtml(s.name));
  }
  return svg + "</svg>";
}

}  // namespace gan
