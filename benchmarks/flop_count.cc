#include "benchmarks/flop_count.h"

#include <ATen/record_function.h>

#include <cstring>
#include <memory>

#include <torch/utils.h>

namespace gan {
namespace {

// The recording in progress on this thread (RecordFunction callbacks are plain function
// pointers, so their state lives here).
struct Recording {
  std::vector<ProductOp>* ops = nullptr;
  int depth = 0;  // counted ops entered and not yet left
};
thread_local Recording recording;

bool IsCountedOp(const char* name) {
  for (const char* counted :
       {"aten::convolution", "aten::linear", "aten::addmm", "aten::mm", "aten::bmm"}) {
    if (std::strcmp(name, counted) == 0) return true;
  }
  return false;
}

bool NeedsGrad(const c10::IValue& value) {
  return value.isTensor() && value.toTensor().requires_grad() && torch::GradMode::is_enabled();
}

// MACs of aten::convolution(input, weight, bias, stride, padding, dilation, transposed,
// output_padding, groups).
int64_t ConvolutionMacs(c10::ArrayRef<const c10::IValue> in) {
  const torch::Tensor& input = in[0].toTensor();
  const torch::Tensor& weight = in[1].toTensor();
  const bool transposed = in[6].toBool();
  // weight.numel() = C_out * C_in/groups * prod(k) (conv) or C_in * C_out/groups * prod(k)
  // (transposed): the MACs per output pixel (conv) or per input pixel (transposed).
  int64_t macs = input.size(0) * weight.numel();
  const std::vector<int64_t> stride = in[3].toIntVector();
  const std::vector<int64_t> padding = in[4].toIntVector();
  const std::vector<int64_t> dilation = in[5].toIntVector();
  for (int64_t i = 2; i < input.dim(); ++i) {
    const size_t s = static_cast<size_t>(i - 2);
    if (transposed) {
      macs *= input.size(i);
    } else {
      const int64_t extent = dilation[s] * (weight.size(i) - 1) + 1;
      macs *= (input.size(i) + 2 * padding[s] - extent) / stride[s] + 1;
    }
  }
  return macs;
}

ProductOp MakeOp(const at::RecordFunction& fn) {
  const c10::ArrayRef<const c10::IValue> in = fn.inputs();
  ProductOp op;
  op.name = fn.name();
  if (op.name == "aten::convolution") {
    op.macs = ConvolutionMacs(in);
    op.input_grad = NeedsGrad(in[0]);
    op.weight_grad = NeedsGrad(in[1]);
  } else if (op.name == "aten::linear") {  // (input [..., in], weight [out, in], bias)
    op.macs = in[0].toTensor().numel() * in[1].toTensor().size(0);
    op.input_grad = NeedsGrad(in[0]);
    op.weight_grad = NeedsGrad(in[1]);
  } else {
    // addmm(bias, mat1, mat2) / mm(mat1, mat2) / bmm(mat1, mat2): [B,] M x K times K x N.
    const size_t first = op.name == "aten::addmm" ? 1 : 0;
    const torch::Tensor& a = in[first].toTensor();
    const torch::Tensor& b = in[first + 1].toTensor();
    op.macs = a.numel() * b.size(-1);
    op.input_grad = NeedsGrad(in[first]);
    op.weight_grad = NeedsGrad(in[first + 1]);
  }
  return op;
}

std::unique_ptr<at::ObserverContext> OnEnter(const at::RecordFunction& fn) {
  if (recording.ops != nullptr && IsCountedOp(fn.name())) {
    if (recording.depth++ == 0) recording.ops->push_back(MakeOp(fn));
  }
  return nullptr;
}

void OnLeave(const at::RecordFunction& fn, at::ObserverContext* /*context*/) {
  if (recording.ops != nullptr && IsCountedOp(fn.name())) --recording.depth;
}

// Sets requires_grad on every parameter of a module and restores the old flags.
class FreezeGuard {
 public:
  explicit FreezeGuard(torch::nn::Module& module) : parameters_(module.parameters()) {
    for (auto& p : parameters_) {
      flags_.push_back(p.requires_grad());
      p.requires_grad_(false);
    }
  }
  ~FreezeGuard() {
    for (size_t i = 0; i < parameters_.size(); ++i) parameters_[i].requires_grad_(flags_[i]);
  }

 private:
  std::vector<torch::Tensor> parameters_;
  std::vector<bool> flags_;
};

// Puts a module in eval mode and restores its training flag.
class EvalGuard {
 public:
  explicit EvalGuard(torch::nn::Module& module) : module_(module), training_(module.is_training()) {
    module_.eval();
  }
  ~EvalGuard() { module_.train(training_); }

 private:
  torch::nn::Module& module_;
  bool training_;
};

}  // namespace

std::vector<ProductOp> RecordProducts(const std::function<void()>& forward) {
  TORCH_CHECK(recording.ops == nullptr, "RecordProducts does not nest");
  std::vector<ProductOp> ops;
  recording = Recording{&ops, 0};
  const at::CallbackHandle handle = at::addThreadLocalCallback(
      at::RecordFunctionCallback(&OnEnter, &OnLeave)
          .needsInputs(true)
          .scopes({at::RecordScope::FUNCTION}));
  struct Cleanup {
    at::CallbackHandle handle;
    ~Cleanup() {
      at::removeCallback(handle);
      recording = Recording{};
    }
  } cleanup{handle};
  forward();
  return ops;
}

int64_t ForwardFlops(const std::vector<ProductOp>& ops) {
  int64_t flops = 0;
  for (const ProductOp& op : ops) flops += 2 * op.macs;
  return flops;
}

int64_t BackwardFlops(const std::vector<ProductOp>& ops) {
  int64_t flops = 0;
  for (const ProductOp& op : ops) flops += 2 * op.macs * (op.input_grad + op.weight_grad);
  return flops;
}

IterationFlops CountIterationFlops(GeneratorModule& generator, DiscriminatorModule& discriminator,
                                   int64_t batch_size) {
  EvalGuard g_eval(generator);
  EvalGuard d_eval(discriminator);
  torch::AutoGradMode grad_mode(true);
  const auto parameters = generator.parameters();
  const torch::Device device = parameters.empty() ? torch::kCPU : parameters.front().device();
  const torch::Tensor z = generator.SampleLatent(batch_size, device);
  torch::Tensor images;
  const std::vector<ProductOp> g_ops = RecordProducts([&] { images = generator.forward(z); });
  images = images.detach();
  const std::vector<ProductOp> d_ops = RecordProducts([&] { discriminator.forward(images); });
  std::vector<ProductOp> frozen_d_ops;
  {
    FreezeGuard frozen(discriminator);
    const torch::Tensor fakes = images.clone().requires_grad_(true);
    frozen_d_ops = RecordProducts([&] { discriminator.forward(fakes); });
  }
  IterationFlops flops;
  flops.g_forward = ForwardFlops(g_ops);
  flops.g_backward = BackwardFlops(g_ops);
  flops.d_forward = ForwardFlops(d_ops);
  flops.d_backward_d_step = BackwardFlops(d_ops);
  flops.d_backward_g_step = BackwardFlops(frozen_d_ops);
  return flops;
}

}  // namespace gan
