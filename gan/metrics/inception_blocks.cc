#include "gan/metrics/inception_blocks.h"

#include <string>
#include <utility>

#include <torch/expanding_array.h>
#include <torch/nn/functional/pooling.h>
#include <torch/nn/module.h>

namespace gan {
namespace {

namespace F = torch::nn::functional;

// Conv options for a BasicConv2d with a kh x kw kernel (torchvision's kernel_size=(kh, kw),
// stride, padding=(ph, pw)).
torch::nn::Conv2dOptions ConvOptions(int64_t in, int64_t out, int64_t kh, int64_t kw,
                                     int64_t stride = 1, int64_t ph = 0, int64_t pw = 0) {
  return torch::nn::Conv2dOptions(in, out, torch::ExpandingArray<2>({kh, kw}))
      .stride(stride)
      .padding(torch::ExpandingArray<2>({ph, pw}))
      .bias(false);
}

BasicConv2d Add(torch::nn::Module& module, const std::string& name,
                torch::nn::Conv2dOptions options) {
  return module.register_module(name, BasicConv2d(std::move(options)));
}

}  // namespace

torch::Tensor TfAveragePool3x3(const torch::Tensor& x) {
  return F::avg_pool2d(
      x, F::AvgPool2dFuncOptions(3).stride(1).padding(1).count_include_pad(false));
}

BasicConv2dImpl::BasicConv2dImpl(torch::nn::Conv2dOptions options)
    : options(std::move(options)) {
  reset();
}

void BasicConv2dImpl::reset() {
  options.bias(false);
  conv = register_module("conv", torch::nn::Conv2d(options));
  bn = register_module("bn", torch::nn::BatchNorm2d(
                                 torch::nn::BatchNorm2dOptions(options.out_channels()).eps(0.001)));
}

torch::Tensor BasicConv2dImpl::forward(const torch::Tensor& x) {
  return torch::relu(bn(conv(x)));
}

FidInceptionAImpl::FidInceptionAImpl(int64_t in_channels, int64_t pool_features)
    : in_channels(in_channels), pool_features(pool_features) {
  reset();
}

void FidInceptionAImpl::reset() {
  const int64_t in = in_channels;
  branch1x1 = Add(*this, "branch1x1", ConvOptions(in, 64, 1, 1));
  branch5x5_1 = Add(*this, "branch5x5_1", ConvOptions(in, 48, 1, 1));
  branch5x5_2 = Add(*this, "branch5x5_2", ConvOptions(48, 64, 5, 5, 1, 2, 2));
  branch3x3dbl_1 = Add(*this, "branch3x3dbl_1", ConvOptions(in, 64, 1, 1));
  branch3x3dbl_2 = Add(*this, "branch3x3dbl_2", ConvOptions(64, 96, 3, 3, 1, 1, 1));
  branch3x3dbl_3 = Add(*this, "branch3x3dbl_3", ConvOptions(96, 96, 3, 3, 1, 1, 1));
  branch_pool = Add(*this, "branch_pool", ConvOptions(in, pool_features, 1, 1));
}

torch::Tensor FidInceptionAImpl::forward(const torch::Tensor& x) {
  const torch::Tensor b1 = branch1x1(x);
  const torch::Tensor b5 = branch5x5_2(branch5x5_1(x));
  const torch::Tensor b3 = branch3x3dbl_3(branch3x3dbl_2(branch3x3dbl_1(x)));
  const torch::Tensor bp = branch_pool(TfAveragePool3x3(x));
  return torch::cat({b1, b5, b3, bp}, 1);
}

InceptionBImpl::InceptionBImpl(int64_t in_channels) : in_channels(in_channels) { reset(); }

void InceptionBImpl::reset() {
  const int64_t in = in_channels;
  branch3x3 = Add(*this, "branch3x3", ConvOptions(in, 384, 3, 3, 2));
  branch3x3dbl_1 = Add(*this, "branch3x3dbl_1", ConvOptions(in, 64, 1, 1));
  branch3x3dbl_2 = Add(*this, "branch3x3dbl_2", ConvOptions(64, 96, 3, 3, 1, 1, 1));
  branch3x3dbl_3 = Add(*this, "branch3x3dbl_3", ConvOptions(96, 96, 3, 3, 2));
}

torch::Tensor InceptionBImpl::forward(const torch::Tensor& x) {
  const torch::Tensor b3 = branch3x3(x);
  const torch::Tensor b3dbl = branch3x3dbl_3(branch3x3dbl_2(branch3x3dbl_1(x)));
  const torch::Tensor bp = F::max_pool2d(x, F::MaxPool2dFuncOptions(3).stride(2));
  return torch::cat({b3, b3dbl, bp}, 1);
}

FidInceptionCImpl::FidInceptionCImpl(int64_t in_channels, int64_t channels_7x7)
    : in_channels(in_channels), channels_7x7(channels_7x7) {
  reset();
}

void FidInceptionCImpl::reset() {
  const int64_t in = in_channels;
  const int64_t c7 = channels_7x7;
  branch1x1 = Add(*this, "branch1x1", ConvOptions(in, 192, 1, 1));
  branch7x7_1 = Add(*this, "branch7x7_1", ConvOptions(in, c7, 1, 1));
  branch7x7_2 = Add(*this, "branch7x7_2", ConvOptions(c7, c7, 1, 7, 1, 0, 3));
  branch7x7_3 = Add(*this, "branch7x7_3", ConvOptions(c7, 192, 7, 1, 1, 3, 0));
  branch7x7dbl_1 = Add(*this, "branch7x7dbl_1", ConvOptions(in, c7, 1, 1));
  branch7x7dbl_2 = Add(*this, "branch7x7dbl_2", ConvOptions(c7, c7, 7, 1, 1, 3, 0));
  branch7x7dbl_3 = Add(*this, "branch7x7dbl_3", ConvOptions(c7, c7, 1, 7, 1, 0, 3));
  branch7x7dbl_4 = Add(*this, "branch7x7dbl_4", ConvOptions(c7, c7, 7, 1, 1, 3, 0));
  branch7x7dbl_5 = Add(*this, "branch7x7dbl_5", ConvOptions(c7, 192, 1, 7, 1, 0, 3));
  branch_pool = Add(*this, "branch_pool", ConvOptions(in, 192, 1, 1));
}

torch::Tensor FidInceptionCImpl::forward(const torch::Tensor& x) {
  const torch::Tensor b1 = branch1x1(x);
  const torch::Tensor b7 = branch7x7_3(branch7x7_2(branch7x7_1(x)));
  const torch::Tensor b7dbl = branch7x7dbl_5(
      branch7x7dbl_4(branch7x7dbl_3(branch7x7dbl_2(branch7x7dbl_1(x)))));
  const torch::Tensor bp = branch_pool(TfAveragePool3x3(x));
  return torch::cat({b1, b7, b7dbl, bp}, 1);
}

InceptionDImpl::InceptionDImpl(int64_t in_channels) : in_channels(in_channels) { reset(); }

void InceptionDImpl::reset() {
  const int64_t in = in_channels;
  branch3x3_1 = Add(*this, "branch3x3_1", ConvOptions(in, 192, 1, 1));
  branch3x3_2 = Add(*this, "branch3x3_2", ConvOptions(192, 320, 3, 3, 2));
  branch7x7x3_1 = Add(*this, "branch7x7x3_1", ConvOptions(in, 192, 1, 1));
  branch7x7x3_2 = Add(*this, "branch7x7x3_2", ConvOptions(192, 192, 1, 7, 1, 0, 3));
  branch7x7x3_3 = Add(*this, "branch7x7x3_3", ConvOptions(192, 192, 7, 1, 1, 3, 0));
  branch7x7x3_4 = Add(*this, "branch7x7x3_4", ConvOptions(192, 192, 3, 3, 2));
}

torch::Tensor InceptionDImpl::forward(const torch::Tensor& x) {
  const torch::Tensor b3 = branch3x3_2(branch3x3_1(x));
  const torch::Tensor b7 = branch7x7x3_4(branch7x7x3_3(branch7x7x3_2(branch7x7x3_1(x))));
  const torch::Tensor bp = F::max_pool2d(x, F::MaxPool2dFuncOptions(3).stride(2));
  return torch::cat({b3, b7, bp}, 1);
}

FidInceptionEImpl::FidInceptionEImpl(int64_t in_channels, InceptionEPool pool)
    : in_channels(in_channels), pool(pool) {
  reset();
}

void FidInceptionEImpl::reset() {
  const int64_t in = in_channels;
  branch1x1 = Add(*this, "branch1x1", ConvOptions(in, 320, 1, 1));
  branch3x3_1 = Add(*this, "branch3x3_1", ConvOptions(in, 384, 1, 1));
  branch3x3_2a = Add(*this, "branch3x3_2a", ConvOptions(384, 384, 1, 3, 1, 0, 1));
  branch3x3_2b = Add(*this, "branch3x3_2b", ConvOptions(384, 384, 3, 1, 1, 1, 0));
  branch3x3dbl_1 = Add(*this, "branch3x3dbl_1", ConvOptions(in, 448, 1, 1));
  branch3x3dbl_2 = Add(*this, "branch3x3dbl_2", ConvOptions(448, 384, 3, 3, 1, 1, 1));
  branch3x3dbl_3a = Add(*this, "branch3x3dbl_3a", ConvOptions(384, 384, 1, 3, 1, 0, 1));
  branch3x3dbl_3b = Add(*this, "branch3x3dbl_3b", ConvOptions(384, 384, 3, 1, 1, 1, 0));
  branch_pool = Add(*this, "branch_pool", ConvOptions(in, 192, 1, 1));
}

torch::Tensor FidInceptionEImpl::forward(const torch::Tensor& x) {
  const torch::Tensor b1 = branch1x1(x);
  const torch::Tensor b3_in = branch3x3_1(x);
  const torch::Tensor b3 = torch::cat({branch3x3_2a(b3_in), branch3x3_2b(b3_in)}, 1);
  const torch::Tensor b3dbl_in = branch3x3dbl_2(branch3x3dbl_1(x));
  const torch::Tensor b3dbl =
      torch::cat({branch3x3dbl_3a(b3dbl_in), branch3x3dbl_3b(b3dbl_in)}, 1);
  const torch::Tensor pooled =
      pool == InceptionEPool::kMax
          ? F::max_pool2d(x, F::MaxPool2dFuncOptions(3).stride(1).padding(1))
          : TfAveragePool3x3(x);
  const torch::Tensor bp = branch_pool(pooled);
  return torch::cat({b1, b3, b3dbl, bp}, 1);
}

}  // namespace gan
