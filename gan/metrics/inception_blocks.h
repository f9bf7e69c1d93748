// The blocks of the TF-ported InceptionV3 "FID variant" (pytorch-fid's fid_inception_v3(),
// built on torchvision's Inception3): BasicConv2d and the mixed blocks A-E. Submodule
// names equal torchvision's attribute names, so a network built from these blocks has the
// state-dict keys of the Python model ("Mixed_5b.branch5x5_1.conv.weight", ...).
//
// The FID variant differs from torchvision's blocks in the pool branches, which follow the
// TF graph: A, C and the first E average-pool without counting the zero padding
// (count_include_pad = false); the second E (Mixed_7c) max-pools instead.
//
//   gan::FidInceptionA mixed_5b(/*in_channels=*/192, /*pool_features=*/32);
//   torch::Tensor y = mixed_5b(x);  // [N, 192, 35, 35] -> [N, 256, 35, 35]
#ifndef GAN_METRICS_INCEPTION_BLOCKS_H_
#define GAN_METRICS_INCEPTION_BLOCKS_H_

#include <cstdint>

#include <torch/nn/cloneable.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/conv.h>
#include <torch/types.h>

namespace gan {

// conv (no bias) -> BatchNorm (eps 0.001) -> ReLU, as torchvision's BasicConv2d. The
// options' bias setting is ignored (always false).
class BasicConv2dImpl : public torch::nn::Cloneable<BasicConv2dImpl> {
 public:
  explicit BasicConv2dImpl(torch::nn::Conv2dOptions options);
  void reset() override;
  torch::Tensor forward(const torch::Tensor& x);

  torch::nn::Conv2dOptions options;
  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d bn{nullptr};
};
TORCH_MODULE(BasicConv2d);

// pytorch-fid's FIDInceptionA: 1x1 (64) | 1x1 (48) -> 5x5 (64) | 1x1 (64) -> 3x3 (96) ->
// 3x3 (96) | avg_pool 3x3 (count_include_pad = false) -> 1x1 (pool_features).
// Output channels: 224 + pool_features; spatial size kept.
class FidInceptionAImpl : public torch::nn::Cloneable<FidInceptionAImpl> {
 public:
  FidInceptionAImpl(int64_t in_channels, int64_t pool_features);
  void reset() override;
  torch::Tensor forward(const torch::Tensor& x);

  int64_t in_channels;
  int64_t pool_features;
  BasicConv2d branch1x1{nullptr};
  BasicConv2d branch5x5_1{nullptr};
  BasicConv2d branch5x5_2{nullptr};
  BasicConv2d branch3x3dbl_1{nullptr};
  BasicConv2d branch3x3dbl_2{nullptr};
  BasicConv2d branch3x3dbl_3{nullptr};
  BasicConv2d branch_pool{nullptr};
};
TORCH_MODULE(FidInceptionA);

// torchvision's InceptionB (Mixed_6a, unpatched): 3x3 stride 2 (384) | 1x1 (64) -> 3x3 (96)
// -> 3x3 stride 2 (96) | max_pool 3x3 stride 2. Output: 480 + in_channels, (H - 3) / 2 + 1.
class InceptionBImpl : public torch::nn::Cloneable<InceptionBImpl> {
 public:
  explicit InceptionBImpl(int64_t in_channels);
  void reset() override;
  torch::Tensor forward(const torch::Tensor& x);

  int64_t in_channels;
  BasicConv2d branch3x3{nullptr};
  BasicConv2d branch3x3dbl_1{nullptr};
  BasicConv2d branch3x3dbl_2{nullptr};
  BasicConv2d branch3x3dbl_3{nullptr};
};
TORCH_MODULE(InceptionB);

// pytorch-fid's FIDInceptionC: 1x1 (192) | 1x1 (c7) -> 1x7 (c7) -> 7x1 (192) | 1x1 (c7) ->
// 7x1 -> 1x7 -> 7x1 (c7) -> 1x7 (192) | avg_pool 3x3 (count_include_pad = false) -> 1x1
// (192). Output: 768 channels, spatial size kept.
class FidInceptionCImpl : public torch::nn::Cloneable<FidInceptionCImpl> {
 public:
  FidInceptionCImpl(int64_t in_channels, int64_t channels_7x7);
  void reset() override;
  torch::Tensor forward(const torch::Tensor& x);

