#include "gan/train/memory_format.h"

#include <torch/utils.h>

namespace gan {

void ToChannelsLast(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  for (auto& tensor : module.parameters()) tensor.set_data(ToChannelsLast(tensor.data()));
  for (auto& tensor : module.buffers()) tensor.set_data(ToChannelsLast(tensor.data()));
}

torch::Tensor ToChannelsLast(const torch::Tensor& tensor) {
  if (!tensor.defined() || tensor.dim() != 4) return tensor;
  return tensor.contiguous(torch::MemoryFormat::ChannelsLast);
}

}  // namespace gan
