// Each shape-only meta kernel against the CPU op it stands in for: same sizes and dtype,
// on the meta device.
#include "gan/core/meta_device.h"

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <torch/nn/functional/conv.h>
#include <torch/nn/functional/embedding.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/linear.h>
#include <torch/utils.h>

namespace gan {
namespace {

const torch::Device kMeta("meta");

using Inputs = std::vector<torch::Tensor>;
using Op = std::function<torch::Tensor(const Inputs&)>;

// Copies of `inputs` on the meta device, as leaves that require grad where the originals do.
Inputs OnMeta(const Inputs& inputs) {
  Inputs meta;
  for (const auto& t : inputs) {
    meta.push_back(t.detach().to(kMeta).requires_grad_(t.requires_grad()));
  }
  return meta;
}

// Runs `op` on CPU inputs and on the same inputs on the meta device.
void ExpectSameShapeOnMeta(const std::string& what, const Op& op, const Inputs& cpu_inputs) {
  const Inputs meta_inputs = OnMeta(cpu_inputs);
  const torch::Tensor expected = op(cpu_inputs);
  const torch::Tensor actual = op(meta_inputs);
  EXPECT_EQ(actual.device(), kMeta) << what;
  EXPECT_EQ(actual.sizes(), expected.sizes()) << what;
  EXPECT_EQ(actual.scalar_type(), expected.scalar_type()) << what;
}

// The gradients' shapes too: backward kernels (convolution, BatchNorm, embedding) run.
void ExpectSameGradientShapesOnMeta(const std::string& what, const Op& op,
                                    const Inputs& cpu_inputs) {
  const Inputs meta_inputs = OnMeta(cpu_inputs);
  op(cpu_inputs).sum().backward();
  op(meta_inputs).sum().backward();
  for (size_t i = 0; i < cpu_inputs.size(); ++i) {
    if (!cpu_inputs[i].requires_grad()) continue;
    ASSERT_TRUE(meta_inputs[i].grad().defined()) << what << " input " << i;
    EXPECT_EQ(meta_inputs[i].grad().device(), kMeta) << what << " input " << i;
    EXPECT_EQ(meta_inputs[i].grad().sizes(), cpu_inputs[i].grad().sizes())
        << what << " input " << i;
  }
}

TEST(MetaDeviceTest, ConvolutionShapesMatchTheCpu) {
  namespace F = torch::nn::functional;
  const auto x = torch::randn({2, 3, 9, 7}, torch::requires_grad());
  const auto w = torch::randn({5, 3, 3, 2}, torch::requires_grad());
  const auto b = torch::randn({5}, torch::requires_grad());
  const Op conv = [](const Inputs& in) {
    return F::conv2d(
        in[0], in[1],
        F::Conv2dFuncOptions().bias(in[2]).stride({2, 1}).padding({1, 2}).dilation({1, 2}));
  };
  ExpectSameShapeOnMeta("conv2d", conv, {x, w, b});
  ExpectSameGradientShapesOnMeta("conv2d", conv, {x, w, b});

  const auto wt = torch::randn({3, 4, 4, 3}, torch::requires_grad());
  const Op transposed = [](const Inputs& in) {
    return F::conv_transpose2d(
        in[0], in[1], F::ConvTranspose2dFuncOptions().stride(2).padding(1).output_padding(1));
  };
  ExpectSameShapeOnMeta("conv_transpose2d", transposed, {x, wt});
  ExpectSameGradientShapesOnMeta("conv_transpose2d", transposed, {x, wt});
}

TEST(MetaDeviceTest, BatchNormShapesMatchTheCpu) {
  torch::nn::BatchNorm2d cpu_norm(4);
  torch::nn::BatchNorm2d meta_norm(4);
  MoveToMetaDevice(*meta_norm);
  const auto x = torch::randn({3, 4, 5, 5}, torch::requires_grad());
  const Op on_meta = [&](const Inputs& in) {
    return in[0].device() == kMeta ? meta_norm(in[0]) : cpu_norm(in[0]);
  };
  ExpectSameShapeOnMeta("batch_norm", on_meta, {x});
  ExpectSameGradientShapesOnMeta("batch_norm", on_meta, {x});
  EXPECT_EQ(meta_norm->weight.grad().device(), kMeta);
  EXPECT_EQ(meta_norm->running_mean.device(), kMeta);
}

TEST(MetaDeviceTest, ElementwiseAndIndexingShapesMatchTheCpu) {
  const auto x = torch::randn({4, 3});
  const auto y = torch::randn({3});
  ExpectSameShapeOnMeta("relu", [](const Inputs& in) { return torch::relu(in[0]); }, {x});
  ExpectSameShapeOnMeta("abs", [](const Inputs& in) { return in[0].abs(); }, {x});
  ExpectSameShapeOnMeta("dot", [](const Inputs& in) { return in[0].dot(in[0]); }, {y});
  ExpectSameShapeOnMeta(
      "logical_not", [](const Inputs& in) { return torch::logical_not(in[0]); }, {x});
  ExpectSameShapeOnMeta(
      "index_select", [](const Inputs& in) { return in[0].index_select(0, in[1]); },
      {x, torch::tensor({3, 0, 0, 1, 2}, torch::kLong)});
  ExpectSameShapeOnMeta(
      "where", [](const Inputs& in) { return torch::where(in[0], in[1], in[2]); },
      {torch::rand({4, 1}) > 0.5, x, torch::randn({3}, torch::kDouble)});
}

TEST(MetaDeviceTest, StdShapesMatchTheCpu) {
  const auto x = torch::randn({2, 3, 4});
  // (dims, keepdim); no dims: over everything.
  const std::vector<std::pair<std::vector<int64_t>, bool>> cases = {
      {{}, false}, {{1}, false}, {{-1}, true}, {{0, 2}, false}, {{0, 2}, true}};
  for (const auto& [dims, keepdim] : cases) {
    const Op op = [&, dims = dims, keepdim = keepdim](const Inputs& in) {
      return dims.empty() ? in[0].std() : in[0].std(torch::IntArrayRef(dims), true, keepdim);
    };
    ExpectSameShapeOnMeta("std over " + std::to_string(dims.size()) + " dims", op, {x});
  }
}

TEST(MetaDeviceTest, EmbeddingGradientShapeMatchesTheCpu) {
  namespace F = torch::nn::functional;
  const auto table = torch::randn({7, 5}, torch::requires_grad());
  const auto ids = torch::tensor({{1, 6}, {0, 0}}, torch::kLong);
  const Op embed = [](const Inputs& in) { return F::embedding(in[1], in[0]); };
  ExpectSameShapeOnMeta("embedding", embed, {table, ids});
  ExpectSameGradientShapesOnMeta("embedding", embed, {table, ids});
}

TEST(MetaDeviceTest, MovedModulesKeepTheirParametersShared) {
  torch::nn::Linear linear(3, 2);
  const torch::Tensor weight = linear->weight;  // a reference held elsewhere, as optimizers do
  MoveToMetaDevice(*linear);
  EXPECT_EQ(weight.device(), kMeta);
  EXPECT_EQ(linear->weight.device(), kMeta);
  EXPECT_EQ(linear->weight.sizes(), (std::vector<int64_t>{2, 3}));
  EXPECT_TRUE(linear->weight.requires_grad());
}

}  // namespace
}  // namespace gan
