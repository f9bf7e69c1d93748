#include "gan/outputs/run_report.h"

#include <dirent.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "gan/core/atomic_file.h"

namespace gan {
namespace {

std::string Escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// Metrics the evaluation writes into log.jsonl; every other number but the position
// fields is a loss or a training statistic.
bool IsMetric(const std::string& key) {
  static const char* const kMetrics[] = {"fid", "is_mean", "is_std", "kid_mean", "kid_std",
                                         "precision", "recall", "density", "coverage",
                                         "intra_fid"};
  return std::find(std::begin(kMetrics), std::end(kMetrics), key) != std::end(kMetrics);
}

std::vector<std::string> SampleGrids(const std::string& dir) {
  std::vector<std::string> names;
  DIR* handle = opendir(dir.c_str());
  if (handle == nullptr) return names;
  while (dirent* entry = readdir(handle)) {
    const std::string name = entry->d_name;
    if (absl::StartsWith(name, "iter_") && absl::EndsWith(name, ".png")) names.push_back(name);
  }
  closedir(handle);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace

std::string SvgLineChart(const std::string& title,
                         const std::map<std::string, std::vector<std::pair<double, double>>>& series) {
  constexpr double kWidth = 640, kHeight = 240, kLeft = 70, kRight = 150, kTop = 28, kBottom = 30;
  static const char* const kColors[] = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e",
                                        "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"};
  double x_min = std::numeric_limits<double>::infinity(), x_max = -x_min;
  double y_min = x_min, y_max = -x_min;
  for (const auto& [name, points] : series) {
    for (const auto& [x, y] : points) {
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      x_min = std::min(x_min, x), x_max = std::max(x_max, x);
      y_min = std::min(y_min, y), y_max = std::max(y_max, y);
    }
  }
  std::string svg = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
      "viewBox=\"0 0 %.0f %.0f\"><text x=\"%.0f\" y=\"18\" font-weight=\"bold\">%s</text>",
      kWidth, kHeight, kWidth, kHeight, kLeft, Escape(title));
  if (!std::isfinite(x_min)) return svg + "<text x=\"70\" y=\"120\">no data</text></svg>";
  if (x_max == x_min) x_max = x_min + 1;
  if (y_max == y_min) y_max = y_min + 1;
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  absl::StrAppendFormat(&svg,
                        "<rect x=\"%.0f\" y=\"%.0f\" width=\"%.0f\" height=\"%.0f\" fill=\"none\" "
                        "stroke=\"#999\"/>",
                        kLeft, kTop, plot_w, plot_h);
  absl::StrAppendFormat(&svg,
                        "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\" font-size=\"11\">%.4g</text>"
                        "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\" font-size=\"11\">%.4g</text>"
                        "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\">%.0f</text>"
                        "<text x=\"%.0f\" y=\"%.0f\" text-anchor=\"end\" font-size=\"11\">%.0f</text>",
                        kLeft - 4, kTop + 10, y_max, kLeft - 4, kTop + plot_h, y_min, kLeft,
                        kHeight - 10, x_min, kLeft + plot_w, kHeight - 10, x_max);
  int color = 0;
  for (const auto& [name, points] : series) {
    std::vector<std::string> coordinates;
    for (const auto& [x, y] : points) {
      if (!std::isfinite(x) || !std::isfinite(y)) continue;
      coordinates.push_back(absl::StrFormat("%.1f,%.1f", kLeft + (x - x_min) / (x_max - x_min) * plot_w,
                                            kTop + (y_max - y) / (y_max - y_min) * plot_h));
    }
    const char* stroke = kColors[color % 8];
    if (coordinates.size() <= 50) {
      // Markers, so that sparse series (metrics every few epochs, one point) are visible.
      for (const std::string& point : coordinates) {
        const size_t comma = point.find(',');
        absl::StrAppendFormat(&svg, "<circle cx=\"%s\" cy=\"%s\" r=\"3\" fill=\"%s\"/>",
                              point.substr(0, comma), point.substr(comma + 1), stroke);
      }
    }
    absl::StrAppendFormat(&svg,
                          "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>"
                          "<text x=\"%.0f\" y=\"%.0f\" fill=\"%s\" font-size=\"12\">%s</text>",
                          stroke, absl::StrJoin(coordinates, " "), kLeft + plot_w + 8,
                          kTop + 14 + 16 * color, stroke, Escape(name));
    ++color;
  }
  return svg + "</svg>";
}

absl::Status WriteRunReport(const std::string& run_dir) {
  std::map<std::string, std::vector<std::pair<double, double>>> losses;
  std::map<std::string, std::map<std::string, std::vector<std::pair<double, double>>>> metrics;
  std::string log;
  if (ReadFile(run_dir + "/log.jsonl", &log).ok()) {
    std::istringstream lines(log);
    for (std::string line; std::getline(lines, line);) {
      const nlohmann::json entry = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (!entry.is_object() || !entry.contains("iteration")) continue;
      const double iteration = entry["iteration"].get<double>();
      for (const auto& [key, value] : entry.items()) {
        if (!value.is_number() || key == "iteration" || key == "epoch" || key == "seconds") continue;
        if (IsMetric(key)) {
          metrics[key][key].emplace_back(iteration, value.get<double>());
        } else {
          losses[key].emplace_back(iteration, value.get<double>());
        }
      }
    }
  }
  std::string html =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + Escape(run_dir) +
      "</title><style>body{font-family:sans-serif;margin:24px}figure{display:inline-block;"
      "margin:6px}img{image-rendering:pixelated;width:256px}pre{background:#f4f4f4;"
      "padding:8px;overflow:auto}</style></head><body>\n<h1>" + Escape(run_dir) + "</h1>\n";
  html += "<h2>Losses</h2>\n" + SvgLineChart("losses (means over each log window)", losses) + "\n";
  if (!metrics.empty()) {
    html += "<h2>Metrics</h2>\n";
    for (const auto& [name, series] : metrics) html += SvgLineChart(name, series) + "\n";
  }
  const std::vector<std::string> grids = SampleGrids(run_dir + "/samples");
  if (!grids.empty()) {
    html += "<h2>Samples</h2>\n";
    for (const std::string& name : grids) {
      html += absl::StrCat("<figure><img src=\"samples/", Escape(name), "\" alt=\"", Escape(name),
                           "\"><figcaption>", Escape(name), "</figcaption></figure>\n");
    }
  }
  for (const auto& [title, file] : std::vector<std::pair<std::string, std::string>>{
           {"Config", "config.json"}, {"Command", "command.txt"}, {"Resumed with", "command_resume.txt"}}) {
    std::string text;
    if (ReadFile(run_dir + "/" + file, &text).ok()) {
      html += absl::StrCat("<h2>", title, "</h2>\n<pre>", Escape(text), "</pre>\n");
    }
  }
  html += "</body></html>\n";
  return WriteFileAtomically(run_dir + "/report.html", html);
}

}  // namespace gan
