// Precision and recall (Kynkäänniemi et al. 2019, k = 3), density and coverage (Naeem et
// al. 2020, k = 5) of the real and fake feature rows (gan/metrics/precision_recall.h);
// off with options.manifold_metrics false.
#include <memory>

#include "absl/strings/str_format.h"
#include "gan/metrics/metric.h"
#include "gan/metrics/precision_recall.h"

namespace gan {
namespace {

class ManifoldMetric : public Metric {
 public:
  int order() const override { return 40; }
  std::vector<std::string> keys() const override {
    return {"precision", "recall", "density", "coverage"};
  }

  void Compute(const MetricInputs& in, nlohmann::json& metrics,
               nlohmann::json& protocol) const override {
    if (!in.options.manifold_metrics) return;
    const ManifoldMetrics manifold = ComputeManifoldMetrics(in.real.samples, in.fake.samples);
    metrics["precision"] = manifold.precision;
    metrics["recall"] = manifold.recall;
    metrics["density"] = manifold.density;
    metrics["coverage"] = manifold.coverage;
    protocol["k"] = {{"precision_recall", 3}, {"density_coverage", 5}};
  }

  std::string Describe(const nlohmann::json& metrics, const std::string&) const override {
    if (!metrics.contains("precision")) return "";
    return absl::StrFormat("precision %.4f, recall %.4f, density %.4f, coverage %.4f",
                           metrics["precision"].get<double>(), metrics["recall"].get<double>(),
                           metrics["density"].get<double>(), metrics["coverage"].get<double>());
  }
};

GAN_REGISTER_METRIC("manifold", std::make_shared<ManifoldMetric>());

}  // namespace
}  // namespace gan
