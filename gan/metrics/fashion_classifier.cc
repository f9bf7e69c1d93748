#include "gan/metrics/fashion_classifier.h"

#include <torch/nn/functional/upsampling.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/pooling.h>
#include <torch/serialize.h>
#include <torch/utils.h>

#include "absl/strings/str_cat.h"
#include "gan/core/file_hash.h"
#include "gan/core/runfiles.h"

namespace gan {
namespace {

namespace nn = torch::nn;

// Appends conv 3x3 -> BatchNorm -> ReLU.
void AddConvBlock(nn::Sequential& body, int64_t in, int64_t out) {
  body->push_back(nn::Conv2d(nn::Conv2dOptions(in, out, 3).padding(1).bias(false)));
  body->push_back(nn::BatchNorm2d(out));
  body->push_back(nn::ReLU());
}

}  // namespace

FashionClassifierImpl::FashionClassifierImpl() {
  // 28 -> 14 -> 7, then the global average of 128 channels is the feature vector.
  nn::Sequential body;
  AddConvBlock(body, 1, 32);
  body->push_back(nn::MaxPool2d(2));
  AddConvBlock(body, 32, 64);
  body->push_back(nn::MaxPool2d(2));
  AddConvBlock(body, 64, 128);
  AddConvBlock(body, 128, 128);
  body->push_back(nn::AdaptiveAvgPool2d(nn::AdaptiveAvgPool2dOptions(1)));
  body->push_back(nn::Flatten());
  body_ = register_module("body", body);
  classifier_ = register_module("classifier", nn::Linear(128, 10));
}

std::pair<torch::Tensor, torch::Tensor> FashionClassifierImpl::Features(const torch::Tensor& images) {
  TORCH_CHECK(images.dim() == 4 && images.size(1) == 1 && images.size(2) == 28 &&
                  images.size(3) == 28,
              "FashionClassifier: expected [N, 1, 28, 28], got ", images.sizes());
  torch::Tensor features = body_->forward(images);
  return {features, classifier_->forward(features)};
}

torch::Tensor ToClassifierInput(const torch::Tensor& images) {
  TORCH_CHECK(images.dim() == 4, "fmnist-classifier: expected images [N, C, H, W], got ",
              images.sizes());
  torch::Tensor gray = images.size(1) == 1 ? images : images.mean(1, /*keepdim=*/true);
  if (gray.size(2) == 32 && gray.size(3) == 32) {
    return gray.slice(2, 2, 30).slice(3, 2, 30);
  }
  if (gray.size(2) == 28 && gray.size(3) == 28) return gray;
  namespace F = torch::nn::functional;
  return F::interpolate(gray, F::InterpolateFuncOptions()
                                  .size(std::vector<int64_t>{28, 28})
                                  .mode(torch::kBilinear)
                                  .align_corners(false));
}

absl::StatusOr<std::unique_ptr<FashionClassifierExtractor>> FashionClassifierExtractor::Load(
    const std::string& path, const torch::Device& device) {
  absl::StatusOr<std::string> hash = FileHash(path);
  if (!hash.ok()) return hash.status();
  FashionClassifier network;
  try {
    torch::load(network, path);
  } catch (const c10::Error& e) {
    return absl::DataLossError(absl::StrCat("cannot load fmnist-classifier weights '", path,
                                            "': ", e.what_without_backtrace()));
  }
  network->to(device);
  network->eval();
  return std::unique_ptr<FashionClassifierExtractor>(new FashionClassifierExtractor(
      network, absl::StrCat("fmnist-classifier (", *hash, ")"), device));
}

absl::StatusOr<std::unique_ptr<FashionClassifierExtractor>>
FashionClassifierExtractor::LoadDefault(const torch::Device& device) {
  absl::StatusOr<std::string> path = FindRunfile(kFashionClassifierWeights);
  if (!path.ok()) return path.status();
  return Load(*path, device);
}

ExtractedFeatures FashionClassifierExtractor::Extract(const torch::Tensor& images) {
  torch::InferenceMode inference;
  auto [features, logits] = network_->Features(ToClassifierInput(images.to(device_)));
  return {features.to(torch::kFloat), logits.to(torch::kFloat)};
}

torch::Tensor FashionClassifierExtractor::DifferentiableFeatures(const torch::Tensor& images) {
  for (torch::Tensor& parameter : network_->parameters()) parameter.requires_grad_(false);
  return network_->Features(ToClassifierInput(images.to(device_))).first;
}

}  // namespace gan
