// The evaluation driver: features of a real data set (computed once, cached by the
// caller) against features of generated images, giving every metric of gan/metrics in
// one pass over the fakes, plus the protocol that makes the numbers reproducible.
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
#include "gan/networks/gan_modules.h"

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

// Real images in batches: (first, count) -> (images [count, C, H, W] in [-1, 1], labels).
struct RealImages {
  int64_t size;
  std::function<std::pair<torch::Tensor, torch::Tensor>(int64_t first, int64_t count)> batch;
};
// `data` through the deterministic part of `transforms` (no random flips: pass a pipeline
// built without them), so real and fake images have the same geometry.
RealImages DatasetImages(const ImageDataset& data, TransformPipeline transforms);

// Fake images: (count, labels or undefined) -> [count, C, H, W] in [-1, 1].
using FakeImages = std::function<torch::Tensor(int64_t count, const torch::Tensor& labels)>;
FakeImages GeneratorImages(Generator generator, const EvaluationOptions& options,
                           const torch::Device& device);
// A fixed set of images served in order (labels are ignored), e.g. a real split
// evaluated as if it were generated.
FakeImages ImagesInOrder(RealImages images);
// A folder of PNGs and the like: uint8 images scaled to [-1, 1], in order.
FakeImages StoredImages(const ImageDataset& images);

struct ReferenceFeatures {
  StatisticsKey key;
  FeatureStatistics statistics;
  torch::Tensor samples;                    // [<= sample_features, D], a seeded subset
  std::vector<FeatureStatistics> per_class;  // by label; empty without labels
};

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

// {"metrics": {fid, is_mean, is_std, kid_mean, kid_std, precision, recall, density,
//  coverage, intra_fid (conditional)}, "protocol": {...}}. `num_classes` > 0 draws
// uniformly random labels for the fakes (and per-class fakes for intra-class FID).
absl::StatusOr<nlohmann::json> Evaluate(const FakeImages& fakes, int64_t num_classes,
                                        FeatureExtractor& extractor,
                                        const ReferenceFeatures& real,
                                        const EvaluationOptions& options);

// "FID (fmnist-classifier features) 12.34, IS ..." for logs and terminals.
std::string DescribeMetrics(const nlohmann::json& result);

}  // namespace gan

#endif  // GAN_METRICS_EVALUATION_H_
