// A small CNN trained by this project on Fashion-MNIST (train_fashion_classifier), whose
// committed weights make an offline feature extractor for Fashion-MNIST and MNIST runs:
// 128-d features (global average of the last conv block) and 10 class logits. Metrics
// computed with it are named "... (fmnist-classifier features)": they are comparable
// with each other, not with Inception-based FID.
//
// Input: [N, C, H, W] in [-1, 1]; colour is averaged to gray, 32x32 images (Fashion-MNIST
// padded by 2, as the toolkit's generators make them) are center-cropped to 28x28, other
// sizes resized bilinearly to 28x28.
//
//   ASSIGN_OR_RETURN(auto extractor, gan::FashionClassifierExtractor::LoadDefault());
//   gan::ExtractedFeatures f = extractor->Extract(images);  // features [N, 128], logits [N, 10]
#ifndef GAN_METRICS_FASHION_CLASSIFIER_H_
#define GAN_METRICS_FASHION_CLASSIFIER_H_

#include <memory>
#include <string>
#include <utility>

#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>

#include "absl/status/statusor.h"
#include "gan/metrics/feature_extractor.h"

namespace gan {

inline constexpr char kFashionClassifierWeights[] = "gan/metrics/weights/fashion_mnist_classifier.pt";

class FashionClassifierImpl : public torch::nn::Module {
 public:
  FashionClassifierImpl();
  // [N, 1, 28, 28] in [-1, 1] -> (features [N, 128], logits [N, 10]).
  std::pair<torch::Tensor, torch::Tensor> Features(const torch::Tensor& images);
  torch::Tensor forward(const torch::Tensor& images) { return Features(images).second; }

 private:
  torch::nn::Sequential body_{nullptr};
  torch::nn::Linear classifier_{nullptr};
};
TORCH_MODULE(FashionClassifier);

// 28x28 grayscale in [-1, 1], as the classifier expects (see the file comment).
torch::Tensor ToClassifierInput(const torch::Tensor& images);

class FashionClassifierExtractor : public FeatureExtractor {
 public:
  // Weights from `path` (written by train_fashion_classifier); errors name the file.
  static absl::StatusOr<std::unique_ptr<FashionClassifierExtractor>> Load(
      const std::string& path, const torch::Device& device = torch::kCPU);
  // The committed weights (kFashionClassifierWeights, found among the runfiles).
  static absl::StatusOr<std::unique_ptr<FashionClassifierExtractor>> LoadDefault(
      const torch::Device& device = torch::kCPU);

  std::string name() const override { return name_; }
  int64_t feature_dim() const override { return 128; }
  int64_t num_classes() const override { return 10; }
  ExtractedFeatures Extract(const torch::Tensor& images) override;
  // The features of Extract with autograd (the projector's feature loss); the network's
  // own parameters do not require grad.
  torch::Tensor DifferentiableFeatures(const torch::Tensor& images);

 private:
  FashionClassifierExtractor(FashionClassifier network, std::string name, torch::Device device)
      : network_(std::move(network)), name_(std::move(name)), device_(device) {}
  FashionClassifier network_;
  std::string name_;
  torch::Device device_;
};

}  // namespace gan

#endif  // GAN_METRICS_FASHION_CLASSIFIER_H_
