// Conditional batch normalization: BatchNorm2d without its own affine, followed by a
// per-sample gain and bias chosen by the condition. Two forms:
//  - class-conditional (Miyato & Koyama 2018 / SNGAN-projection G): gain and bias rows
//    looked up from per-class embeddings;
//  - linear (BigGAN): gain = 1 + Linear(c), bias = Linear(c) from a condition vector c
//    (BigGAN's concatenation of z chunk and shared class embedding).
//
//   gan::ClassConditionalBatchNorm2d bn(gan::ClassConditionalBatchNorm2dOptions(256, 10));
//   torch::Tensor y = bn(x, labels);   // x [N, 256, H, W], labels int64 [N]
#ifndef GAN_NN_CONDITIONAL_BATCH_NORM_H_
#define GAN_NN_CONDITIONAL_BATCH_NORM_H_

#include <cstdint>

#include <torch/nn/cloneable.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/embedding.h>
#include <torch/types.h>

#include "gan/nn/batch_norm.h"

namespace gan {

struct ClassConditionalBatchNorm2dOptions {
  ClassConditionalBatchNorm2dOptions(int64_t num_features, int64_t num_classes)
      : num_features_(num_features), num_classes_(num_classes) {}
  TORCH_ARG(int64_t, num_features);
  TORCH_ARG(int64_t, num_classes);
  TORCH_ARG(double, momentum) = 0.1;
  TORCH_ARG(double, eps) = 1e-5;
};

// gain[y] * bn(x) + bias[y]; gains start at 1 and biases at 0, so at init it is plain
// BatchNorm2d without affine.
class ClassConditionalBatchNorm2dImpl
    : public torch::nn::Cloneable<ClassConditionalBatchNorm2dImpl> {
 public:
  explicit ClassConditionalBatchNorm2dImpl(ClassConditionalBatchNorm2dOptions options);
  void reset() override;
  // x [N, C, H, W], labels int64 [N] in [0, num_classes) -> [N, C, H, W]
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& labels);

  ClassConditionalBatchNorm2dOptions options;
  BatchNorm bn{nullptr};  // affine(false); owns the running statistics
  torch::nn::Embedding gain{nullptr};  // [num_classes, C]
  torch::nn::Embedding bias{nullptr};  // [num_classes, C]
};

TORCH_MODULE(ClassConditionalBatchNorm2d);

struct LinearConditionalBatchNorm2dOptions {
  LinearConditionalBatchNorm2dOptions(int64_t num_features, int64_t condition_dim)
      : num_features_(num_features), condition_dim_(condition_dim) {}
  TORCH_ARG(int64_t, num_features);
  TORCH_ARG(int64_t, condition_dim);
  // Spectrally normalized projections, as in BigGAN's G.
  TORCH_ARG(bool, spectral_norm) = true;
  TORCH_ARG(double, momentum) = 0.1;
  TORCH_ARG(double, eps) = 1e-5;
};

// (1 + gain(c)) * bn(x) + bias(c), gain and bias bias-free Linear (or SNLinear) layers
// condition_dim -> C, registered as "gain" and "bias".
class LinearConditionalBatchNorm2dImpl
    : public torch::nn::Cloneable<LinearConditionalBatchNorm2dImpl> {
 public:
  explicit LinearConditionalBatchNorm2dImpl(LinearConditionalBatchNorm2dOptions options);
  void reset() override;
  // x [N, C, H, W], condition [N, condition_dim] -> [N, C, H, W]
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& condition);

  LinearConditionalBatchNorm2dOptions options;
  BatchNorm bn{nullptr};
  torch::nn::AnyModule gain;  // torch::nn::Linear or gan::SNLinear
  torch::nn::AnyModule bias;
};

TORCH_MODULE(LinearConditionalBatchNorm2d);

}  // namespace gan

#endif  // GAN_NN_CONDITIONAL_BATCH_NORM_H_
