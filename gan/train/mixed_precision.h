// Mixed precision for training steps: LibTorch's autocast, bfloat16 on the CPU (fast on
// CPUs with AVX-512 BF16) and float16 or bfloat16 on CUDA. Inside a scope, matmuls and
// convolutions run in the low-precision type and precision-sensitive ops (reductions,
// losses) in float32; parameters and gradients stay float32. Backward runs outside.
//
//   {
//     gan::AutocastScope autocast(device, gan::MixedPrecision::kBfloat16);
//     loss = loss_fn(d(g(z)));
//   }
//   loss.backward();
#ifndef GAN_TRAIN_MIXED_PRECISION_H_
#define GAN_TRAIN_MIXED_PRECISION_H_

#include <string>

#include <torch/types.h>

namespace gan {

enum class MixedPrecision { kNone, kBfloat16, kFloat16 };

// "none", "bf16" or "fp16"; false for anything else.
bool ParseMixedPrecision(const std::string& name, MixedPrecision* precision);

// Enables autocast for `device` for the scope's lifetime (nothing for kNone). float16 on
// the CPU is refused (c10::Error): LibTorch's CPU autocast supports bfloat16 only.
class AutocastScope {
 public:
  AutocastScope(const torch::Device& device, MixedPrecision precision);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool active_ = false;
  bool cuda_ = false;
  bool was_enabled_ = false;
  at::ScalarType previous_dtype_ = at::kBFloat16;
};

}  // namespace gan

#endif  // GAN_TRAIN_MIXED_PRECISION_H_
