// Input checks shared by the metrics that take feature matrices.
#ifndef GAN_METRICS_FEATURE_CHECKS_H_
#define GAN_METRICS_FEATURE_CHECKS_H_

#include <torch/types.h>

namespace gan {

// `t` must be a defined, floating [N, d] tensor with d > 0; errors name `caller` and `name`.
inline void CheckFeatures(const torch::Tensor& t, const char* name, const char* caller) {
  TORCH_CHECK(t.defined(), caller, ": ", name, " features are undefined");
  TORCH_CHECK(t.dim() == 2 && t.size(1) > 0, caller, ": ", name, " features must be [N, d], got ",
              t.sizes());
  TORCH_CHECK(at::isFloatingType(t.scalar_type()), caller, ": ", name,
              " features must be floating point, got ", t.scalar_type());
}

}  // namespace gan

#endif  // GAN_METRICS_FEATURE_CHECKS_H_
