// What the `evaluate` tool and the training-time evaluation share: the feature extractor
// for a data set and the real features of one split, cached on disk by (dataset, split,
// geometry, extractor, resize).
#ifndef GAN_RUN_EVALUATION_SETUP_H_
#define GAN_RUN_EVALUATION_SETUP_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "gan/data/dataset_source.h"
#include "gan/metrics/evaluation.h"
#include "gan/metrics/feature_extractor.h"

namespace gan {

struct EvaluationSetup {
  std::shared_ptr<FeatureExtractor> extractor;
  ReferenceFeatures reference;
};

// `data`: the run's data options (dataset, dir, pad, resize); `split` replaces its split
// and random flips are dropped. `extractor_spec` "auto" picks DefaultExtractorFor(dataset).
// `cache_dir` empty: $HOME/.cache/gan-toolkit/reference-features.
absl::StatusOr<EvaluationSetup> PrepareEvaluation(DataOptions data, const std::string& split,
                                                  const std::string& extractor_spec,
                                                  const std::string& resize,
                                                  std::string cache_dir,
                                                  const EvaluationOptions& options,
                                                  const torch::Device& device);

}  // namespace gan

#endif  // GAN_RUN_EVALUATION_SETUP_H_
