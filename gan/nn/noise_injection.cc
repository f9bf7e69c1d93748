#include "gan/nn/noise_injection.h"

namespace gan {

NoiseInjectionImpl::NoiseInjectionImpl(int64_t channels_) : channels(channels_) { reset(); }

void NoiseInjectionImpl::reset() {
  TORCH_CHECK(channels > 0, "NoiseInjection: channels must be positive, got ", channels);
  weight = register_parameter("weight", torch::zeros({channels}));
}

torch::Tensor NoiseInjectionImpl::forward(const torch::Tensor& x, const torch::Tensor& noise) {
  TORCH_CHECK(x.dim() == 4 && x.size(1) == channels, "NoiseInjection expects x [N, ", channels,
              ", H, W], got ", x.sizes());
  const int64_t n = x.size(0), h = x.size(2), w = x.size(3);
  torch::Tensor z = noise;
  if (!z.defined()) {
    z = torch::randn({n, 1, h, w}, x.options());
  } else {
    TORCH_CHECK(z.dim() == 4 && (z.size(0) == n || z.size(0) == 1) && z.size(1) == 1 &&
                    z.size(2) == h && z.size(3) == w,
                "NoiseInjection expects noise [", n, " or 1, 1, ", h, ", ", w, "], got ",
                z.sizes());
  }
  return x + weight.view({1, channels, 1, 1}) * z;
}

}  // namespace gan
