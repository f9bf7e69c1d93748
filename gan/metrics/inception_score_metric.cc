// IS (Salimans et al. 2016) from the extractor's class logits, in options.is_splits splits
// (gan/metrics/inception_score.h); extractors without logits have none.
#include <memory>

#include "absl/strings/str_format.h"
#include "gan/metrics/inception_score.h"
#include "gan/metrics/metric.h"

namespace gan {
namespace {

class InceptionScoreMetric : public Metric {
 public:
  int order() const override { return 20; }
  std::vector<std::string> keys() const override { return {"is_mean", "is_std"}; }
  bool headline() const override { return true; }

  void Compute(const MetricInputs& in, nlohmann::json& metrics,
               nlohmann::json& protocol) const override {
    protocol["is_splits"] = in.fake.logits.empty() ? 0 : in.options.is_splits;
    if (in.fake.logits.empty()) return;
    InceptionScoreOptions options;
    options.splits = in.options.is_splits;
    const InceptionScoreResult is = InceptionScore(torch::cat(in.fake.logits), options);
    metrics["is_mean"] = is.mean;
    metrics["is_std"] = is.std;
  }

  std::string Describe(const nlohmann::json& metrics, const std::string& space) const override {
    if (!metrics.contains("is_mean")) return "";
    return absl::StrFormat("IS %s %.4f ± %.4f", space, metrics["is_mean"].get<double>(),
                           metrics["is_std"].get<double>());
  }
};

GAN_REGISTER_METRIC("inception_score", std::make_shared<InceptionScoreMetric>());

}  // namespace
}  // namespace gan
