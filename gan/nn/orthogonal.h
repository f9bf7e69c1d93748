// BigGAN's orthogonality tools (Brock et al. 2019): orthogonal initialization and the
// off-diagonal orthogonal regularization R(W) = beta * ||W W^T ⊙ (1 - I)||_F^2, which
// pushes filters apart without fixing their norms (needed for the truncation trick).
//
// Both act on the same weights, listed by OrthogonalWeights(): every parameter whose leaf
// name is "weight" with dim >= 2 anywhere in the module tree (Linear, Conv, SNLinear,
// SNConv2d, ...), viewed as W = weight.view({out, -1}) (one row per output filter).
// Excluded: biases, all 1-d parameters (norm gains), and the tables of Embedding /
// EmbeddingBag modules (BigGAN excludes its shared class embedding). A parameter shared
// by several modules is counted once.
//
//   gan::OrthogonalInit(*generator);
//   g_loss = g_loss + gan::OrthogonalRegularization(*generator, 1e-4);
#ifndef GAN_NN_ORTHOGONAL_H_
#define GAN_NN_ORTHOGONAL_H_

#include <vector>

#include <torch/nn/module.h>
#include <torch/types.h>

namespace gan {

// The weights described above, in module-tree order.
std::vector<torch::Tensor> OrthogonalWeights(const torch::nn::Module& module);

// torch::nn::init::orthogonal_(w, gain) on each of OrthogonalWeights(module): the rows of
// W (or its columns, when W has more rows than columns) become orthonormal, times gain.
void OrthogonalInit(torch::nn::Module& module, double gain = 1.0);

// beta * sum_W ||W W^T ⊙ (1 - I)||_F^2, a differentiable scalar; its gradient with
// respect to W is 4 beta (W W^T ⊙ (1 - I)) W. (BigGAN-PyTorch's ortho(model, strength)
// applies 2 strength (W W^T ⊙ (1 - I)) W directly, i.e. beta = strength / 2.)
// A W with more rows than columns cannot have orthogonal rows, so its term stays > 0
// (as in BigGAN). Zero (on the CPU) when the module has no such weights.
torch::Tensor OrthogonalRegularization(const torch::nn::Module& module, double beta);

}  // namespace gan

#endif  // GAN_NN_ORTHOGONAL_H_
