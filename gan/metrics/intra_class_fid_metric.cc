// Intra-class FID (Miyato & Koyama 2018) of conditional generators: per class,
// num_fake / classes fakes of that label against that class's real images; the mean over
// the classes with at least 2 real images ("intra_fid") and the list
// ("intra_fid_per_class", null for the others). Nothing without classes, without labelled
// real data, or with options.intra_class_fid false.
#include <algorithm>
#include <memory>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gan/metrics/fid.h"
#include "gan/metrics/metric.h"

namespace gan {
namespace {

class IntraClassFidMetric : public Metric {
 public:
  int order() const override { return 50; }
  std::vector<std::string> keys() const override { return {"intra_fid"}; }

  void Compute(const MetricInputs& in, nlohmann::json& metrics,
               nlohmann::json& protocol) const override {
    const int64_t classes = in.num_classes;
    if (!in.options.intra_class_fid || classes == 0 ||
        static_cast<int64_t>(in.real.per_class.size()) < classes) {
      return;
    }
    const int64_t per_class = std::max<int64_t>(2, in.options.num_fake / classes);
    nlohmann::json per_class_fid = nlohmann::json::array();
    double sum = 0;
    int64_t measured = 0;
    for (int64_t c = 0; c < classes; ++c) {
      const FeatureStatistics& real = in.real.per_class[c];
      if (real.count() < 2) {
        per_class_fid.push_back(nullptr);
        continue;
      }
      FeatureStatistics fake;
      for (int64_t made = 0; made < per_class; made += in.options.batch_size) {
        const int64_t count = std::min(in.options.batch_size, per_class - made);
        const torch::Tensor labels = torch::full({count}, c, torch::kLong);
        fake.Add(in.extractor.Extract(in.fakes(count, labels)).features.to(torch::kCPU));
      }
      const double fid =
          FrechetDistance(real.mean(), real.covariance(), fake.mean(), fake.covariance());
      per_class_fid.push_back(fid);
      sum += fid;
      ++measured;
    }
    if (measured == 0) return;
    metrics["intra_fid"] = sum / measured;
    metrics["intra_fid_per_class"] = per_class_fid;
    protocol["intra_fid"] = absl::StrCat(per_class, " fakes per class vs that class's real images");
  }

  std::string Describe(const nlohmann::json& metrics, const std::string& space) const override {
    if (!metrics.contains("intra_fid")) return "";
    return absl::StrFormat("intra-class FID %s %.4f", space, metrics["intra_fid"].get<double>());
  }
};

GAN_REGISTER_METRIC("intra_class_fid", std::make_shared<IntraClassFidMetric>());

}  // namespace
}  // namespace gan
