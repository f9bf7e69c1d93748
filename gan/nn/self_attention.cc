#include "gan/nn/self_attention.h"

#include <algorithm>
#include <utility>

#include "gan/nn/spectral_norm.h"

namespace gan {
namespace {

torch::nn::AnyModule Conv1x1(int64_t in, int64_t out, bool spectral_norm) {
  const auto options = torch::nn::Conv2dOptions(in, out, 1).bias(false);
  if (spectral_norm) return torch::nn::AnyModule(SNConv2d(options));
  return torch::nn::AnyModule(torch::nn::Conv2d(options));
}

}  // namespace

SelfAttentionImpl::SelfAttentionImpl(SelfAttentionOptions options)
    : options(std::move(options)) {
  reset();
}

void SelfAttentionImpl::reset() {
  const int64_t c = options.channels();
  TORCH_CHECK(c > 0, "SelfAttention needs channels > 0");
  const int64_t key_channels = std::max<int64_t>(c / 8, 1);
  const int64_t value_channels = std::max<int64_t>(c / 2, 1);
  const bool sn = options.spectral_norm();
  f = Conv1x1(c, key_channels, sn);
  g = Conv1x1(c, key_channels, sn);
  h = Conv1x1(c, value_channels, sn);
  o = Conv1x1(value_channels, c, sn);
  register_module("f", f.ptr());
  register_module("g", g.ptr());
  register_module("h", h.ptr());
  register_module("o", o.ptr());
  gamma = register_parameter("gamma", torch::zeros({}));
  last_attention_ = torch::Tensor();
}

torch::Tensor SelfAttentionImpl::forward(const torch::Tensor& x) {
  TORCH_CHECK(x.dim() == 4 && x.size(1) == options.channels(), "SelfAttention expects [N, ",
              options.channels(), ", H, W], got ", x.sizes());
  const int64_t n = x.size(0);
  const int64_t height = x.size(2);
  const int64_t width = x.size(3);
  torch::Tensor query = f.forward(x);
  torch::Tensor key = g.forward(x);
  torch::Tensor value = h.forward(x);
  if (options.pool_keys()) {
    key = torch::max_pool2d(key, 2);
    value = torch::max_pool2d(value, 2);
  }
  query = query.flatten(2);  // [N, C/8, HW]
  key = key.flatten(2);      // [N, C/8, HW_keys]
  value = value.flatten(2);  // [N, C/2, HW_keys]
  // [N, HW, HW_keys], normalized over the key positions.
  const torch::Tensor attention = torch::softmax(torch::bmm(query.transpose(1, 2), key), -1);
  last_attention_ = attention.detach();
  const torch::Tensor attended =
      torch::bmm(value, attention.transpose(1, 2)).view({n, value.size(1), height, width});
  return x + gamma * o.forward(attended);
}

}  // namespace gan
