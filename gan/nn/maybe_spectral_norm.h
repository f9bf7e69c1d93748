// Conv and linear layers with or without spectral normalization behind one type, so a
// network takes SN as a switch (SNGAN puts it in D, SAGAN and BigGAN in both G and D).
//
//   torch::nn::AnyModule conv = gan::MakeConv2d(torch::nn::Conv2dOptions(64, 64, 3).padding(1),
//                                               /*spectral_norm=*/true);
//   torch::Tensor y = conv.forward(x);
#ifndef GAN_NN_MAYBE_SPECTRAL_NORM_H_
#define GAN_NN_MAYBE_SPECTRAL_NORM_H_

#include <torch/nn/module.h>
#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/types.h>

namespace gan {

torch::nn::AnyModule MakeConv2d(const torch::nn::Conv2dOptions& options, bool spectral_norm);
torch::nn::AnyModule MakeLinear(const torch::nn::LinearOptions& options, bool spectral_norm);

// Initializes the weight of every conv and linear layer in `module`, `module` itself
// included (plain or spectrally normalized), with Xavier-uniform of the given gain
// (SNGAN's choice) and zeroes their biases; embeddings and normalization gains are left
// alone.
void XavierInitLayers(torch::nn::Module& module, double gain = 1.0);

}  // namespace gan

#endif  // GAN_NN_MAYBE_SPECTRAL_NORM_H_
