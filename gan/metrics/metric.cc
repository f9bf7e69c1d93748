#include "gan/metrics/metric.h"

#include <algorithm>
#include <set>
#include <utility>

namespace gan {
namespace {

Registry<std::shared_ptr<const Metric>>& Metrics() {
  static auto* registry = new Registry<std::shared_ptr<const Metric>>("metric");
  return *registry;
}

}  // namespace

bool RegisterMetric(const std::string& name, std::shared_ptr<const Metric> metric) {
  return Metrics().Register(name, std::move(metric));
}

std::vector<std::shared_ptr<const Metric>> RegisteredMetrics() {
  std::vector<std::shared_ptr<const Metric>> metrics;
  for (const std::string& name : Metrics().Names()) metrics.push_back(*Metrics().Find(name));
  std::stable_sort(metrics.begin(), metrics.end(),
                   [](const auto& a, const auto& b) { return a->order() < b->order(); });
  return metrics;
}

std::vector<std::string> MetricKeys() {
  std::vector<std::string> keys;
  for (const auto& metric : RegisteredMetrics()) {
    for (const std::string& key : metric->keys()) keys.push_back(key);
  }
  return keys;
}

bool IsMetricKey(const std::string& key) {
  // Metrics register during static initialization, so the set is complete at the first
  // call; the reports ask once per key of every log line.
  static const auto* keys = [] {
    const std::vector<std::string> all = MetricKeys();
    return new std::set<std::string>(all.begin(), all.end());
  }();
  return keys->count(key) > 0;
}

std::vector<std::string> HeadlineMetricKeys() {
  std::vector<std::string> keys;
  for (const auto& metric : RegisteredMetrics()) {
    if (metric->headline()) keys.push_back(metric->keys().front());
  }
  return keys;
}

}  // namespace gan
