#include "gan/core/meta_device.h"

#include <array>
#include <tuple>
#include <vector>

#include <ATen/ExpandUtils.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/core/stack.h>
#include <torch/library.h>
#include <torch/utils.h>

namespace gan {
namespace {

// Output shape of a convolution (transposed or not) as torch.nn.functional defines it.
std::vector<int64_t> ConvolutionOutputShape(at::IntArrayRef input, at::IntArrayRef weight,
                                            at::IntArrayRef stride, at::IntArrayRef padding,
                                            at::IntArrayRef dilation, bool transposed,
                                            at::IntArrayRef output_padding, int64_t groups) {
  std::vector<int64_t> shape{input[0], transposed ? weight[1] * groups : weight[0]};
  for (size_t d = 2; d < input.size(); ++d) {
    const int64_t extent = dilation[d - 2] * (weight[d] - 1) + 1;
    shape.push_back(transposed ? (input[d] - 1) * stride[d - 2] - 2 * padding[d - 2] + extent +
                                     output_padding[d - 2]
                               : (input[d] + 2 * padding[d - 2] - extent) / stride[d - 2] + 1);
  }
  return shape;
}

at::Tensor Convolution(const at::Tensor& input, const at::Tensor& weight,
                       const c10::optional<at::Tensor>& bias, at::IntArrayRef stride,
                       at::IntArrayRef padding, at::IntArrayRef dilation, bool transposed,
                       at::IntArrayRef output_padding, int64_t groups) {
  return at::empty(ConvolutionOutputShape(input.sizes(), weight.sizes(), stride, padding,
                                          dilation, transposed, output_padding, groups),
                   input.options());
}

std::tuple<at::Tensor, at::Tensor, at::Tensor> ConvolutionBackward(
    const at::Tensor& grad_output, const at::Tensor& input, const at::Tensor& weight,
    at::IntArrayRef stride, at::IntArrayRef padding, at::IntArrayRef dilation, bool transposed,
    at::IntArrayRef output_padding, int64_t groups, std::array<bool, 3> output_mask) {
  return {output_mask[0] ? at::empty_like(input) : at::Tensor(),
          output_mask[1] ? at::empty_like(weight) : at::Tensor(),
          output_mask[2] ? at::empty({grad_output.size(1)}, grad_output.options())
                         : at::Tensor()};
}

// Output, saved mean, saved inverse std.
std::tuple<at::Tensor, at::Tensor, at::Tensor> BatchNorm(
    const at::Tensor& input, const c10::optional<at::Tensor>& weight,
    const c10::optional<at::Tensor>& bias, const c10::optional<at::Tensor>& running_mean,
    const c10::optional<at::Tensor>& running_var, bool training, double momentum, double eps) {
  const int64_t channels = input.size(1);
  return {at::empty_like(input), at::empty({channels}, input.options()),
          at::empty({channels}, input.options())};
}

std::tuple<at::Tensor, at::Tensor, at::Tensor> BatchNormBackward(
    const at::Tensor& grad_output, const at::Tensor& input, const c10::optional<at::Tensor>& weight,
    const c10::optional<at::Tensor>& running_mean, const c10::optional<at::Tensor>& running_var,
    const c10::optional<at::Tensor>& save_mean, const c10::optional<at::Tensor>& save_invstd,
    bool train, double eps, std::array<bool, 3> output_mask) {
  const int64_t channels = input.size(1);
  return {output_mask[0] ? at::empty_like(input) : at::Tensor(),
          output_mask[1] ? at::empty({channels}, input.options()) : at::Tensor(),
          output_mask[2] ? at::empty({channels}, input.options()) : at::Tensor()};
}

// Elementwise ops keep their input's shape.
at::Tensor SameShape(const at::Tensor& self) { return at::empty_like(self); }

at::Tensor Dot(const at::Tensor& self, const at::Tensor& other) {
  return at::empty({}, self.options());
}

at::Tensor IndexSelect(const at::Tensor& self, int64_t dim, const at::Tensor& index) {
  std::vector<int64_t> shape = self.sizes().vec();
  if (!shape.empty()) shape[dim < 0 ? dim + shape.size() : dim] = index.numel();
  return at::empty(shape, self.options());
}

at::Tensor Where(const at::Tensor& condition, const at::Tensor& self, const at::Tensor& other) {
  return at::empty(at::infer_size(at::infer_size(condition.sizes(), self.sizes()), other.sizes()),
                   self.options().dtype(at::promote_types(self.scalar_type(), other.scalar_type())));
}

// Shape of a reduction over `dims` (every dimension when none are given).
std::vector<int64_t> ReducedShape(at::IntArrayRef sizes, const std::vector<int64_t>& dims,
                                  bool keepdim) {
  const int64_t rank = static_cast<int64_t>(sizes.size());
  std::vector<bool> reduced(rank, dims.empty());
  for (int64_t d : dims) reduced[d < 0 ? d + rank : d] = true;
  std::vector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    if (!reduced[d]) {
      shape.push_back(sizes[d]);
    } else if (keepdim) {
      shape.push_back(1);
    }
  }
  return shape;
}

// std.correction(Tensor self, int[1]? dim, *, correction, bool keepdim). Boxed, because
// `correction` is an int in LibTorch 1.13 and a Scalar in 2.x.
void StdCorrection(const c10::OperatorHandle&, torch::jit::Stack* stack) {
  const at::Tensor self = torch::jit::peek(stack, 0, 4).toTensor();
  const c10::IValue& dim = torch::jit::peek(stack, 1, 4);
  const bool keepdim = torch::jit::peek(stack, 3, 4).toBool();
  const std::vector<int64_t> dims = dim.isNone() ? std::vector<int64_t>{} : dim.toIntVector();
  const std::vector<int64_t> shape = ReducedShape(self.sizes(), dims, keepdim);
  torch::jit::drop(stack, 4);
  torch::jit::push(stack, at::empty(shape, self.options()));
}

// embedding_dense_backward(grad_output, indices, num_weights, padding_idx, scale_grad_by_freq):
// the gradient of the whole [num_weights, dim] table. Boxed: num_weights is a SymInt in 2.x.
void EmbeddingDenseBackward(const c10::OperatorHandle&, torch::jit::Stack* stack) {
  const at::Tensor grad_output = torch::jit::peek(stack, 0, 5).toTensor();
  const int64_t num_weights = torch::jit::peek(stack, 2, 5).toInt();
  torch::jit::drop(stack, 5);
  torch::jit::push(stack, at::empty({num_weights, grad_output.size(-1)}, grad_output.options()));
}

at::Tensor LogicalNot(const at::Tensor& self) {
  return at::empty_like(self, self.options().dtype(at::kBool));
}

}  // namespace

