#include "gan/run/evaluation_setup.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "gan/core/log.h"
#include "gan/core/run_directory.h"
#include "gan/metrics/extractor_factory.h"

namespace gan {

absl::StatusOr<EvaluationSetup> PrepareEvaluation(DataOptions data, const std::string& split,
                                                  const std::string& extractor_spec,
                                                  const std::string& resize,
                                                  std::string cache_dir,
                                                  const EvaluationOptions& options,
                                                  const torch::Device& device) {
  std::string spec = extractor_spec;
  if (spec == "auto") {
    absl::StatusOr<std::string> chosen = DefaultExtractorFor(data.dataset);
    if (!chosen.ok()) return chosen.status();
    spec = *chosen;
  }
  EvaluationSetup setup;
  absl::StatusOr<std::shared_ptr<FeatureExtractor>> extractor =
      MakeFeatureExtractor(spec, resize, device);
  if (!extractor.ok()) return extractor.status();
  setup.extractor = *extractor;

  data.split = split;
  data.random_flip = false;
  absl::StatusOr<ImageDataset> dataset = LoadDataset(data);
  if (!dataset.ok()) return dataset.status();
  if (cache_dir.empty()) {
    const char* home = std::getenv("HOME");
    cache_dir = absl::StrCat(home != nullptr ? home : "/tmp", "/.cache/gan-toolkit/reference-features");
  }
  const absl::Status made = MakeDirectories(cache_dir);
  if (!made.ok()) return made;
  StatisticsKey key;
  key.dataset = absl::StrCat(data.dataset, "@", DataDirectory(data));
  key.split = split;
  key.extractor = setup.extractor->name();
  // The geometry the real images get, so that they match the generator's.
  key.resize = absl::StrCat("pad=", data.pad, ",resize=", data.resize, ",max_examples=",
                            data.max_examples, ",samples=", options.sample_features,
                            ",seed=", options.seed);
  LogInfo() << "reference features: " << dataset->size() << " images of " << key.dataset
            << " (" << split << ") through " << key.extractor;
  absl::StatusOr<ReferenceFeatures> reference = LoadOrComputeReferenceFeatures(
      cache_dir, DatasetImages(*dataset, MakeTransforms(data)), *setup.extractor, key, options);
  if (!reference.ok()) return reference.status();
  setup.reference = std::move(*reference);
  return setup;
}

}  // namespace gan
