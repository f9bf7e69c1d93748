#include "gan/networks/resnet/residual_blocks.h"

#include <torch/nn/functional/pooling.h>
#include <torch/nn/functional/upsampling.h>

#include "gan/nn/batch_norm.h"
#include "gan/nn/conditional_batch_norm.h"
#include "gan/nn/maybe_spectral_norm.h"

namespace gan {
namespace {

namespace F = torch::nn::functional;

torch::Tensor Upsample(const torch::Tensor& x) {
  return F::interpolate(x, F::InterpolateFuncOptions()
                               .scale_factor(std::vector<double>{2.0, 2.0})
                               .mode(torch::kNearest));
}

torch::Tensor Downsample(const torch::Tensor& x) { return F::avg_pool2d(x, F::AvgPool2dFuncOptions(2)); }

torch::nn::Conv2dOptions Conv(int64_t in, int64_t out, int64_t kernel) {
  return torch::nn::Conv2dOptions(in, out, kernel).padding(kernel / 2);
}

}  // namespace

GeneratorBlockImpl::GeneratorBlockImpl(GeneratorBlockOptions options) : options_(options) {
  const int64_t in = options.in_channels(), out = options.out_channels();
  auto norm = [&](int64_t channels) -> torch::nn::AnyModule {
    switch (options.conditioning()) {
      case BlockConditioning::kClass:
        TORCH_CHECK(options.num_classes() > 0, "GeneratorBlock: class conditioning needs num_classes > 0");
        return torch::nn::AnyModule(ClassConditionalBatchNorm2d(
            ClassConditionalBatchNorm2dOptions(channels, options.num_classes())));
      case BlockConditioning::kLinear:
        TORCH_CHECK(options.condition_dim() > 0, "GeneratorBlock: linear conditioning needs condition_dim > 0");
        return torch::nn::AnyModule(LinearConditionalBatchNorm2d(
            LinearConditionalBatchNorm2dOptions(channels, options.condition_dim())
                .spectral_norm(options.spectral_norm())));
      default:
        return torch::nn::AnyModule(BatchNorm(channels));
    }
  };
  norm1_ = norm(in);
  norm2_ = norm(out);
  conv1_ = MakeConv2d(Conv(in, out, 3), options.spectral_norm());
  conv2_ = MakeConv2d(Conv(out, out, 3), options.spectral_norm());
  register_module("norm1", norm1_.ptr());
  register_module("conv1", conv1_.ptr());
  register_module("norm2", norm2_.ptr());
  register_module("conv2", conv2_.ptr());
  if (in != out || options.upsample()) {
    shortcut_ = MakeConv2d(Conv(in, out, 1), options.spectral_norm());
    register_module("shortcut", shortcut_.ptr());
  }
}

torch::Tensor GeneratorBlockImpl::Normalize(int index, const torch::Tensor& x,
                                            const torch::Tensor& labels,
                                            const torch::Tensor& condition) {
  torch::nn::AnyModule& norm = index == 1 ? norm1_ : norm2_;
  switch (options_.conditioning()) {
    case BlockConditioning::kClass:
      TORCH_CHECK(labels.defined(), "GeneratorBlock: class-conditional BatchNorm needs labels");
      return norm.forward(x, labels);
    case BlockConditioning::kLinear:
      TORCH_CHECK(condition.defined(), "GeneratorBlock: conditional BatchNorm needs a condition");
      return norm.forward(x, condition);
    default:
      return norm.forward(x);
  }
}

torch::Tensor GeneratorBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& labels,
                                          const torch::Tensor& condition) {
  torch::Tensor h = torch::relu(Normalize(1, x, labels, condition));
  if (options_.upsample()) h = Upsample(h);
  h = conv1_.forward(h);
  h = torch::relu(Normalize(2, h, labels, condition));
  h = conv2_.forward(h);
  torch::Tensor skip = options_.upsample() ? Upsample(x) : x;
  if (!shortcut_.is_empty()) skip = shortcut_.forward(skip);
  return h + skip;
}

DiscriminatorBlockImpl::DiscriminatorBlockImpl(DiscriminatorBlockOptions options)
    : options_(options),
      learnable_shortcut_(options.in_channels() != options.out_channels() ||
                          options.downsample() || options.first()) {
  const int64_t in = options.in_channels(), out = options.out_channels();
  const int64_t hidden = options.hidden_from_input() && !options.first() ? in : out;
  conv1_ = MakeConv2d(Conv(in, hidden, 3), options.spectral_norm());
  conv2_ = MakeConv2d(Conv(hidden, out, 3), options.spectral_norm());
  register_module("conv1", conv1_.ptr());
  register_module("conv2", conv2_.ptr());
  if (learnable_shortcut_) {
    shortcut_ = MakeConv2d(Conv(in, out, 1), options.spectral_norm());
    register_module("shortcut", shortcut_.ptr());
  }
}

torch::Tensor DiscriminatorBlockImpl::forward(const torch::Tensor& x) {
  // The first block sees the image itself, so no ReLU in front (SNGAN's OptimizedBlock).
  torch::Tensor h = options_.first() ? x : torch::relu(x);
  h = conv2_.forward(torch::relu(conv1_.forward(h)));
  if (options_.downsample()) h = Downsample(h);
  torch::Tensor skip = x;
  if (options_.first()) {
    // Pooling first is cheaper and equal for a 1x1 conv.
    if (options_.downsample()) skip = Downsample(skip);
    skip = shortcut_.forward(skip);
  } else if (learnable_shortcut_) {
    skip = shortcut_.forward(skip);
    if (options_.downsample()) skip = Downsample(skip);
  }
  return h + skip;
}

}  // namespace gan