void MoveToMetaDevice(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  auto move = [](torch::Tensor& t) {
    const torch::Tensor moved = t.to(torch::Device(torch::kMeta));
    // What Variable::set_data does after its check that both are dense tensors.
    t.unsafeGetTensorImpl()->shallow_copy_from(moved.getIntrusivePtr());
  };
  for (torch::Tensor& t : module.parameters()) move(t);
  for (torch::Tensor& t : module.buffers()) move(t);
}

TORCH_LIBRARY_IMPL(aten, Meta, m) {
  m.impl("convolution_overrideable", Convolution);
  m.impl("convolution_backward_overrideable", ConvolutionBackward);
  m.impl("native_batch_norm", BatchNorm);
  m.impl("native_batch_norm_backward", BatchNormBackward);
  m.impl("relu", SameShape);
  m.impl("abs", SameShape);
  m.impl("dot", Dot);
  m.impl("index_select", IndexSelect);
  m.impl("where.self", Where);
  m.impl("logical_not", LogicalNot);
  m.impl("std.correction", torch::CppFunction::makeFromBoxedFunction<&StdCorrection>());
  m.impl("embedding_dense_backward",
         torch::CppFunction::makeFromBoxedFunction<&EmbeddingDenseBackward>());
}

}  // namespace gan
