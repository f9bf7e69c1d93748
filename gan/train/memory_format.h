// Channels-last (NHWC) memory format for convolutional networks. oneDNN's CPU convolutions
// work in NHWC internally, so NCHW tensors are reordered on the way in and out of every
// convolution; keeping weights, activations and gradients channels-last skips those
// reorders (and suits cuDNN's tensor-core kernels on CUDA). Shapes and values do not change,
// only strides: everything else (checkpoints, EMA, sampling) works on either format.
//
//   gan::ToChannelsLast(*generator);
//   images = gan::ToChannelsLast(images);
#ifndef GAN_TRAIN_MEMORY_FORMAT_H_
#define GAN_TRAIN_MEMORY_FORMAT_H_

#include <torch/nn/module.h>
#include <torch/types.h>

namespace gan {

// Makes every 4-D parameter and buffer of `module` channels-last, in place (the tensors
// keep their identity, so optimizers built before or after see the same parameters).
void ToChannelsLast(torch::nn::Module& module);

// A 4-D tensor in channels-last format; any other tensor as it is.
torch::Tensor ToChannelsLast(const torch::Tensor& tensor);

}  // namespace gan

#endif  // GAN_TRAIN_MEMORY_FORMAT_H_
