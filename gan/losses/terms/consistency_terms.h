// The consistency regularizers "cr", "bcr" and "zcr" (consistency_terms.cc, where their
// formulas and options are) register themselves; this header gives their image
// transform, for tests and for programs that show it.
#ifndef GAN_LOSSES_TERMS_CONSISTENCY_TERMS_H_
#define GAN_LOSSES_TERMS_CONSISTENCY_TERMS_H_

#include <torch/types.h>

namespace gan {

// The transform T of CR and bCR, with fresh random draws per image: a horizontal flip
// with probability 1/2, then a shift of each axis by a whole number of pixels uniform in
// [-floor(r * side), floor(r * side)] (r = translation_ratio), mirroring the image at its
// edges (PyTorch-StudioGAN's transform for CR).
torch::Tensor ConsistencyTransform(const torch::Tensor& images, double translation_ratio);

}  // namespace gan

#endif  // GAN_LOSSES_TERMS_CONSISTENCY_TERMS_H_
