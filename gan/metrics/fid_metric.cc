// FID (Heusel et al. 2017): the Fréchet distance between Gaussians fitted to the real and
// the generated features (gan/metrics/fid.h).
#include <memory>

#include "absl/strings/str_format.h"
#include "gan/metrics/fid.h"
#include "gan/metrics/metric.h"

namespace gan {
namespace {

class FidMetric : public Metric {
 public:
  int order() const override { return 10; }
  std::vector<std::string> keys() const override { return {"fid"}; }
  bool headline() const override { return true; }

  void Compute(const MetricInputs& in, nlohmann::json& metrics,
               nlohmann::json& protocol) const override {
    metrics["fid"] = FrechetDistance(in.real.statistics.mean(), in.real.statistics.covariance(),
                                     in.fake.statistics.mean(), in.fake.statistics.covariance());
    protocol["fid"] = "float64 statistics, N-1 covariance, tr sqrt via eigh of sqrt(S1) S2 sqrt(S1)";
  }

  std::string Describe(const nlohmann::json& metrics, const std::string& space) const override {
    if (!metrics.contains("fid")) return "";
    return absl::StrFormat("FID %s %.4f", space, metrics["fid"].get<double>());
  }
};

GAN_REGISTER_METRIC("fid", std::make_shared<FidMetric>());

}  // namespace
}  // namespace gan
