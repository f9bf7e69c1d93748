// A module's parameters and buffers as Python's torch.save writes a dict of tensors, so that
// torch.load(file) gives {name: tensor} with the module's own names (which an exported
// TorchScript module shares, so its load_state_dict takes the dict).
#ifndef GAN_EXPORT_STATE_DICT_H_
#define GAN_EXPORT_STATE_DICT_H_

#include <vector>

#include <torch/nn/module.h>

namespace gan {

// The bytes of the file (the zip format of torch.save); tensors are copied to the CPU.
std::vector<char> PickledStateDict(const torch::nn::Module& module);

}  // namespace gan

#endif  // GAN_EXPORT_STATE_DICT_H_
