#include "gan/train/mixed_precision.h"

#include <ATen/autocast_mode.h>

#include "gan/core/torch_compat.h"

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
  const c10::DeviceType type = cuda_ ? c10::DeviceType::CUDA : c10::DeviceType::CPU;
  was_enabled_ = IsAutocastEnabled(type);
  previous_dtype_ = AutocastDtype(type);
  SetAutocastDtype(type, dtype);
  SetAutocastEnabled(type, true);
  at::autocast::increment_nesting();
  active_ = true;
}

AutocastScope::~AutocastScope() {
  if (!active_) return;
  // As torch.autocast's __exit__: the cast cache lives until the outermost scope ends.
  if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
  const c10::DeviceType type = cuda_ ? c10::DeviceType::CUDA : c10::DeviceType::CPU;
  SetAutocastEnabled(type, was_enabled_);
  SetAutocastDtype(type, previous_dtype_);
}

}  // namespace gan
