// Batch normalization over the channels (dimension 1) of [N, C, ...] inputs, as LibTorch's
// BatchNorm1d/2d (the same parameters, buffers, names and numbers), with one addition:
// synchronized BatchNorm (PyTorch's SyncBatchNorm) for data-parallel training. While a
// SynchronizedBatchNormScope is open on the calling thread, a layer in training mode sums
// each channel's count and sum over all ranks, then its squares about the global mean (two
// collectives), normalizes with the mean and (biased) variance of the whole global batch
// and updates its running statistics with them (the unbiased variance, over the global
// count), so that W ranks compute what one process computes on their combined batch. Its
// gradient flows back through the sums to every rank's inputs (the backward of a sum over
// ranks is the sum over ranks of the gradients, itself differentiable for gradient
// penalties). Outside a scope (one process, evaluation, sample grids) it is LibTorch's
// BatchNorm, bit for bit.
//
//   gan::BatchNorm bn(64);                               // for [N, 64] or [N, 64, H, W]
//   gan::SynchronizedBatchNormScope sync(sum_over_ranks);  // in the updater's step
#ifndef GAN_NN_BATCH_NORM_H_
#define GAN_NN_BATCH_NORM_H_

#include <cstdint>
#include <functional>
#include <ostream>

#include <torch/nn/cloneable.h>
#include <torch/nn/options/batchnorm.h>
#include <torch/nn/pimpl.h>
#include <torch/types.h>

namespace gan {

// The element-wise sum over the data-parallel ranks of a tensor every rank passes with the
// same shape (a collective: every rank must call it, in the same order).
using SumOverRanks = std::function<torch::Tensor(const torch::Tensor&)>;

// Synchronizes the BatchNorm layers that run in training mode on this thread while it is
// alive (see above); scopes nest, the innermost applies. A null `sum` synchronizes nothing.
class SynchronizedBatchNormScope {
 public:
  explicit SynchronizedBatchNormScope(SumOverRanks sum);
  ~SynchronizedBatchNormScope();
  SynchronizedBatchNormScope(const SynchronizedBatchNormScope&) = delete;
  SynchronizedBatchNormScope& operator=(const SynchronizedBatchNormScope&) = delete;

 private:
  SumOverRanks sum_;
  const SumOverRanks* enclosing_;
};

class BatchNormImpl : public torch::nn::Cloneable<BatchNormImpl> {
 public:
  explicit BatchNormImpl(int64_t num_features)
      : BatchNormImpl(torch::nn::BatchNormOptions(num_features)) {}
  explicit BatchNormImpl(torch::nn::BatchNormOptions options);
  void reset() override;
  void pretty_print(std::ostream& stream) const override;
  // input [N, C, ...] -> the same shape.
  torch::Tensor forward(const torch::Tensor& input);

  torch::nn::BatchNormOptions options;
  torch::Tensor weight, bias;  // undefined without affine
  torch::Tensor running_mean, running_var, num_batches_tracked;  // undefined without tracking

 private:
  torch::Tensor SynchronizedForward(const torch::Tensor& input, const SumOverRanks& sum,
                                    double momentum);
};

TORCH_MODULE(BatchNorm);

}  // namespace gan

#endif  // GAN_NN_BATCH_NORM_H_
