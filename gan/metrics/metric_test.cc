// The metric registry: the toolkit's metrics in their report order, and a metric
// registered by a target of its own (here, this test) reaching Evaluate's values and
// protocol, the one-line summary and the report keys with no other edit.
#include "gan/metrics/metric.h"

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_format.h"
#include "gan/metrics/evaluation.h"

namespace gan {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// The distance between the real and fake features' means: a metric this test adds.
class MeanDistanceMetric : public Metric {
 public:
  int order() const override { return 1000; }
  std::vector<std::string> keys() const override { return {"mean_distance"}; }
  void Compute(const MetricInputs& in, nlohmann::json& metrics,
               nlohmann::json& protocol) const override {
    metrics["mean_distance"] =
        (in.real.statistics.mean() - in.fake.statistics.mean()).norm().item<double>();
    protocol["mean_distance"] = "L2 distance of the feature means";
  }
  std::string Describe(const nlohmann::json& metrics, const std::string& space) const override {
    return absl::StrFormat("mean distance %s %.3f", space, metrics["mean_distance"].get<double>());
  }
};

GAN_REGISTER_METRIC("mean_distance", std::make_shared<MeanDistanceMetric>());

// Features are the images' pixels (2 of them).
class PixelExtractor : public FeatureExtractor {
 public:
  std::string name() const override { return "pixels"; }
  int64_t feature_dim() const override { return 2; }
  int64_t num_classes() const override { return 0; }
  ExtractedFeatures Extract(const torch::Tensor& images) override {
    return {images.flatten(1).to(torch::kDouble), torch::Tensor()};
  }
};

TEST(MetricRegistryTest, TheToolkitsMetricsComeInReportOrder) {
  EXPECT_THAT(MetricKeys(), ElementsAre("fid", "is_mean", "is_std", "kid_mean", "kid_std",
                                        "precision", "recall", "density", "coverage",
                                        "intra_fid", "mean_distance"));
  EXPECT_THAT(HeadlineMetricKeys(), ElementsAre("fid", "is_mean", "kid_mean"));
  EXPECT_TRUE(IsMetricKey("kid_std"));
  EXPECT_FALSE(IsMetricKey("loss_d"));
}

TEST(MetricRegistryTest, ARegisteredMetricReachesTheResultProtocolAndSummary) {
  // Reals with mean (0, 0); fakes alternating (0.6, 0.4) and (0.4, 0.6), mean (0.5, 0.5):
  // the means are 0.5 * sqrt(2) apart.
  torch::manual_seed(0);
  ReferenceFeatures real;
  const torch::Tensor real_rows = torch::randn({20, 2}, torch::kDouble);
  real.statistics.Add(real_rows - real_rows.mean(0));
  real.samples = real_rows;
  const FakeImages fakes = [](int64_t count, const torch::Tensor&) {
    const torch::Tensor sign = 1 - 2 * torch::arange(count).remainder(2).to(torch::kFloat);
    return (0.5 + 0.1 * torch::stack({sign, -sign}, 1)).view({count, 1, 1, 2});
  };
  PixelExtractor extractor;
  EvaluationOptions options;
  options.num_fake = 20;
  options.batch_size = 10;
  options.kid_subset_size = 10;
  options.kid_subsets = 2;
  options.sample_features = 20;
  absl::StatusOr<nlohmann::json> result = Evaluate(fakes, 0, extractor, real, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_NEAR((*result)["metrics"]["mean_distance"].get<double>(), 0.5 * std::sqrt(2.0), 1e-6);
  EXPECT_EQ((*result)["protocol"]["mean_distance"], "L2 distance of the feature means");
  EXPECT_TRUE((*result)["metrics"].contains("fid"));
  EXPECT_THAT(DescribeMetrics(*result), HasSubstr(", mean distance (pixels features) 0.707"));
}

}  // namespace
}  // namespace gan
