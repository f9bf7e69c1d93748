// Generates images for looking at or measuring, without side effects on the generator:
// no autograd, BatchNorm with running statistics (eval) or with the batch's own
// statistics (train mode, as PyTorch scripts that never call eval() make them), and afterwards the generator's
// mode and buffers (running statistics, spectral-norm vectors) are as they were.
//
//   torch::Tensor images = gan::GenerateImages(*g, z, labels, /*batch_statistics=*/false);
#ifndef GAN_NETWORKS_GENERATE_H_
#define GAN_NETWORKS_GENERATE_H_

#include "gan/networks/gan_modules.h"

namespace gan {

torch::Tensor GenerateImages(GeneratorModule& generator, const torch::Tensor& z,
                             const torch::Tensor& labels, bool batch_statistics);

}  // namespace gan

#endif  // GAN_NETWORKS_GENERATE_H_
