#include "gan/outputs/run_report.h"

#include <dirent.h>

#include <algorithm>
#include <map>
#include <sstream>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gan/core/atomic_file.h"
#include "gan/metrics/metric.h"
#include "gan/outputs/progress_extension.h"
#include "gan/outputs/run_status.h"
#include "gan/outputs/svg_chart.h"

namespace gan {
namespace {

// The chart a logged key is drawn in: G's and D's losses together, D's mean logits
// together, every other statistic (penalties, augment_p, ...) on its own scale.
std::string ChartOf(const std::string& key) {
  if (absl::StartsWith(key, "loss_")) return "losses";
  if (absl::StartsWith(key, "logit_")) return "D's mean logits";
  return key;
}

struct RunLog {
  // chart -> series -> (iterations, values)
  std::map<std::string, std::map<std::string, ChartSeries>> curves;
  std::map<std::string, ChartSeries> metrics;
  // One row per evaluation: iteration, epoch and its numbers.
  std::vector<nlohmann::json> evaluations;
};

RunLog ReadRunLog(const std::string& run_dir) {
  RunLog log;
  std::string text;
  if (!ReadFile(run_dir + "/log.jsonl", &text).ok()) return log;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    const nlohmann::json entry = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!entry.is_object() || !entry.contains("iteration")) continue;
    const double iteration = entry["iteration"].get<double>();
    bool evaluation = false;
    for (const auto& [key, value] : entry.items()) {
      if (!value.is_number() || IsPositionKey(key)) continue;
      ChartSeries& series = IsMetricKey(key) ? log.metrics[key] : log.curves[ChartOf(key)][key];
      series.name = key;
      series.x.push_back(iteration);
      series.y.push_back(value.get<double>());
      evaluation = evaluation || IsMetricKey(key);
    }
    if (evaluation) log.evaluations.push_back(entry);
  }
  return log;
}

std::string MetricsTable(const RunLog& log) {
  std::vector<std::string> columns;
  for (const std::string& key : MetricKeys()) {
    if (log.metrics.count(key)) columns.push_back(key);
  }
  std::string html = "<table><tr><th>iteration</th><th>epoch</th>";
  for (const std::string& key : columns) absl::StrAppend(&html, "<th>", EscapeHtml(key), "</th>");
  html += "</tr>\n";
  for (const nlohmann::json& row : log.evaluations) {
    absl::StrAppend(&html, "<tr><td>", row["iteration"].dump(), "</td><td>",
                    row.value("epoch", nlohmann::json()).dump(), "</td>");
    for (const std::string& key : columns) {
      const bool has = row.contains(key) && row[key].is_number();
      absl::StrAppend(&html, "<td>", has ? absl::StrFormat("%.4g", row[key].get<double>()) : "",
                      "</td>");
    }
    html += "</tr>\n";
  }
  return html + "</table>\n";
}

}  // namespace

bool IsPositionKey(const std::string& key) {
  return key == "iteration" || key == "epoch" || key == "seconds";
}

