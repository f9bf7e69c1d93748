#include "gan/train/mixed_precision.h"

#include <ATen/autocast_mode.h>

namespace gan {

bool ParseMixedPrecision(const std::string& name, MixedPrecision* precision) {
  if (name == "none") {
    *precision = MixedPrecision::kNone;
  } else if (name == "bf16") {
    *precision = MixedPrecision::kBfloat16;
  } else if (name == "fp16") {
    *precision = MixedPrecision::kFloat16;
  } else {
    return false;
  }
  return true;
}

AutocastScope::AutocastScope(const torch::Device& device, MixedPrecision precision) {
  if (precision == MixedPrecision::kNone) return;
  cuda_ = device.is_cuda();
  TORCH_CHECK(cuda_ || precision == MixedPrecision::kBfloat16,
              "mixed precision fp16 needs a CUDA device; on the CPU use bf16");
  const at::ScalarType dtype = precision == MixedPrecision::kBfloat16 ? at::kBFloat16 : at::kHalf;
  if (cuda_) {
    was_enabled_ = at::autocast::is_enabled();
    previous_dtype_ = at::autocast::get_autocast_gpu_dtype();
    at::autocast::set_autocast_gpu_dtype(dtype);
    at::autocast::set_enabled(true);
  } else {
    was_enabled_ = at::autocast::is_cpu_enabled();
    previous_dtype_ = at::autocast::get_autocast_cpu_dtype();
    at::autocast::set_autocast_cpu_dtype(dtype);
    at::autocast::set_cpu_enabled(true);
  }
  at::autocast::increment_nesting();
  active_ = true;
}

AutocastScope::~AutocastScope() {
  if (!active_) return;
  // As torch.autocast's __exit__: the cast cache lives until the outermost scope ends.
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  if (cuda_) {
    at::autocast::set_enabled(was_enabled_);
    at::autocast::set_autocast_gpu_dtype(previous_dtype_);
  } else {
    at::autocast::set_cpu_enabled(was_enabled_);
    at::autocast::set_autocast_cpu_dtype(previous_dtype_);
  }
}

}  // namespace gan
