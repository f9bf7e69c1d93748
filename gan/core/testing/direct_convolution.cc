#include "gan/core/testing/direct_convolution.h"

#include <algorithm>

#include <torch/torch.h>

namespace gan {
namespace {

double RelativeError(const torch::Tensor& actual, const torch::Tensor& expected) {
  const double scale = expected.abs().max().item<double>();
  const double error = (actual.to(torch::kDouble) - expected).abs().max().item<double>();
  return scale > 0 ? error / scale : error;
}

int64_t OutputSize(const ConvolutionShape& s) {
  return s.transposed ? (s.size - 1) * s.stride - 2 * s.padding + s.kernel
                      : (s.size + 2 * s.padding - s.kernel) / s.stride + 1;
}

}  // namespace

double ConvolutionErrors::Max() const {
  return std::max({output, input_gradient, weight_gradient});
}

ConvolutionErrors CompareWithDirectLoops(const ConvolutionShape& s, uint64_t seed) {
  torch::manual_seed(seed);
  const int64_t out = OutputSize(s);
  const auto f64 = torch::TensorOptions().dtype(torch::kDouble);
  const torch::Tensor x = torch::randn({s.batch, s.in_channels, s.size, s.size}, f64);
  // LibTorch's layouts: [out, in, k, k] for a convolution, [in, out, k, k] transposed.
  const torch::Tensor w =
      s.transposed ? torch::randn({s.in_channels, s.out_channels, s.kernel, s.kernel}, f64)
                   : torch::randn({s.out_channels, s.in_channels, s.kernel, s.kernel}, f64);
  const torch::Tensor g = torch::randn({s.batch, s.out_channels, out, out}, f64);
  torch::Tensor y = torch::zeros_like(g), dx = torch::zeros_like(x), dw = torch::zeros_like(w);

  // Every (input pixel, kernel tap, output pixel) pair the convolution connects, once.
  const double *xp = x.data_ptr<double>(), *wp = w.data_ptr<double>(), *gp = g.data_ptr<double>();
  double *yp = y.data_ptr<double>(), *dxp = dx.data_ptr<double>(), *dwp = dw.data_ptr<double>();
  const int64_t k = s.kernel;
  for (int64_t n = 0; n < s.batch; ++n) {
    for (int64_t o = 0; o < s.out_channels; ++o) {
      for (int64_t c = 0; c < s.in_channels; ++c) {
        for (int64_t kh = 0; kh < k; ++kh) {
          for (int64_t kw = 0; kw < k; ++kw) {
            const int64_t wi = s.transposed ? ((c * s.out_channels + o) * k + kh) * k + kw
                                            : ((o * s.in_channels + c) * k + kh) * k + kw;
            for (int64_t a = 0; a < (s.transposed ? s.size : out); ++a) {
              for (int64_t b = 0; b < (s.transposed ? s.size : out); ++b) {
                // (a, b) walks the output of a convolution, the input of a transposed one.
                const int64_t ih = s.transposed ? a : a * s.stride - s.padding + kh;
                const int64_t iw = s.transposed ? b : b * s.stride - s.padding + kw;
                const int64_t oh = s.transposed ? a * s.stride - s.padding + kh : a;
                const int64_t ow = s.transposed ? b * s.stride - s.padding + kw : b;
                if (ih < 0 || ih >= s.size || iw < 0 || iw >= s.size) continue;
                if (oh < 0 || oh >= out || ow < 0 || ow >= out) continue;
                const int64_t xi = ((n * s.in_channels + c) * s.size + ih) * s.size + iw;
                const int64_t yi = ((n * s.out_channels + o) * out + oh) * out + ow;
                yp[yi] += xp[xi] * wp[wi];
                dxp[xi] += gp[yi] * wp[wi];
                dwp[wi] += gp[yi] * xp[xi];
              }
            }
          }
        }
      }
    }
  }

  const torch::Tensor xf = x.to(torch::kFloat).requires_grad_();
  const torch::Tensor wf = w.to(torch::kFloat).requires_grad_();
  const torch::Tensor yf =
      s.transposed ? torch::conv_transpose2d(xf, wf, {}, s.stride, s.padding)
                   : torch::conv2d(xf, wf, {}, s.stride, s.padding);
  yf.backward(g.to(torch::kFloat));
  ConvolutionErrors errors;
  errors.output = RelativeError(yf, y);
  errors.input_gradient = RelativeError(xf.grad(), dx);
  errors.weight_gradient = RelativeError(wf.grad(), dw);
  return errors;
}

std::vector<ConvolutionShape> GanConvolutionShapes() {
  return {
      // ResNet blocks at width 2-16: 3x3 convolutions and 1x1 shortcuts.
      {2, 2, 2, 32, 3, 1, 1, false},
      {2, 4, 4, 8, 3, 1, 1, false},
      {2, 8, 8, 16, 3, 1, 1, false},
      {2, 16, 8, 12, 3, 1, 1, false},
      {2, 64, 64, 16, 3, 1, 1, false},
      {2, 3, 4, 16, 1, 1, 0, false},
      {2, 16, 32, 4, 1, 1, 0, false},
      // DCGAN: latent to 4x4, 2x upsampling, and D's strided convolutions.
      {2, 16, 32, 1, 4, 1, 0, true},
      {2, 32, 16, 8, 4, 2, 1, true},
      {2, 8, 1, 16, 4, 2, 1, true},
      {2, 1, 16, 32, 4, 2, 1, false},
      {2, 32, 1, 4, 4, 1, 0, false},
  };
}

std::string Describe(const ConvolutionShape& s) {
  return std::string(s.transposed ? "transposed conv " : "conv ") + std::to_string(s.batch) +
         "x" + std::to_string(s.in_channels) + "->" + std::to_string(s.out_channels) + " " +
         std::to_string(s.size) + "px k" + std::to_string(s.kernel) + " s" +
         std::to_string(s.stride) + " p" + std::to_string(s.padding);
}

}  // namespace gan
