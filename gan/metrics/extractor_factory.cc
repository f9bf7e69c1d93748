#include "gan/metrics/extractor_factory.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gan/metrics/fashion_classifier.h"
#include "gan/metrics/inception_v3.h"

namespace gan {

absl::StatusOr<std::shared_ptr<FeatureExtractor>> MakeFeatureExtractor(const std::string& spec,
                                                                       const std::string& resize,
                                                                       const torch::Device& device) {
  if (resize != "pytorch" && resize != "tf1") {
    return absl::InvalidArgumentError(
        absl::StrCat("resize '", resize, "' is not one of: pytorch, tf1"));
  }
  if (spec == "fmnist-classifier") {
    auto extractor = FashionClassifierExtractor::LoadDefault(device);
    if (!extractor.ok()) return extractor.status();
    return std::shared_ptr<FeatureExtractor>(std::move(*extractor));
  }
  if (absl::StartsWith(spec, "inception-v3:")) {
    InceptionV3ExtractorOptions options;
    options.resize(resize == "tf1" ? ResizeMode::kTf1Bilinear : ResizeMode::kPytorchBilinear);
    options.device(device);
    auto extractor = InceptionV3FeatureExtractor::FromStateDictFile(
        spec.substr(std::string("inception-v3:").size()), options);
    if (!extractor.ok()) return extractor.status();
    return std::shared_ptr<FeatureExtractor>(std::move(*extractor));
  }
  if (absl::StartsWith(spec, "torchscript:")) {
    TorchScriptInceptionOptions options;
    options.device(device);
    auto extractor =
        TorchScriptInception::Load(spec.substr(std::string("torchscript:").size()), options);
    if (!extractor.ok()) return extractor.status();
    return std::shared_ptr<FeatureExtractor>(std::move(*extractor));
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "feature extractor '", spec,
      "' is not one of: fmnist-classifier, inception-v3:<state dict file>, torchscript:<file>"));
}

absl::StatusOr<std::string> DefaultExtractorFor(const std::string& dataset) {
  if (dataset == "fashion_mnist" || dataset == "mnist") return std::string("fmnist-classifier");
  return absl::InvalidArgumentError(absl::StrCat(
      "no offline feature extractor for dataset '", dataset,
      "': give InceptionV3 weights, e.g. inception-v3:/path/pt_inception-2015-12-05.pth or "
      "torchscript:/path/inception-2015-12-05.pt (they cannot be downloaded here)"));
}

}  // namespace gan
