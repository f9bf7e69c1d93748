#include "gan/nn/batch_norm.h"

#include <stdexcept>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace gan {
namespace {

std::vector<std::string> Names(const torch::OrderedDict<std::string, torch::Tensor>& tensors) {
  std::vector<std::string> names;
  for (const auto& item : tensors) names.push_back(item.key());
  return names;
}

// Outside a synchronized scope it must be LibTorch's BatchNorm exactly, so that
// checkpoints and the recorded runs (golden_runs_test) carry over.
TEST(BatchNormTest, IsLibtorchsBatchNormBitForBitOutsideAScope) {
  for (const bool cumulative : {false, true}) {
    auto options = torch::nn::BatchNormOptions(3);
    if (cumulative) options.momentum(c10::nullopt);
    BatchNorm ours(options);
    torch::nn::BatchNorm2d theirs(options);
    EXPECT_EQ(Names(ours->named_parameters()), Names(theirs->named_parameters()));
    EXPECT_EQ(Names(ours->named_buffers()), Names(theirs->named_buffers()));
    {
      torch::NoGradGuard no_grad;
      ours->weight.copy_(torch::tensor({0.5, 2.0, -1.0}));
      theirs->weight.copy_(ours->weight);
    }
    torch::manual_seed(1);
    for (int step = 0; step < 3; ++step) {
      const torch::Tensor x = torch::randn({4, 3, 2, 5}) * 2 + 1;
      EXPECT_TRUE(ours(x).equal(theirs(x))) << "step " << step;
    }
    EXPECT_TRUE(ours->running_mean.equal(theirs->running_mean));
    EXPECT_TRUE(ours->running_var.equal(theirs->running_var));
    EXPECT_TRUE(ours->num_batches_tracked.equal(theirs->num_batches_tracked));
    ours->eval();
    theirs->eval();
    const torch::Tensor x = torch::randn({2, 3, 2, 2});
    EXPECT_TRUE(ours(x).equal(theirs(x)));
  }
  BatchNorm plain(torch::nn::BatchNormOptions(2).affine(false));
  EXPECT_EQ(plain->parameters().size(), 0u);
  EXPECT_THROW(BatchNorm(4)(torch::randn({1, 4})), c10::Error);  // one value per channel
}

// A stand-in for a group of two ranks whose other rank holds the same batch: the sum over
// ranks is twice the local value. The layer must then compute what one process computes on
// the batch twice over.
TEST(BatchNormTest, SynchronizedStatisticsAreThoseOfTheCombinedBatch) {
  torch::manual_seed(2);
  BatchNorm synced(3);
  torch::nn::BatchNorm1d combined(3);
  {
    torch::NoGradGuard no_grad;
    synced->weight.copy_(torch::tensor({0.5, 2.0, -1.0}));
    synced->bias.copy_(torch::tensor({0.1, 0.0, 0.3}));
    combined->weight.copy_(synced->weight);
    combined->bias.copy_(synced->bias);
  }
  const torch::Tensor x = (torch::randn({5, 3, 4}) * 2 + 1).requires_grad_(true);
  const torch::Tensor upstream = torch::randn({5, 3, 4});
  torch::Tensor y;
  {
    SynchronizedBatchNormScope sync([](const torch::Tensor& local) { return local * 2; });
    y = synced(x);
    (y * upstream).sum().backward();
  }
  // One process: the batch and its copy, with the loss averaged over the two "ranks".
  const torch::Tensor copy = x.detach().clone().requires_grad_(true);
  const torch::Tensor both = combined(torch::cat({x.detach().requires_grad_(true), copy}));
  EXPECT_TRUE(y.allclose(both.slice(0, 0, 5), 1e-5, 1e-5));
  EXPECT_TRUE(synced->running_mean.allclose(combined->running_mean, 1e-5, 1e-6));
  EXPECT_TRUE(synced->running_var.allclose(combined->running_var, 1e-5, 1e-6));  // unbiased, over 40

  const torch::Tensor first = x.detach().clone().requires_grad_(true);
  combined->zero_grad();
  const torch::Tensor out = combined(torch::cat({first, copy}));
  ((out.slice(0, 0, 5) * upstream).sum() + (out.slice(0, 5) * upstream).sum()).div(2).backward();
  // The weights' gradient is the whole batch's (ranks average theirs), and the input's is
  // the rank's share of it: twice the combined mean loss's gradient for its own rows.
  EXPECT_TRUE(synced->weight.grad().allclose(combined->weight.grad(), 1e-4, 1e-5));
  EXPECT_TRUE(synced->bias.grad().allclose(combined->bias.grad(), 1e-4, 1e-5));
  EXPECT_TRUE(x.grad().allclose(2 * first.grad(), 1e-4, 1e-5));
}

TEST(BatchNormTest, OnlyTrainingLayersInsideAnOpenScopeSynchronize) {
  const auto refuse = [](const torch::Tensor&) -> torch::Tensor {
    throw std::runtime_error("synchronized");
  };
  BatchNorm bn(2);
  const torch::Tensor x = torch::randn({4, 2});
  {
    SynchronizedBatchNormScope sync(refuse);
    EXPECT_THROW(bn(x), std::runtime_error);
    {
      SynchronizedBatchNormScope none(nullptr);  // nested: the innermost applies
      EXPECT_NO_THROW(bn(x));
    }
    EXPECT_THROW(bn(x), std::runtime_error);
    bn->eval();  // running statistics: nothing to synchronize
    EXPECT_NO_THROW(bn(x));
    bn->train();
  }
  EXPECT_NO_THROW(bn(x));  // closed
}

}  // namespace
}  // namespace gan
