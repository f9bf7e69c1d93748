// The config's "precision" section: the number formats and memory layout a run computes
// in, read and validated here, where the updaters use them.
//
//   "precision": {"mixed_precision": "bf16", "channels_last": true}
//
//   mixed_precision  forward passes and losses under autocast: none (the default) | bf16
//                    (CPU with AVX-512 BF16, or CUDA) | fp16 (CUDA, with dynamic loss
//                    scaling); weights, gradients and optimizer state stay float32
//   channels_last    G, D and the batches in NHWC memory format: faster convolutions for
//                    large images (96x96), slower for 28x28 and 32x32
#ifndef GAN_TRAIN_PRECISION_SECTION_H_
#define GAN_TRAIN_PRECISION_SECTION_H_

#include "gan/core/config.h"
#include "gan/train/mixed_precision.h"

namespace gan {

struct PrecisionSection {
  MixedPrecision mixed_precision = MixedPrecision::kNone;
  bool channels_last = false;

  // float16 gradients underflow without loss scaling; bfloat16 has float32's range.
  bool loss_scaling() const { return mixed_precision == MixedPrecision::kFloat16; }
};

// Reads the section through `reader` (an absent section reads as the defaults: float32,
// contiguous), recording invalid values on it.
PrecisionSection ReadPrecisionSection(ConfigReader& reader);

}  // namespace gan

#endif  // GAN_TRAIN_PRECISION_SECTION_H_
