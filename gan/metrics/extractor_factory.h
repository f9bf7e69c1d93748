// Chooses a feature extractor by name, as flags and configs give it:
//   "fmnist-classifier"          the project's Fashion-MNIST classifier (committed weights)
//   "inception-v3:<file>"        the FID InceptionV3 with a state-dict file (pytorch-fid,
//                                torch-fidelity weights; see inception_v3.h)
//   "torchscript:<file>"         StyleGAN2-ADA's TorchScript inception-2015-12-05.pt
// `resize` ("pytorch" or "tf1") applies to inception-v3 only.
//
//   ASSIGN_OR_RETURN(auto extractor, gan::MakeFeatureExtractor("fmnist-classifier", "pytorch", device));
#ifndef GAN_METRICS_EXTRACTOR_FACTORY_H_
#define GAN_METRICS_EXTRACTOR_FACTORY_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "gan/metrics/feature_extractor.h"

namespace gan {

absl::StatusOr<std::shared_ptr<FeatureExtractor>> MakeFeatureExtractor(const std::string& spec,
                                                                       const std::string& resize,
                                                                       const torch::Device& device);

// The extractor to use when none is named: the classifier for Fashion-MNIST and MNIST;
// other datasets need Inception weights, so the error says how to pass them.
absl::StatusOr<std::string> DefaultExtractorFor(const std::string& dataset);

}  // namespace gan

#endif  // GAN_METRICS_EXTRACTOR_FACTORY_H_