std::vector<std::string> SampleGridNames(const std::string& dir) {
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

std::string DescribeRunStatus(const std::string& run_dir) {
  const absl::StatusOr<RunStatus> status = ReadRunStatus(run_dir);
  if (!status.ok()) return "";
  const std::string speed = absl::StrCat(FormatDuration(status->seconds), " of training, ",
                                         absl::StrFormat("%.3g", status->iterations_per_second),
                                         " it/s");
  const std::string progress = absl::StrCat("iteration ", status->iteration, " of ",
                                            status->total_iterations, " (", status->epoch,
                                            " epochs done), ", speed);
  std::string text;
  if (status->state == RunState::kFinished) {
    text = absl::StrCat("Finished: ", status->iteration, " iterations (", status->epoch,
                        " epochs), ", speed);
  } else if (status->state == RunState::kStopped) {
    text = absl::StrCat("Stopped at ", progress, "; continue it with the same command and --resume");
  } else if (status->state == RunState::kFailed) {
    text = "Failed at " + progress;
  } else {
    text = "Running (or killed): " + progress;
  }
  // A stop's message only repeats the header; a failure's says why.
  if (status->state != RunState::kStopped && !status->message.empty()) {
    absl::StrAppend(&text, ". ", status->message);
  }
  return text;
}

absl::Status WriteRunReport(const std::string& run_dir) {
  const RunLog log = ReadRunLog(run_dir);
  std::string name = run_dir;
  std::string config;
  if (ReadFile(run_dir + "/config.json", &config).ok()) {
    const nlohmann::json json = nlohmann::json::parse(config, nullptr, false);
    if (json.is_object() && json.contains("name") && json["name"].is_string()) {
      name = json["name"].get<std::string>();
    }
  }
  std::string html =
      "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + EscapeHtml(name) +
      "</title><style>body{font-family:sans-serif;margin:24px;max-width:1400px}"
      "figure{display:inline-block;margin:6px}img{image-rendering:pixelated;width:256px}"
      "pre{background:#f4f4f4;padding:8px;overflow:auto}.status{font-size:17px;padding:8px;"
      "background:#eef4fb;border-left:4px solid #1f77b4}table{border-collapse:collapse}"
      "td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}</style></head><body>\n";
  absl::StrAppend(&html, "<h1>", EscapeHtml(name), "</h1>\n<p>", EscapeHtml(run_dir), "</p>\n");
  if (const std::string status = DescribeRunStatus(run_dir); !status.empty()) {
    absl::StrAppend(&html, "<p class=\"status\">", EscapeHtml(status), "</p>\n");
  }
  html += "<h2>Training</h2>\n<p>Means over each logging window.</p>\n";
  if (log.curves.empty()) html += SvgLineChart({"losses", "iteration", ""}, {}) + "\n";
  // The losses first, then D's logits, then the other statistics.
  std::vector<std::string> charts;
  for (const auto& [chart, named] : log.curves) charts.push_back(chart);
  std::stable_partition(charts.begin(), charts.end(), [](const std::string& c) { return c == "losses"; });
  for (const std::string& chart : charts) {
    std::vector<ChartSeries> series;
    for (const auto& [key, s] : log.curves.at(chart)) series.push_back(s);
    html += SvgLineChart({chart, "iteration", ""}, series) + "\n";
  }
  if (!log.metrics.empty()) {
    // The spreads (*_std) are in the table only.
    html += "<h2>Metrics</h2>\n" + MetricsTable(log);
    for (const std::string& key : MetricKeys()) {
      if (log.metrics.count(key) && !absl::EndsWith(key, "_std")) {
        html += SvgLineChart({key, "iteration", ""}, {log.metrics.at(key)}) + "\n";
      }
    }
  }
  const std::vector<std::string> grids = SampleGridNames(run_dir + "/samples");
  if (!grids.empty()) {
    html += "<h2>Samples</h2>\n";
    for (const std::string& grid : grids) {
      html += absl::StrCat("<figure><img src=\"samples/", EscapeHtml(grid), "\" alt=\"",
                           EscapeHtml(grid), "\"><figcaption>", EscapeHtml(grid),
                           "</figcaption></figure>\n");
    }
  }
  for (const auto& [title, file] : std::vector<std::pair<std::string, std::string>>{
           {"Command", "command.txt"}, {"Resumed with", "command_resume.txt"}, {"Config", "config.json"}}) {
    std::string text;
    if (ReadFile(run_dir + "/" + file, &text).ok()) {
      html += absl::StrCat("<h2>", title, "</h2>\n<pre>", EscapeHtml(text), "</pre>\n");
    }
  }
  html += "</body></html>\n";
  return WriteFileAtomically(run_dir + "/report.html", html);
}

}  // namespace gan
