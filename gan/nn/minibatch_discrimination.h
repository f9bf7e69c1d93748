// Minibatch discrimination (Salimans et al. 2016): lets D look at a whole batch, so a
// generator that collapses to few modes is easy to spot. For features f(x_i) in R^A and
// a learned tensor T in R^{A x B x C}:
//   M_i = f(x_i) T in R^{B x C},  c_b(x_i, x_j) = exp(-||M_{i,b} - M_{j,b}||_1),
// and the layer returns [f(x_i), o(x_i)] (A + B features), in one of two forms:
//   kPaper       o(x_i)_b = sum_j c_b(x_i, x_j), j over the whole batch, i itself
//                included (its c_b is 1), as the paper's formula reads;
//   kImprovedGan o(x_i)_b = sum_{j != i} c_b(x_i, x_j) + bias_b, as the authors' released
//                code (openai/improved-gan, MinibatchLayer: 1e6 added to the diagonal of
//                the distances) computes it, with a learned bias per kernel starting at
//                its constructor's -1 (the code then sets it by a data-dependent
//                initialization, which this layer does not have).
//
//   gan::MinibatchDiscrimination mbd(gan::MinibatchDiscriminationOptions(512, 32, 8));
//   torch::Tensor with_batch_features = mbd(features);   // [N, 512 + 32]
#ifndef GAN_NN_MINIBATCH_DISCRIMINATION_H_
#define GAN_NN_MINIBATCH_DISCRIMINATION_H_

#include <cstdint>

#include <torch/nn/cloneable.h>
#include <torch/types.h>

namespace gan {

enum class MinibatchDiscriminationForm { kPaper, kImprovedGan };

struct MinibatchDiscriminationOptions {
  MinibatchDiscriminationOptions(int64_t in_features, int64_t kernels, int64_t kernel_dim)
      : in_features_(in_features), kernels_(kernels), kernel_dim_(kernel_dim) {}
  TORCH_ARG(int64_t, in_features);  // A
  TORCH_ARG(int64_t, kernels);      // B
  TORCH_ARG(int64_t, kernel_dim);   // C
  TORCH_ARG(double, init_std) = 0.02;
  TORCH_ARG(MinibatchDiscriminationForm, form) = MinibatchDiscriminationForm::kPaper;
};

class MinibatchDiscriminationImpl : public torch::nn::Cloneable<MinibatchDiscriminationImpl> {
 public:
  explicit MinibatchDiscriminationImpl(MinibatchDiscriminationOptions options);
  void reset() override;
  // [N, A] -> [N, A + B]
  torch::Tensor forward(const torch::Tensor& features);

  MinibatchDiscriminationOptions options;
  torch::Tensor T;     // [A, B * C]
  torch::Tensor bias;  // [B], kImprovedGan only
};

TORCH_MODULE(MinibatchDiscrimination);

}  // namespace gan

#endif  // GAN_NN_MINIBATCH_DISCRIMINATION_H_
