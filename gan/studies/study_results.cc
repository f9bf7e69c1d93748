#include "gan/studies/study_results.h"

#include <algorithm>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gan/core/atomic_file.h"
#include "gan/metrics/metric.h"
#include "gan/outputs/run_report.h"

namespace gan {
namespace {

// A CSV field: quoted when it holds a comma, a quote or a line break.
std::string CsvField(const std::string& text) {
  if (text.find_first_of(",\"\n") == std::string::npos) return text;
  std::string quoted = "\"";
  for (char c : text) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

}  // namespace

StudyResults CollectStudyResults(const StudyPlan& plan, const std::string& study_dir) {
  StudyResults results;
  std::set<std::string> metrics, others;
  for (const StudyRun& run : plan.runs) {
    std::string text;
    if (!ReadFile(study_dir + "/" + run.directory + "/log.jsonl", &text).ok()) continue;
    std::map<std::string, double> latest;  // the last logged value of each non-metric key
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
      const nlohmann::json entry = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (!entry.is_object() || !entry.contains("iteration")) continue;
      const int64_t iteration = entry["iteration"].get<int64_t>();
      std::map<std::string, double> evaluated;
      for (const auto& [key, value] : entry.items()) {
        if (!value.is_number() || IsPositionKey(key)) continue;
        const double number = value.get<double>();
        results.curves[run.condition][key][run.seed].emplace_back(iteration, number);
        if (IsMetricKey(key)) {
          evaluated[key] = number;
          metrics.insert(key);
        } else {
          latest[key] = number;
          others.insert(key);
        }
      }
      if (evaluated.empty()) continue;
      StudyRow row{run.condition, run.seed, run.directory, iteration, entry.value("epoch", int64_t{0}),
                   latest};
      for (const auto& [key, value] : evaluated) row.values[key] = value;
      results.rows.push_back(std::move(row));
    }
  }
  // Metrics in the order the run report lists them, then the rest alphabetically.
  for (const std::string& key : MetricKeys()) {
    if (metrics.count(key)) results.keys.push_back(key);
  }
  for (const std::string& key : others) results.keys.push_back(key);
  return results;
}

absl::Status WriteResultsCsv(const StudyResults& results, const std::string& path) {
  std::string csv = "condition,seed,run,iteration,epoch";
  for (const std::string& key : results.keys) absl::StrAppend(&csv, ",", CsvField(key));
  csv += "\n";
  for (const StudyRow& row : results.rows) {
    absl::StrAppend(&csv, CsvField(row.condition), ",", row.seed, ",", CsvField(row.run), ",",
                    row.iteration, ",", row.epoch);
    for (const std::string& key : results.keys) {
      const auto it = row.values.find(key);
      // %.17g: the logged double, bit for bit.
      absl::StrAppend(&csv, ",", it == row.values.end() ? "" : absl::StrFormat("%.17g", it->second));
    }
    csv += "\n";
  }
  return WriteFileAtomically(path, csv);
}

}  // namespace gan
