// Loads modules and optimizers from an archive, refusing tensors that do not fit: another
// shape or dtype than the module's, or less storage than the tensor's extent. LibTorch's
// Module::load and Optimizer::load take each stored tensor as it is, so a foreign or
// damaged checkpoint would otherwise load "fine" and fail later deep inside a kernel.
//
//   torch::serialize::InputArchive weights;
//   archive.read("generator", weights);
//   gan::LoadModuleStrictly(*generator, weights, "generator");  // throws c10::Error
#ifndef GAN_TRAIN_STRICT_LOAD_H_
#define GAN_TRAIN_STRICT_LOAD_H_

#include <string>

#include <torch/torch.h>

namespace gan {

// `what` names the module in errors ("generator"). Throws c10::Error naming the tensor,
// the stored and the expected shape or dtype; the module may then be partly loaded.
void LoadModuleStrictly(torch::nn::Module& module, torch::serialize::InputArchive& archive,
                        const std::string& what);

// Optimizer::load, then checks that the per-parameter state of Adam, AdamW, RMSprop and
// SGD (moments, momentum buffers) matches each parameter's shape and dtype.
void LoadOptimizerStrictly(torch::optim::Optimizer& optimizer,
                           torch::serialize::InputArchive& archive, const std::string& what);

}  // namespace gan

#endif  // GAN_TRAIN_STRICT_LOAD_H_
