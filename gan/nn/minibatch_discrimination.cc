#include "gan/nn/minibatch_discrimination.h"

namespace gan {

MinibatchDiscriminationImpl::MinibatchDiscriminationImpl(MinibatchDiscriminationOptions options)
    : options(std::move(options)) {
  reset();
}

void MinibatchDiscriminationImpl::reset() {
  T = register_parameter(
      "T", torch::randn({options.in_features(), options.kernels() * options.kernel_dim()}) *
               options.init_std());
  if (options.form() == MinibatchDiscriminationForm::kImprovedGan) {
    bias = register_parameter("bias", torch::full({options.kernels()}, -1.0));
  }
}

torch::Tensor MinibatchDiscriminationImpl::forward(const torch::Tensor& features) {
  TORCH_CHECK(features.dim() == 2 && features.size(1) == options.in_features(),
              "MinibatchDiscrimination expects [N, ", options.in_features(), "], got ",
              features.sizes());
  const int64_t n = features.size(0);
  const torch::Tensor m = features.matmul(T).view({n, options.kernels(), options.kernel_dim()});
  // [N, 1, B, C] - [1, N, B, C] -> L1 over C -> [N, N, B].
  const torch::Tensor distances = (m.unsqueeze(1) - m.unsqueeze(0)).abs().sum(3);
  torch::Tensor o = torch::exp(-distances).sum(1);  // [N, B]
  if (options.form() == MinibatchDiscriminationForm::kImprovedGan) {
    o = o - 1 + bias;  // each sample's c_b with itself is exp(0) = 1
  }
  return torch::cat({features, o}, 1);
}

}  // namespace gan
