#include "gan/nn/pixel_norm.h"

namespace gan {

torch::Tensor PixelNorm(const torch::Tensor& x, double eps) {
  TORCH_CHECK(x.dim() >= 2, "PixelNorm expects [N, C, ...], got ", x.sizes());
  return x * torch::rsqrt(x.square().mean(/*dim=*/1, /*keepdim=*/true) + eps);
}

}  // namespace gan
