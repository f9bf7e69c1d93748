// SAGAN's self-attention block (Zhang et al. 2019): every position attends to every other,
// letting G and D relate distant regions that convolutions only see locally.
//   f = query (1x1 conv C -> C/8), g = key (C -> C/8), h = value (C -> C/2), o = C/2 -> C
//   attention[n, i, j] = softmax_j(f(x)_i . g(x)_j),   out = x + gamma * o(h(x) attention^T)
// gamma starts at 0, so the block starts as the identity and learns how much to attend.
//
//   gan::SelfAttention attention(gan::SelfAttentionOptions(256).pool_keys(true));
//   torch::Tensor y = attention(x);   // x [N, 256, H, W] -> [N, 256, H, W]
#ifndef GAN_NN_SELF_ATTENTION_H_
#define GAN_NN_SELF_ATTENTION_H_

#include <cstdint>

#include <torch/nn/cloneable.h>
#include <torch/nn/modules/container/any.h>
#include <torch/types.h>

namespace gan {

struct SelfAttentionOptions {
  explicit SelfAttentionOptions(int64_t channels) : channels_(channels) {}
  TORCH_ARG(int64_t, channels);
  // Bias-free SNConv2d for f, g, h, o (SAGAN, BigGAN); plain bias-free Conv2d otherwise.
  TORCH_ARG(bool, spectral_norm) = true;
  // 2x2 max pooling of keys and values (BigGAN): 4x fewer key positions. H and W should
  // be even; odd sizes drop the last row/column from the keys.
  TORCH_ARG(bool, pool_keys) = false;
};

class SelfAttentionImpl : public torch::nn::Cloneable<SelfAttentionImpl> {
 public:
  explicit SelfAttentionImpl(SelfAttentionOptions options);
  void reset() override;
  // [N, C, H, W] -> [N, C, H, W]
  torch::Tensor forward(const torch::Tensor& x);
  // The attention of the last forward, detached: [N, H*W, key positions], rows sum to 1.
  torch::Tensor last_attention() const { return last_attention_; }

  SelfAttentionOptions options;
  torch::nn::AnyModule f;  // query, C -> max(C/8, 1); torch::nn::Conv2d or gan::SNConv2d
  torch::nn::AnyModule g;  // key,   C -> max(C/8, 1)
  torch::nn::AnyModule h;  // value, C -> max(C/2, 1)
  torch::nn::AnyModule o;  // output, max(C/2, 1) -> C
  torch::Tensor gamma;     // scalar, initialized to 0

 private:
  torch::Tensor last_attention_;
};

TORCH_MODULE(SelfAttention);

}  // namespace gan

#endif  // GAN_NN_SELF_ATTENTION_H_
