// Reads modules, optimizer state and scalars from an archive that may be damaged or foreign,
// refusing anything that does not fit instead of handing it to LibTorch: another shape or
// dtype than the module's, less storage than the tensor's extent, a wrong type or count.
// LibTorch's Module::load and Optimizer::load take each stored tensor as it is (and
// Optimizer::load leaves half-read state behind when it throws), so a bad checkpoint would
// otherwise load "fine" and fail later, or corrupt memory, inside a kernel.
//
// Every load here is all or nothing: the target is changed only after everything was read
// and checked, so a failed load (say of the newest checkpoint) leaves the module or optimizer
// as it was, ready for the next attempt (an older checkpoint).
//
//   torch::serialize::InputArchive weights;
//   archive.read("generator", weights);
//   gan::LoadModuleStrictly(*generator, weights, "generator");  // throws c10::Error
#ifndef GAN_CORE_STRICT_LOAD_H_
#define GAN_CORE_STRICT_LOAD_H_

#include <cstdint>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/optim/optimizer.h>
#include <torch/serialize/archive.h>
#include <torch/types.h>

namespace gan {

// `what` names the module in errors ("generator"). Throws c10::Error naming the tensor,
// the stored and the expected shape or dtype. Values are copied into the module's own
// tensors.
void LoadModuleStrictly(torch::nn::Module& module, torch::serialize::InputArchive& archive,
                        const std::string& what);

// What TransferModuleWeights did: how many tensors it copied, and one line for each tensor
// it did not (kept at the module's initialization) and each stored tensor it had no
// place for.
struct WeightTransfer {
  int64_t copied = 0;
  std::vector<std::string> notes;
};

// The lenient counterpart of LoadModuleStrictly, for starting a new run from another's
// weights: copies every stored tensor that fits the module's tensor of the same name
// (shape, dtype, storage checked as above) and leaves the others as they are, saying so.
WeightTransfer TransferModuleWeights(torch::nn::Module& module,
                                     torch::serialize::InputArchive& archive,
                                     const std::string& what);

// Reads what Optimizer::save wrote for Adam, AdamW, RMSprop and SGD, without
// Optimizer::load: parameter counts per group, and each parameter's state (step, moments,
// momentum buffers) checked against the parameter's shape and dtype. The optimizer's state
// is then replaced as a whole; parameters without state in the archive get none.
void LoadOptimizerStrictly(torch::optim::Optimizer& optimizer,
                           torch::serialize::InputArchive& archive, const std::string& what);

// A tensor the archive must hold under `key`, with as much storage as its shape needs.
torch::Tensor ReadTensorStrictly(torch::serialize::InputArchive& archive, const std::string& key,
                                 const std::string& what);

// A one-element integer tensor under `key`.
int64_t ReadIntStrictly(torch::serialize::InputArchive& archive, const std::string& key,
                        const std::string& what);

}  // namespace gan

#endif  // GAN_CORE_STRICT_LOAD_H_
