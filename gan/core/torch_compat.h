// The one place that knows which LibTorch the toolkit is built against: Debian 12's 1.13,
// Debian 13's 2.6, Debian forky's 2.14 or a 2.x archive from the PyTorch site. Code
// elsewhere calls these instead of testing TORCH_VERSION_* itself.
//
//   optimizer.state()[gan::OptimizerStateKeyOf(parameter)] = std::move(state);
//   gan::SetAutocastEnabled(torch::kCPU, true);
#ifndef GAN_CORE_TORCH_COMPAT_H_
#define GAN_CORE_TORCH_COMPAT_H_

#include <cstddef>
#include <memory>
#include <type_traits>
#include <utility>

#include <ATen/autocast_mode.h>
#include <c10/core/Allocator.h>
#include <torch/csrc/autograd/function.h>
#include <torch/optim/optimizer.h>
#include <torch/version.h>

#if TORCH_VERSION_MAJOR < 2
#include <c10/util/variant.h>
#else
#include <variant>
#endif

namespace gan {

// The key of a parameter's entry in Optimizer::state(): its TensorImpl's address, printed
// into a string by 1.13 and kept as a pointer by 2.x.
using OptimizerStateKey =
    std::decay_t<decltype(std::declval<torch::optim::Optimizer&>().state())>::key_type;
OptimizerStateKey OptimizerStateKeyOf(const torch::Tensor& parameter);

// Whether the variant `value` (an option such as Conv2dOptions::padding_mode()) holds T:
// c10::variant in 1.13, std::variant in 2.x.
template <typename T, typename Variant>
bool HoldsAlternative(const Variant& value) {
#if TORCH_VERSION_MAJOR < 2
  return c10::holds_alternative<T>(value);
#else
  return std::holds_alternative<T>(value);
#endif
}

// Autocast state of one device type (CPU or CUDA): whether it is on, and its dtype.
bool IsAutocastEnabled(c10::DeviceType device_type);
void SetAutocastEnabled(c10::DeviceType device_type, bool enabled);
at::ScalarType AutocastDtype(c10::DeviceType device_type);
void SetAutocastDtype(c10::DeviceType device_type, at::ScalarType dtype);

// Makes c10d::TCPStoreOptions ask for the store's plain socket backend. 2.x defaults to a
// libuv one that Debian's build (and any built without libuv) refuses; 1.13 has only the
// plain one. (A template so that this header needs no c10d header.)
template <typename TcpStoreOptions>
void UsePlainTcpStore(TcpStoreOptions& options) {
#if TORCH_VERSION_MAJOR >= 2
  options.useLibUV = false;
#endif
}

// A c10::Allocator whose subclasses implement one hook, Allocate, on every version:
// allocate() is const in 1.13 and not in 2.x, and 2.x also asks for copy_data().
class AllocatorBase : public c10::Allocator {
 public:
#if TORCH_VERSION_MAJOR < 2
  c10::DataPtr allocate(size_t n) const final { return Allocate(n); }
#else
  c10::DataPtr allocate(size_t n) final { return Allocate(n); }
  void copy_data(void* dest, const void* src, size_t count) const final {
    default_copy_data(dest, src, count);
  }
#endif

 protected:
  virtual c10::DataPtr Allocate(size_t n) const = 0;
};

// Makes a custom autograd Node held the way this LibTorch holds them: a shared_ptr with
// deleteNode (which frees long graphs without deep recursion) before 2.14, an
// intrusive_ptr from 2.14 on.
template <typename NodeType, typename... Args>
auto MakeAutogradNode(Args&&... args) {
  if constexpr (std::is_base_of_v<c10::intrusive_ptr_target, torch::autograd::Node>) {
    return c10::make_intrusive<NodeType>(std::forward<Args>(args)...);
  } else {
    // Found by argument-dependent lookup when instantiated: 2.14 has no deleteNode.
    return std::shared_ptr<NodeType>(new NodeType(std::forward<Args>(args)...),
                                     [](NodeType* node) { deleteNode(node); });
  }
}

}  // namespace gan

#endif  // GAN_CORE_TORCH_COMPAT_H_
