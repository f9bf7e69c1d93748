#include "gan/metrics/authenticity/authenticity.h"

#include <algorithm>
#include <memory>

#include <c10/util/Exception.h>

#include "absl/strings/str_format.h"
#include "gan/metrics/metric.h"
#include "gan/metrics/precision_recall.h"

namespace gan {

double AuthenticityPercent(const torch::Tensor& real, const torch::Tensor& fake,
                           int64_t block_size) {
  TORCH_CHECK(real.dim() == 2 && fake.dim() == 2 && real.size(1) == fake.size(1),
              "AuthenticityPercent: needs real [N, d] and fake [M, d], got ", real.sizes(),
              " and ", fake.sizes());
  TORCH_CHECK(real.size(0) >= 2 && fake.size(0) >= 1,
              "AuthenticityPercent: needs at least 2 real and 1 fake rows");
  const torch::Tensor reals = real.to(torch::kCPU, torch::kDouble);
  const torch::Tensor fakes = fake.to(torch::kCPU, torch::kDouble);
  const torch::Tensor real_radius = KthNearestNeighbourDistances(reals, 1, block_size);
  const torch::Tensor real_norms = reals.square().sum(1);
  int64_t authentic = 0;
  for (int64_t first = 0; first < fakes.size(0); first += block_size) {
    const torch::Tensor block = fakes.slice(0, first, std::min(first + block_size, fakes.size(0)));
    const torch::Tensor squared =
        (block.square().sum(1, true) - 2 * block.matmul(reals.t()) + real_norms).clamp_min(0);
    const auto [nearest_squared, nearest] = squared.min(1);
    authentic += (real_radius.index_select(0, nearest) < nearest_squared.sqrt()).sum().item<int64_t>();
  }
  return 100.0 * static_cast<double>(authentic) / static_cast<double>(fakes.size(0));
}

namespace {

class AuthenticityMetric : public Metric {
 public:
  int order() const override { return 60; }
  std::vector<std::string> keys() const override { return {"authenticity"}; }

  void Compute(const MetricInputs& in, nlohmann::json& metrics,
               nlohmann::json& protocol) const override {
    metrics["authenticity"] = AuthenticityPercent(in.real.samples, in.fake.samples);
    protocol["authenticity"] =
        "AuthPct: % of fakes farther from their nearest real than it is from its nearest real";
  }

  std::string Describe(const nlohmann::json& metrics, const std::string&) const override {
    if (!metrics.contains("authenticity")) return "";
    return absl::StrFormat("authenticity %.2f%%", metrics["authenticity"].get<double>());
  }
};

GAN_REGISTER_METRIC("authenticity", std::make_shared<AuthenticityMetric>());

}  // namespace
}  // namespace gan
