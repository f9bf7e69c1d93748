#include "gan/nn/minibatch_stddev.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace gan {

torch::Tensor MinibatchStdDev(const torch::Tensor& x, int64_t group_size, double eps) {
  TORCH_CHECK(x.dim() == 4, "MinibatchStdDev expects [N, C, H, W], got ", x.sizes());
  TORCH_CHECK(group_size >= 1, "MinibatchStdDev: group_size must be >= 1, got ", group_size);
  const int64_t n = x.size(0), c = x.size(1), h = x.size(2), w = x.size(3);
  TORCH_CHECK(n >= 1, "MinibatchStdDev needs a non-empty batch");
  const int64_t g = std::min(group_size, n);
  TORCH_CHECK(n % g == 0, "MinibatchStdDev: batch size N = ", n,
              " is not divisible by the group size G = ", g);
  const int64_t groups = n / g;
  const torch::Tensor y = x.reshape({g, groups, c, h, w});
  const torch::Tensor variance = (y - y.mean(0, /*keepdim=*/true)).square().mean(0);
  const torch::Tensor stddev = (variance + eps).sqrt().mean({1, 2, 3});  // [groups]
  // Tiling [groups] G times puts group i % groups at row i, matching the reshape above.
  const torch::Tensor channel = stddev.view({groups, 1, 1, 1}).repeat({g, 1, h, w});
  return torch::cat({x, channel}, 1);
}

absl::Status CheckMinibatchStdDevGroups(int64_t group_size, int64_t batch_size) {
  if (batch_size <= group_size || batch_size % group_size == 0) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "must be a multiple of ", group_size, " (the discriminator's minibatch standard deviation "
      "takes groups of ", group_size, "), got ", batch_size));
}

}  // namespace gan
