// The interface metrics read images through: a network that maps images to feature
// vectors (for FID, KID, precision/recall) and class logits (for IS). Every result names
// its extractor, because "FID (fmnist-classifier features)" is not "FID".
//
//   gan::ExtractedFeatures f = extractor.Extract(images);  // images [N, C, H, W] in [-1, 1]
//   f.features  // [N, feature_dim()], float
//   f.logits    // [N, num_classes()], float (undefined if the extractor has no classifier)
#ifndef GAN_METRICS_FEATURE_EXTRACTOR_H_
#define GAN_METRICS_FEATURE_EXTRACTOR_H_

#include <cstdint>
#include <string>

#include <torch/types.h>

namespace gan {

struct ExtractedFeatures {
  torch::Tensor features;
  torch::Tensor logits;
};

class FeatureExtractor {
 public:
  virtual ~FeatureExtractor() = default;
  // e.g. "inception-v3-fid (pytorch-fid weights, resize=pytorch-bilinear)"; goes into
  // every metrics record.
  virtual std::string name() const = 0;
  virtual int64_t feature_dim() const = 0;
  virtual int64_t num_classes() const = 0;  // 0 = no logits
  // Images [N, C, H, W] in [-1, 1] (the generators' range), any N. Runs without autograd
  // and in inference mode; the extractor resizes and converts channels as it needs.
  virtual ExtractedFeatures Extract(const torch::Tensor& images) = 0;
};

}  // namespace gan

#endif  // GAN_METRICS_FEATURE_EXTRACTOR_H_