  int64_t in_channels;
  int64_t channels_7x7;
  BasicConv2d branch1x1{nullptr};
  BasicConv2d branch7x7_1{nullptr};
  BasicConv2d branch7x7_2{nullptr};
  BasicConv2d branch7x7_3{nullptr};
  BasicConv2d branch7x7dbl_1{nullptr};
  BasicConv2d branch7x7dbl_2{nullptr};
  BasicConv2d branch7x7dbl_3{nullptr};
  BasicConv2d branch7x7dbl_4{nullptr};
  BasicConv2d branch7x7dbl_5{nullptr};
  BasicConv2d branch_pool{nullptr};
};
TORCH_MODULE(FidInceptionC);

// torchvision's InceptionD (Mixed_7a, unpatched): 1x1 (192) -> 3x3 stride 2 (320) | 1x1
// (192) -> 1x7 -> 7x1 -> 3x3 stride 2 (192) | max_pool 3x3 stride 2. Output: 512 +
// in_channels, (H - 3) / 2 + 1.
class InceptionDImpl : public torch::nn::Cloneable<InceptionDImpl> {
 public:
  explicit InceptionDImpl(int64_t in_channels);
  void reset() override;
  torch::Tensor forward(const torch::Tensor& x);

  int64_t in_channels;
  BasicConv2d branch3x3_1{nullptr};
  BasicConv2d branch3x3_2{nullptr};
  BasicConv2d branch7x7x3_1{nullptr};
  BasicConv2d branch7x7x3_2{nullptr};
  BasicConv2d branch7x7x3_3{nullptr};
  BasicConv2d branch7x7x3_4{nullptr};
};
TORCH_MODULE(InceptionD);

// Which pool the E block's pool branch uses: pytorch-fid's FIDInceptionE_1 (Mixed_7b)
// average-pools without counting padding, FIDInceptionE_2 (Mixed_7c) max-pools (as the TF
// graph does).
enum class InceptionEPool { kAverage, kMax };

// pytorch-fid's FIDInceptionE_1 / _2: 1x1 (320) | 1x1 (384) -> [1x3 (384), 3x1 (384)] |
// 1x1 (448) -> 3x3 (384) -> [1x3 (384), 3x1 (384)] | pool 3x3 stride 1 pad 1 -> 1x1 (192).
// Output: 2048 channels, spatial size kept.
class FidInceptionEImpl : public torch::nn::Cloneable<FidInceptionEImpl> {
 public:
  FidInceptionEImpl(int64_t in_channels, InceptionEPool pool);
  void reset() override;
  torch::Tensor forward(const torch::Tensor& x);

  int64_t in_channels;
  InceptionEPool pool;
  BasicConv2d branch1x1{nullptr};
  BasicConv2d branch3x3_1{nullptr};
  BasicConv2d branch3x3_2a{nullptr};
  BasicConv2d branch3x3_2b{nullptr};
  BasicConv2d branch3x3dbl_1{nullptr};
  BasicConv2d branch3x3dbl_2{nullptr};
  BasicConv2d branch3x3dbl_3a{nullptr};
  BasicConv2d branch3x3dbl_3b{nullptr};
  BasicConv2d branch_pool{nullptr};
};
TORCH_MODULE(FidInceptionE);

// avg_pool2d(kernel 3, stride 1, padding 1, count_include_pad = false): TF's average pool,
// which divides by the number of real (non-padding) inputs.
torch::Tensor TfAveragePool3x3(const torch::Tensor& x);

}  // namespace gan

#endif  // GAN_METRICS_INCEPTION_BLOCKS_H_
