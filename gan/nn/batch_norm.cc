#include "gan/nn/batch_norm.h"

#include <memory>
#include <utility>
#include <vector>

#include <torch/csrc/autograd/function.h>
#include <torch/torch.h>

#include "gan/core/torch_compat.h"

namespace gan {
namespace {

thread_local const SumOverRanks* current_sum = nullptr;

torch::Tensor DifferentiableSumOverRanks(const torch::Tensor& local, const SumOverRanks& sum);

// The backward of y = sum over ranks of x: every rank's loss depends on every rank's x, so
// x's gradient is the sum over ranks of y's gradients. It is differentiable in turn (a
// gradient penalty's double backward passes through it).
class SumOverRanksBackward : public torch::autograd::Node {
 public:
  explicit SumOverRanksBackward(SumOverRanks sum) : sum_(std::move(sum)) {}
  torch::autograd::variable_list apply(torch::autograd::variable_list&& gradients) override {
    return {DifferentiableSumOverRanks(gradients[0], sum_)};
  }

 private:
  SumOverRanks sum_;
};

torch::Tensor DifferentiableSumOverRanks(const torch::Tensor& local, const SumOverRanks& sum) {
  torch::Tensor global;
  {
    torch::NoGradGuard no_grad;
    global = sum(local.detach().contiguous());
  }
  if (torch::GradMode::is_enabled() && local.requires_grad()) {
    auto backward = MakeAutogradNode<SumOverRanksBackward>(sum);
    backward->set_next_edges(torch::autograd::collect_next_edges(local));
    torch::autograd::create_gradient_edge(global, std::move(backward));
  }
  return global;
}

}  // namespace

SynchronizedBatchNormScope::SynchronizedBatchNormScope(SumOverRanks sum)
    : sum_(std::move(sum)), enclosing_(current_sum) {
  current_sum = sum_ ? &sum_ : nullptr;
}

SynchronizedBatchNormScope::~SynchronizedBatchNormScope() { current_sum = enclosing_; }

BatchNormImpl::BatchNormImpl(torch::nn::BatchNormOptions options) : options(std::move(options)) {
  reset();
}

// Registered in LibTorch's order, with its names and initial values.
void BatchNormImpl::reset() {
  const int64_t c = options.num_features();
  if (options.affine()) {
    weight = register_parameter("weight", torch::ones({c}));
    bias = register_parameter("bias", torch::zeros({c}));
  } else {
    weight = register_parameter("weight", torch::Tensor(), /*requires_grad=*/false);
    bias = register_parameter("bias", torch::Tensor(), /*requires_grad=*/false);
  }
  if (options.track_running_stats()) {
    running_mean = register_buffer("running_mean", torch::zeros({c}));
    running_var = register_buffer("running_var", torch::ones({c}));
    num_batches_tracked = register_buffer("num_batches_tracked", torch::tensor(0, torch::kLong));
  } else {
    running_mean = register_buffer("running_mean", torch::Tensor());
    running_var = register_buffer("running_var", torch::Tensor());
    num_batches_tracked = register_buffer("num_batches_tracked", torch::Tensor());
  }
}

void BatchNormImpl::pretty_print(std::ostream& stream) const {
  stream << "gan::BatchNorm(" << options.num_features() << ", eps=" << options.eps()
         << ", momentum=" << options.momentum().value_or(-1) << ", affine=" << options.affine()
         << ", track_running_stats=" << options.track_running_stats() << ")";
}

torch::Tensor BatchNormImpl::forward(const torch::Tensor& input) {
  TORCH_CHECK(input.dim() >= 2 && input.size(1) == options.num_features(),
              "BatchNorm expects [N, ", options.num_features(), ", ...], got ", input.sizes());
  TORCH_CHECK(!is_training() || input.numel() / options.num_features() > 1,
              "Expected more than 1 value per channel when training, got input size ",
              input.sizes());
  // LibTorch's BatchNorm: momentum, or with none a cumulative average over the batches.
  double momentum = options.momentum().value_or(0.0);
  if (is_training() && options.track_running_stats()) {
    num_batches_tracked += 1;
    if (!options.momentum()) momentum = 1.0 / num_batches_tracked.item<double>();
  }
  if (is_training() && current_sum != nullptr) {
    return SynchronizedForward(input, *current_sum, momentum);
  }
  return torch::batch_norm(input, weight, bias, running_mean, running_var,
                           is_training() || !options.track_running_stats(), momentum,
                           options.eps(), at::globalContext().userEnabledCuDNN());
}

torch::Tensor BatchNormImpl::SynchronizedForward(const torch::Tensor& input,
                                                 const SumOverRanks& sum, double momentum) {
  const int64_t c = options.num_features();
  const torch::Tensor x = input.to(torch::promote_types(input.scalar_type(), torch::kFloat));
  std::vector<int64_t> reduced = {0};
  for (int64_t d = 2; d < x.dim(); ++d) reduced.push_back(d);
  std::vector<int64_t> shape(x.dim(), 1);
  shape[1] = c;
  // Two passes, each one sum over the ranks: the mean, then the squares about it (a
  // variance as E[x^2] - E[x]^2 would cancel away when the mean is large next to the spread).
  const torch::Tensor sums = DifferentiableSumOverRanks(
      torch::cat({x.sum(reduced), torch::full({1}, static_cast<double>(x.numel() / c), x.options())}),
      sum);
  const torch::Tensor count = sums.slice(0, c);
  const torch::Tensor mean = sums.slice(0, 0, c) / count;
  const torch::Tensor centred = x - mean.view(shape);
  const torch::Tensor variance =
      DifferentiableSumOverRanks(centred.square().sum(reduced), sum) / count;
  if (options.track_running_stats()) {
    torch::NoGradGuard no_grad;
    const double n = count.item<double>();
    running_mean.mul_(1 - momentum).add_(mean.detach().to(running_mean.dtype()), momentum);
    running_var.mul_(1 - momentum)
        .add_(variance.detach().to(running_var.dtype()) * (n / std::max(n - 1, 1.0)), momentum);
  }
  torch::Tensor y = centred * torch::rsqrt(variance.view(shape) + options.eps());
  if (options.affine()) y = y * weight.view(shape) + bias.view(shape);
  return y.to(input.scalar_type());
}

}  // namespace gan
