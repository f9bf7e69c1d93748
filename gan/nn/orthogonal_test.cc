#include "gan/nn/orthogonal.h"

#include <gtest/gtest.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/embedding.h>
#include <torch/utils.h>

#include "gan/nn/spectral_norm.h"

namespace gan {
namespace {

struct NetImpl : torch::nn::Module {
  NetImpl() {
    wide = register_module("wide", torch::nn::Linear(6, 4));        // W [4, 6]
    tall = register_module("tall", torch::nn::Linear(3, 5));        // W [5, 3]
    conv = register_module("conv", torch::nn::Conv2d(torch::nn::Conv2dOptions(2, 4, 3)));
    norm = register_module("norm", torch::nn::BatchNorm2d(4));
    embed = register_module("embed", torch::nn::Embedding(10, 4));
    sn = register_module("sn", SNLinear(torch::nn::LinearOptions(4, 2)));
  }
  torch::nn::Linear wide{nullptr}, tall{nullptr};
  torch::nn::Conv2d conv{nullptr};
  torch::nn::BatchNorm2d norm{nullptr};
  torch::nn::Embedding embed{nullptr};
  SNLinear sn{nullptr};
};
TORCH_MODULE(Net);

bool IsIdentity(const torch::Tensor& m, double scale = 1.0) {
  return torch::allclose(m, scale * torch::eye(m.size(0), m.options()), 1e-5, 1e-5);
}

TEST(OrthogonalInitTest, WeightsBecomeOrthogonalAndTheRestIsUntouched) {
  torch::manual_seed(0);
  Net net;
  const torch::Tensor wide_bias = net->wide->bias.clone();
  const torch::Tensor conv_bias = net->conv->bias.clone();
  const torch::Tensor embed = net->embed->weight.clone();
  const torch::Tensor norm_gain = net->norm->weight.clone();
  OrthogonalInit(*net);

  const torch::Tensor wide = net->wide->weight.detach();
  EXPECT_TRUE(IsIdentity(wide.matmul(wide.t())));  // orthonormal rows
  const torch::Tensor tall = net->tall->weight.detach();
  EXPECT_TRUE(IsIdentity(tall.t().matmul(tall)));  // orthonormal columns
  const torch::Tensor conv = net->conv->weight.detach().view({4, -1});  // [4, 18]
  EXPECT_TRUE(IsIdentity(conv.matmul(conv.t())));
  const torch::Tensor sn = net->sn->weight.detach();
  EXPECT_TRUE(IsIdentity(sn.matmul(sn.t())));

  EXPECT_TRUE(net->wide->bias.equal(wide_bias));
  EXPECT_TRUE(net->conv->bias.equal(conv_bias));
  EXPECT_TRUE(net->embed->weight.equal(embed));
  EXPECT_TRUE(net->norm->weight.equal(norm_gain));
}

TEST(OrthogonalInitTest, GainScalesTheWeights) {
  torch::nn::Linear linear(5, 3);
  OrthogonalInit(*linear, 2.0);
  const torch::Tensor w = linear->weight.detach();
  EXPECT_TRUE(IsIdentity(w.matmul(w.t()), 4.0));
}

TEST(OrthogonalWeightsTest, ListsTheMatrixWeightsOnly) {
  Net net;
  const std::vector<torch::Tensor> weights = OrthogonalWeights(*net);
  ASSERT_EQ(weights.size(), 4u);  // wide, tall, conv, sn; not embed, norm or biases
  EXPECT_TRUE(weights[0].is_same(net->wide->weight));
  EXPECT_TRUE(weights[2].is_same(net->conv->weight));
  EXPECT_TRUE(weights[3].is_same(net->sn->weight));
}

TEST(OrthogonalRegularizationTest, ZeroForOrthogonalRows) {
  // Only weights with out <= in can have orthogonal rows; a tall one (Net::tall) cannot.
  torch::nn::Sequential net(torch::nn::Linear(6, 4),
                            torch::nn::Conv2d(torch::nn::Conv2dOptions(2, 4, 3)),
                            SNLinear(torch::nn::LinearOptions(4, 4)));
  OrthogonalInit(*net);
  EXPECT_NEAR(OrthogonalRegularization(*net, 1.0).item<double>(), 0.0, 1e-9);
  // Scaled orthogonal rows are still mutually orthogonal: only the diagonal grows.
  OrthogonalInit(*net, 3.0);
  EXPECT_NEAR(OrthogonalRegularization(*net, 1.0).item<double>(), 0.0, 1e-8);
  // A tall orthogonal-column W [5, 3] has rank 3, so W W^T (5x5) cannot be diagonal.
  torch::nn::Linear tall(3, 5);
  OrthogonalInit(*tall);
  EXPECT_GT(OrthogonalRegularization(*tall, 1.0).item<double>(), 0.1);
}

TEST(OrthogonalRegularizationTest, HandComputedTwoByThree) {
  // W = [[1, 2, 0], [0, 1, 1]]: W W^T = [[5, 2], [2, 2]]; the off-diagonal entries are
  // 2 and 2, so ||.||_F^2 = 4 + 4 = 8 and R = beta * 8.
  torch::nn::Linear linear(torch::nn::LinearOptions(3, 2));
  {
    torch::NoGradGuard no_grad;
    linear->weight.copy_(torch::tensor({{1.0, 2.0, 0.0}, {0.0, 1.0, 1.0}}));
  }
  EXPECT_NEAR(OrthogonalRegularization(*linear, 1.0).item<double>(), 8.0, 1e-6);
  EXPECT_NEAR(OrthogonalRegularization(*linear, 0.5).item<double>(), 4.0, 1e-6);
  EXPECT_NEAR(OrthogonalRegularization(*linear, 1e-4).item<double>(), 8e-4, 1e-9);
}

TEST(OrthogonalRegularizationTest, SumsOverLayersAndSkipsEmbeddings) {
  torch::manual_seed(1);
  Net net;
  double expected = 0;
  for (const torch::Tensor& p :
       {net->wide->weight, net->tall->weight, net->conv->weight, net->sn->weight}) {
    const torch::Tensor w = p.detach().reshape({p.size(0), -1}).to(torch::kDouble);
    const torch::Tensor gram = w.matmul(w.t());
    expected += (gram.pow(2).sum() - gram.diagonal().pow(2).sum()).item<double>();
  }
  EXPECT_NEAR(OrthogonalRegularization(*net, 0.25).item<double>(), 0.25 * expected,
              1e-5 * expected);
}

TEST(OrthogonalRegularizationTest, GradientMatchesClosedForm) {
  torch::manual_seed(2);
  torch::nn::Conv2d conv(torch::nn::Conv2dOptions(2, 3, 2));  // W [3, 8]
  conv->to(torch::kDouble);
  const double beta = 0.3;
  OrthogonalRegularization(*conv, beta).backward();
  const torch::Tensor w = conv->weight.detach().view({3, -1});
  const torch::Tensor off = w.matmul(w.t()) * (1 - torch::eye(3, w.options()));
  const torch::Tensor expected = 4 * beta * off.matmul(w);
  EXPECT_TRUE(torch::allclose(conv->weight.grad().view({3, -1}), expected, 1e-10, 1e-12));
  EXPECT_FALSE(conv->bias.grad().defined());  // biases are not regularized
}

TEST(OrthogonalRegularizationTest, ZeroWithoutMatrixWeights) {
  torch::nn::BatchNorm2d norm(3);
  EXPECT_EQ(OrthogonalRegularization(*norm, 1.0).item<double>(), 0.0);
}

}  // namespace
}  // namespace gan
