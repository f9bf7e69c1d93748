// The evaluation driver: features of a real data set (computed once, cached by the
// caller) against features of generated images, giving every registered metric
// (gan/metrics/metric.h) after one pass over the fakes, plus the protocol that makes the
// numbers reproducible.
// Features are accumulated batch by batch; only feature subsets (for KID and the
// k-NN metrics) are kept, never the images.
//
//   ReferenceFeatures real = *ComputeReferenceFeatures(RealImages(data, transforms), extractor, key, options);
//   nlohmann::json result = *Evaluate(GeneratorImages(g, options), g->num_classes(), extractor, real, options);
//   result["metrics"]["fid"], result["protocol"]["extractor"], ...
#ifndef GAN_METRICS_EVALUATION_H_
#define GAN_METRICS_EVALUATION_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/statusor.h"
#include "gan/data/image_dataset.h"
#include "gan/data/transforms.h"
#include "gan/metrics/feature_extractor.h"
#include "gan/metrics/feature_statistics.h"
#include "gan/metrics/metric.h"
#include "gan/networks/gan_modules.h"

namespace gan {

// Real images in batches: (first, count) -> (images [count, C, H, W] in [-1, 1], labels).
struct RealImages {
  int64_t size;
  std::function<std::pair<torch::Tensor, torch::Tensor>(int64_t first, int64_t count)> batch;
};
// `data` through the deterministic part of `transforms` (no random flips: pass a pipeline
// built without them), so real and fake images have the same geometry.
RealImages DatasetImages(const ImageDataset& data, TransformPipeline transforms);

// Fake images (FakeImages, gan/metrics/metric.h) from a generator.
FakeImages GeneratorImages(Generator generator, const EvaluationOptions& options,
                           const torch::Device& device);
// A fixed set of images served in order (labels are ignored), e.g. a real split
// evaluated as if it were generated.
FakeImages ImagesInOrder(RealImages images);
// A folder of PNGs and the like: uint8 images scaled to [-1, 1], in order.
FakeImages StoredImages(const ImageDataset& images);

// One pass over the real images.
absl::StatusOr<ReferenceFeatures> ComputeReferenceFeatures(const RealImages& real,
                                                           FeatureExtractor& extractor,
                                                           const StatisticsKey& key,
                                                           const EvaluationOptions& options);

// ComputeReferenceFeatures, cached under `cache_dir` by key (statistics, per-class
// statistics and the sample rows); a file written for another key is an error.
absl::StatusOr<ReferenceFeatures> LoadOrComputeReferenceFeatures(
    const std::string& cache_dir, const RealImages& real, FeatureExtractor& extractor,
    const StatisticsKey& key, const EvaluationOptions& options);

// {"metrics": {"feature_space", and every registered metric's values (gan/metrics/metric.h:
// fid, is_mean, is_std, kid_mean, kid_std, precision, recall, density, coverage, intra_fid
// with //gan/metrics:all_metrics)}, "protocol": {...}}: one pass over the fakes, then each
// metric in its order. `num_classes` > 0 draws uniformly random labels for the fakes.
absl::StatusOr<nlohmann::json> Evaluate(const FakeImages& fakes, int64_t num_classes,
                                        FeatureExtractor& extractor,
                                        const ReferenceFeatures& real,
                                        const EvaluationOptions& options);

// "FID (fmnist-classifier features) 12.34, IS ..." for logs and terminals: each registered
// metric's part, in order.
std::string DescribeMetrics(const nlohmann::json& result);

}  // namespace gan

#endif  // GAN_METRICS_EVALUATION_H_
