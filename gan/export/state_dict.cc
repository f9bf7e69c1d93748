#include "gan/export/state_dict.h"

#include <string>

#include <torch/csrc/jit/serialization/pickle.h>
#include <torch/torch.h>

namespace gan {

std::vector<char> PickledStateDict(const torch::nn::Module& module) {
  c10::Dict<std::string, torch::Tensor> tensors;
  for (const auto& item : module.named_parameters()) tensors.insert(item.key(), item.value().detach().cpu());
  for (const auto& item : module.named_buffers()) tensors.insert(item.key(), item.value().cpu());
  return torch::jit::pickle_save(c10::IValue(tensors));
}

}  // namespace gan
