#include "gan/networks/truncation.h"

#include <torch/utils.h>

namespace gan {
namespace {

// Redraws the out-of-range components of `z` in place. Each round draws only as many
// values as are rejected, in a fixed order, so a seed gives the same result every time.
void ResampleOutside(torch::Tensor& z, double threshold) {
  torch::NoGradGuard no_grad;
  for (torch::Tensor outside = z.abs() > threshold; outside.any().item<bool>();
       outside = z.abs() > threshold) {
    const int64_t count = outside.sum().item<int64_t>();
    z.masked_scatter_(outside, torch::randn({count}, z.options()));
  }
}

}  // namespace

torch::Tensor TruncatedNormal(at::IntArrayRef shape, double threshold,
                              const torch::TensorOptions& options) {
  TORCH_CHECK(at::isFloatingType(c10::typeMetaToScalarType(options.dtype())),
              "TruncatedNormal: needs a floating-point dtype, got ", options.dtype());
  torch::Tensor z = torch::randn(shape, options.requires_grad(false));
  if (threshold > 0) ResampleOutside(z, threshold);
  // Latent optimization wants a leaf that requires grad; set it only after resampling.
  return z.requires_grad_(options.requires_grad());
}

torch::Tensor TruncateLatent(torch::Tensor z, double threshold) {
  TORCH_CHECK(z.defined() && at::isFloatingType(z.scalar_type()),
              "TruncateLatent: needs a defined floating-point tensor");
  torch::Tensor out = z.detach().clone();
  if (threshold > 0) ResampleOutside(out, threshold);
  return out;
}

}  // namespace gan
