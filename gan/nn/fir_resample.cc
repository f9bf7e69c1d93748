#include "gan/nn/fir_resample.h"

#include <vector>

namespace gan {
namespace {

// filter [kh, kw] as the weight [C, 1, kh, kw] of a depthwise convolution of `like`.
torch::Tensor Depthwise(const torch::Tensor& filter, int64_t channels, const torch::Tensor& like) {
  return filter.to(like.device(), like.scalar_type())
      .view({1, 1, filter.size(0), filter.size(1)})
      .expand({channels, 1, -1, -1})
      .contiguous();
}

}  // namespace

torch::Tensor Upfirdn2d(const torch::Tensor& x, const torch::Tensor& filter, int64_t up,
                        int64_t down, int64_t pad0, int64_t pad1) {
  TORCH_CHECK(x.dim() == 4, "Upfirdn2d: expected x [N, C, H, W], got ", x.sizes());
  TORCH_CHECK(filter.dim() == 2, "Upfirdn2d: expected a filter [kh, kw], got ", filter.sizes());
  TORCH_CHECK(up >= 1 && down >= 1 && pad0 >= 0 && pad1 >= 0,
              "Upfirdn2d: up and down must be >= 1 and the padding >= 0, got ", up, ", ", down,
              ", ", pad0, ", ", pad1);
  const int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  torch::Tensor y = x;
  if (up > 1) {
    // Each pixel followed by up - 1 zeros, in both directions.
    y = torch::constant_pad_nd(y.reshape({n, c, h, 1, w, 1}), {0, up - 1, 0, 0, 0, up - 1})
            .reshape({n, c, h * up, w * up});
  }
  y = torch::constant_pad_nd(y, {pad0, pad1, pad0, pad1});
  // Depthwise: every channel through the same filter, one group per channel.
  const torch::Tensor kernel = Depthwise(filter.flip({0, 1}), c, y);
  return torch::conv2d(y, kernel, /*bias=*/{}, /*stride=*/torch::IntArrayRef{down, down},
                       /*padding=*/torch::IntArrayRef{0, 0}, /*dilation=*/torch::IntArrayRef{1, 1},
                       /*groups=*/c);
}

torch::Tensor LowPassFilter(const torch::Tensor& like) {
  const torch::Tensor taps =
      torch::tensor({1.0, 3.0, 3.0, 1.0}, torch::TensorOptions().dtype(like.dtype()).device(like.device()));
  const torch::Tensor filter = torch::outer(taps, taps);
  return filter / filter.sum();
}

torch::Tensor UpsampleFir2x(const torch::Tensor& x) {
  // Upfirdn2d(x, 4 f, up 2, pads 2 and 1) as a transposed convolution of stride 2, which
  // inserts the zeros implicitly instead of convolving them (4x less work).
  TORCH_CHECK(x.dim() == 4, "UpsampleFir2x: expected [N, C, H, W], got ", x.sizes());
  return torch::conv_transpose2d(x, Depthwise(LowPassFilter(x) * 4, x.size(1), x), /*bias=*/{},
                                 /*stride=*/2, /*padding=*/1, /*output_padding=*/0,
                                 /*groups=*/x.size(1));
}

torch::Tensor DownsampleFir2x(const torch::Tensor& x) {
  TORCH_CHECK(x.dim() == 4 && x.size(2) % 2 == 0 && x.size(3) % 2 == 0,
              "DownsampleFir2x: expected [N, C, H, W] with H and W even, got ", x.sizes());
  return Upfirdn2d(x, LowPassFilter(x), /*up=*/1, /*down=*/2, /*pad0=*/1, /*pad1=*/1);
}

}  // namespace gan
