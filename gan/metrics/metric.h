// Metrics of generated images against a real data set, in an extractor's feature space.
// Each is a small target of this package that registers itself; Evaluate
// (gan/metrics/evaluation.h) runs every registered metric after one pass over the fakes,
// and the run and study reports take their columns from the registry, so that a new
// metric is one target and its BUILD line:
//
//   class FidMetric : public Metric { ... };
//   GAN_REGISTER_METRIC("fid", std::make_shared<FidMetric>());   // in its file
//
// A registration is a static initializer: the metric's cc_library sets alwayslink, and
// //gan/metrics:all_metrics has them all.
#ifndef GAN_METRICS_METRIC_H_
#define GAN_METRICS_METRIC_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/types.h>

#include "gan/core/registry.h"
#include "gan/metrics/feature_extractor.h"
#include "gan/metrics/feature_statistics.h"

namespace gan {

struct EvaluationOptions {
  int64_t num_fake = 10000;
  int64_t batch_size = 100;
  int64_t is_splits = 10;
  int64_t kid_subsets = 100;
  int64_t kid_subset_size = 1000;
  // Real and fake feature rows kept for KID and precision/recall/density/coverage.
  int64_t sample_features = 10000;
  bool manifold_metrics = true;  // precision, recall (k=3), density, coverage (k=5)
  bool intra_class_fid = true;   // conditional generators with labelled real data
  uint64_t seed = 0;
  bool batch_statistics = false;  // G's BatchNorm with batch statistics instead of running ones
  double truncation = 0;          // > 0: truncated latents (changes every metric: recorded)
};

// Fake images: (count, labels or undefined) -> [count, C, H, W] in [-1, 1].
using FakeImages = std::function<torch::Tensor(int64_t count, const torch::Tensor& labels)>;

// The real data set's side: its statistics, a seeded subset of its feature rows, and its
// statistics per class (empty without labels).
struct ReferenceFeatures {
  StatisticsKey key;
  FeatureStatistics statistics;
  torch::Tensor samples;                     // [<= sample_features, D]
  std::vector<FeatureStatistics> per_class;  // by label
};

// The fakes' side, from the one pass: statistics of all, the extractor's logits (when it has
// them) and the first sample_features feature rows.
struct FakeFeatures {
  FeatureStatistics statistics;
  std::vector<torch::Tensor> logits;
  torch::Tensor samples;
};

// What a metric computes from. `fakes` and `extractor` serve metrics that need images of
// their own (intra-class FID's per-class fakes).
struct MetricInputs {
  const FakeImages& fakes;
  int64_t num_classes;  // > 0: a conditional generator, fakes drawn with uniform labels
  FeatureExtractor& extractor;
  const ReferenceFeatures& real;
  const FakeFeatures& fake;
  const EvaluationOptions& options;
};

class Metric {
 public:
  virtual ~Metric() = default;

  // Where the metric stands among the others: the order of the one-line summary and of the
  // reports' columns.
  virtual int order() const = 0;
  // The keys it writes into "metrics", its headline value first.
  virtual std::vector<std::string> keys() const = 0;
  // Whether its headline value is in a study's final table and first among its curves.
  virtual bool headline() const { return false; }

  // Adds its values to `metrics` and how they were computed to `protocol`; nothing where
  // it does not apply (IS without logits, intra-class FID without classes).
  virtual void Compute(const MetricInputs& inputs, nlohmann::json& metrics,
                       nlohmann::json& protocol) const = 0;
  // Its part of the one-line summary ("FID (fmnist-classifier features) 12.3400"), from
  // `metrics`; "" where they hold none of its values. `space` is "(<extractor> features)".
  virtual std::string Describe(const nlohmann::json& metrics, const std::string& space) const = 0;
};

// Registers `metric` under `name`; a second registration of a name aborts at startup.
bool RegisterMetric(const std::string& name, std::shared_ptr<const Metric> metric);

// The registered metrics, in their order.
std::vector<std::shared_ptr<const Metric>> RegisteredMetrics();

// Every registered metric's keys, in order, and whether `key` is one of them.
std::vector<std::string> MetricKeys();
bool IsMetricKey(const std::string& key);

// The headline metrics' first keys, in order ("fid", "is_mean", "kid_mean").
std::vector<std::string> HeadlineMetricKeys();

}  // namespace gan

#define GAN_REGISTER_METRIC(name, metric) GAN_REGISTER_WITH(::gan::RegisterMetric, name, metric)

#endif  // GAN_METRICS_METRIC_H_
