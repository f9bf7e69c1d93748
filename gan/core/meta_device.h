// LibTorch's meta device (shapes, no data) for tests that run training steps on a device
// other than the CPU without a GPU: any CPU tensor that the code under test creates and
// mixes into the step fails with "Expected all tensors to be on the same device".
//
// Two things LibTorch's C++ library lacks are added here. Module::to refuses the meta
// device (Variable::set_data accepts only dense CPU/GPU tensors), so MoveToMetaDevice
// moves a module's tensors in place. And convolutions, BatchNorm and a few more ops (relu,
// abs, dot, index_select, where, logical_not, std, embedding backward) have no C++ meta
// kernels (PyTorch registers them in Python, torch/_meta_registrations.py): linking this
// target registers shape-only ones. Other ops without a meta kernel throw
// c10::NotImplementedError naming the op. For tests only.
//
//   gan::MoveToMetaDevice(*generator);   // then Module::to(kMeta) is a no-op
#ifndef GAN_CORE_META_DEVICE_H_
#define GAN_CORE_META_DEVICE_H_

#include <torch/nn/module.h>

namespace gan {

// Every parameter and buffer of `module` (and its children) onto the meta device, in
// place: references held elsewhere (submodules' fields, optimizers) see the move.
void MoveToMetaDevice(torch::nn::Module& module);

}  // namespace gan

#endif  // GAN_CORE_META_DEVICE_H_
