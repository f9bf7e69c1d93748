// KID (Bińkowski et al. 2018): the unbiased MMD² of the cubic polynomial kernel over
// subsets of the real and fake feature rows (gan/metrics/kid.h).
#include <memory>

#include "absl/strings/str_format.h"
#include "gan/metrics/kid.h"
#include "gan/metrics/metric.h"

namespace gan {
namespace {

class KidMetric : public Metric {
 public:
  int order() const override { return 30; }
  std::vector<std::string> keys() const override { return {"kid_mean", "kid_std"}; }
  bool headline() const override { return true; }

  void Compute(const MetricInputs& in, nlohmann::json& metrics,
               nlohmann::json& protocol) const override {
    KernelInceptionDistanceOptions options;
    options.subsets = in.options.kid_subsets;
    options.subset_size = in.options.kid_subset_size;
    options.seed = in.options.seed;
    const KernelInceptionDistanceResult kid =
        KernelInceptionDistance(in.real.samples, in.fake.samples, options);
    metrics["kid_mean"] = kid.mean;
    metrics["kid_std"] = kid.std;
    protocol["kid"] = absl::StrFormat("(x.y/d + 1)^3 kernel, unbiased MMD^2, %d subsets of %d",
                                      options.subsets, kid.subset_size);
  }

  std::string Describe(const nlohmann::json& metrics, const std::string& space) const override {
    if (!metrics.contains("kid_mean")) return "";
    return absl::StrFormat("KID %s %.6f ± %.6f", space, metrics["kid_mean"].get<double>(),
                           metrics["kid_std"].get<double>());
  }
};

GAN_REGISTER_METRIC("kid", std::make_shared<KidMetric>());

}  // namespace
}  // namespace gan
