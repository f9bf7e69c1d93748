// Tensors by name as Python's torch.save writes a dict of them, so that torch.load(file)
// gives {name: tensor}, also with torch.load's weights_only default of PyTorch 2.6 (plain
// dicts only: LibTorch's own pickle_save tags typed dicts with a function that
// weights_only refuses). A module's parameters and buffers under its own names are what an
// exported TorchScript module shares, so its load_state_dict takes the dict.
#ifndef GAN_EXPORT_STATE_DICT_H_
#define GAN_EXPORT_STATE_DICT_H_

#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/types.h>

namespace gan {

// The bytes of the file (the zip format of torch.save); tensors are copied to the CPU.
std::vector<char> PickledTensors(const std::vector<std::pair<std::string, torch::Tensor>>& tensors);

// The module's parameters and buffers (named_parameters, then named_buffers).
std::vector<char> PickledStateDict(const torch::nn::Module& module);

}  // namespace gan

#endif  // GAN_EXPORT_STATE_DICT_H_
