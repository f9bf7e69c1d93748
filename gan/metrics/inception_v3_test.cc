#include "gan/metrics/inception_v3.h"

#include <cmath>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/serialize.h>
#include <torch/utils.h>

#include "gan/metrics/inception_blocks.h"

namespace gan {
namespace {

using ::testing::HasSubstr;

std::string TempPath(const std::string& name) { return ::testing::TempDir() + "/" + name; }

void WriteBytes(const std::string& path, const std::vector<char>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good()) << path;
}

std::vector<int64_t> Sizes(const torch::Tensor& t) { return t.sizes().vec(); }

// ---------------------------------------------------------------------------------------------
// The architecture table, transcribed from torchvision's Inception3 / InceptionA-E
// (torchvision/models/inception.py) as patched by pytorch-fid's fid_inception_v3()
// (src/pytorch_fid/inception.py): num_classes=1008, aux_logits=False. One row per
// BasicConv2d: {name, out_channels, in_channels, kernel_h, kernel_w}, in the modules'
// registration order (= the Python state dict's key order).
struct ConvRow {
  const char* name;
  int64_t out, in, kh, kw;
};

const std::vector<ConvRow>& FidInceptionConvTable() {
  static const std::vector<ConvRow> table = {
      {"Conv2d_1a_3x3", 32, 3, 3, 3},
      {"Conv2d_2a_3x3", 32, 32, 3, 3},
      {"Conv2d_2b_3x3", 64, 32, 3, 3},
      {"Conv2d_3b_1x1", 80, 64, 1, 1},
      {"Conv2d_4a_3x3", 192, 80, 3, 3},
      {"Mixed_5b.branch1x1", 64, 192, 1, 1},
      {"Mixed_5b.branch5x5_1", 48, 192, 1, 1},
      {"Mixed_5b.branch5x5_2", 64, 48, 5, 5},
      {"Mixed_5b.branch3x3dbl_1", 64, 192, 1, 1},
      {"Mixed_5b.branch3x3dbl_2", 96, 64, 3, 3},
      {"Mixed_5b.branch3x3dbl_3", 96, 96, 3, 3},
      {"Mixed_5b.branch_pool", 32, 192, 1, 1},
      {"Mixed_5c.branch1x1", 64, 256, 1, 1},
      {"Mixed_5c.branch5x5_1", 48, 256, 1, 1},
      {"Mixed_5c.branch5x5_2", 64, 48, 5, 5},
      {"Mixed_5c.branch3x3dbl_1", 64, 256, 1, 1},
      {"Mixed_5c.branch3x3dbl_2", 96, 64, 3, 3},
      {"Mixed_5c.branch3x3dbl_3", 96, 96, 3, 3},
      {"Mixed_5c.branch_pool", 64, 256, 1, 1},
      {"Mixed_5d.branch1x1", 64, 288, 1, 1},
      {"Mixed_5d.branch5x5_1", 48, 288, 1, 1},
      {"Mixed_5d.branch5x5_2", 64, 48, 5, 5},
      {"Mixed_5d.branch3x3dbl_1", 64, 288, 1, 1},
      {"Mixed_5d.branch3x3dbl_2", 96, 64, 3, 3},
      {"Mixed_5d.branch3x3dbl_3", 96, 96, 3, 3},
      {"Mixed_5d.branch_pool", 64, 288, 1, 1},
      {"Mixed_6a.branch3x3", 384, 288, 3, 3},
      {"Mixed_6a.branch3x3dbl_1", 64, 288, 1, 1},
      {"Mixed_6a.branch3x3dbl_2", 96, 64, 3, 3},
      {"Mixed_6a.branch3x3dbl_3", 96, 96, 3, 3},
      {"Mixed_6b.branch1x1", 192, 768, 1, 1},
      {"Mixed_6b.branch7x7_1", 128, 768, 1, 1},
      {"Mixed_6b.branch7x7_2", 128, 128, 1, 7},
      {"Mixed_6b.branch7x7_3", 192, 128, 7, 1},
      {"Mixed_6b.branch7x7dbl_1", 128, 768, 1, 1},
      {"Mixed_6b.branch7x7dbl_2", 128, 128, 7, 1},
      {"Mixed_6b.branch7x7dbl_3", 128, 128, 1, 7},
      {"Mixed_6b.branch7x7dbl_4", 128, 128, 7, 1},
      {"Mixed_6b.branch7x7dbl_5", 192, 128, 1, 7},
      {"Mixed_6b.branch_pool", 192, 768, 1, 1},
      {"Mixed_6c.branch1x1", 192, 768, 1, 1},
      {"Mixed_6c.branch7x7_1", 160, 768, 1, 1},
      {"Mixed_6c.branch7x7_2", 160, 160, 1, 7},
      {"Mixed_6c.branch7x7_3", 192, 160, 7, 1},
      {"Mixed_6c.branch7x7dbl_1", 160, 768, 1, 1},
      {"Mixed_6c.branch7x7dbl_2", 160, 160, 7, 1},
      {"Mixed_6c.branch7x7dbl_3", 160, 160, 1, 7},
      {"Mixed_6c.branch7x7dbl_4", 160, 160, 7, 1},
      {"Mixed_6c.branch7x7dbl_5", 192, 160, 1, 7},
      {"Mixed_6c.branch_pool", 192, 768, 1, 1},
      {"Mixed_6d.branch1x1", 192, 768, 1, 1},
      {"Mixed_6d.branch7x7_1", 160, 768, 1, 1},
      {"Mixed_6d.branch7x7_2", 160, 160, 1, 7},
      {"Mixed_6d.branch7x7_3", 192, 160, 7, 1},
      {"Mixed_6d.branch7x7dbl_1", 160, 768, 1, 1},
      {"Mixed_6d.branch7x7dbl_2", 160, 160, 7, 1},
      {"Mixed_6d.branch7x7dbl_3", 160, 160, 1, 7},
      {"Mixed_6d.branch7x7dbl_4", 160, 160, 7, 1},
      {"Mixed_6d.branch7x7dbl_5", 192, 160, 1, 7},
      {"Mixed_6d.branch_pool", 192, 768, 1, 1},
      {"Mixed_6e.branch1x1", 192, 768, 1, 1},
      {"Mixed_6e.branch7x7_1", 192, 768, 1, 1},
      {"Mixed_6e.branch7x7_2", 192, 192, 1, 7},
      {"Mixed_6e.branch7x7_3", 192, 192, 7, 1},
      {"Mixed_6e.branch7x7dbl_1", 192, 768, 1, 1},
      {"Mixed_6e.branch7x7dbl_2", 192, 192, 7, 1},
      {"Mixed_6e.branch7x7dbl_3", 192, 192, 1, 7},
      {"Mixed_6e.branch7x7dbl_4", 192, 192, 7, 1},
      {"Mixed_6e.branch7x7dbl_5", 192, 192, 1, 7},
      {"Mixed_6e.branch_pool", 192, 768, 1, 1},
      {"Mixed_7a.branch3x3_1", 192, 768, 1, 1},
      {"Mixed_7a.branch3x3_2", 320, 192, 3, 3},
      {"Mixed_7a.branch7x7x3_1", 192, 768, 1, 1},
      {"Mixed_7a.branch7x7x3_2", 192, 192, 1, 7},
      {"Mixed_7a.branch7x7x3_3", 192, 192, 7, 1},
      {"Mixed_7a.branch7x7x3_4", 192, 192, 3, 3},
      {"Mixed_7b.branch1x1", 320, 1280, 1, 1},
      {"Mixed_7b.branch3x3_1", 384, 1280, 1, 1},
      {"Mixed_7b.branch3x3_2a", 384, 384, 1, 3},
      {"Mixed_7b.branch3x3_2b", 384, 384, 3, 1},
      {"Mixed_7b.branch3x3dbl_1", 448, 1280, 1, 1},
      {"Mixed_7b.branch3x3dbl_2", 384, 448, 3, 3},
      {"Mixed_7b.branch3x3dbl_3a", 384, 384, 1, 3},
      {"Mixed_7b.branch3x3dbl_3b", 384, 384, 3, 1},
      {"Mixed_7b.branch_pool", 192, 1280, 1, 1},
      {"Mixed_7c.branch1x1", 320, 2048, 1, 1},
      {"Mixed_7c.branch3x3_1", 384, 2048, 1, 1},
      {"Mixed_7c.branch3x3_2a", 384, 384, 1, 3},
      {"Mixed_7c.branch3x3_2b", 384, 384, 3, 1},
      {"Mixed_7c.branch3x3dbl_1", 448, 2048, 1, 1},
      {"Mixed_7c.branch3x3dbl_2", 384, 448, 3, 3},
      {"Mixed_7c.branch3x3dbl_3a", 384, 384, 1, 3},
      {"Mixed_7c.branch3x3dbl_3b", 384, 384, 3, 1},
      {"Mixed_7c.branch_pool", 192, 2048, 1, 1},
  };
  return table;
}

using NamedShapes = std::vector<std::pair<std::string, std::vector<int64_t>>>;

// Python's state dict lists, per BasicConv2d, conv.weight, bn.weight, bn.bias (parameters)
// and bn.running_mean, bn.running_var, bn.num_batches_tracked (buffers); then fc.
NamedShapes ExpectedParameters() {
  NamedShapes expected;
  for (const ConvRow& row : FidInceptionConvTable()) {
    const std::string name = row.name;
    expected.push_back({name + ".conv.weight", {row.out, row.in, row.kh, row.kw}});
    expected.push_back({name + ".bn.weight", {row.out}});
    expected.push_back({name + ".bn.bias", {row.out}});
  }
  expected.push_back({"fc.weight", {1008, 2048}});
  expected.push_back({"fc.bias", {1008}});
  return expected;
}

NamedShapes ExpectedBuffers() {
  NamedShapes expected;
  for (const ConvRow& row : FidInceptionConvTable()) {
    const std::string name = row.name;
    expected.push_back({name + ".bn.running_mean", {row.out}});
    expected.push_back({name + ".bn.running_var", {row.out}});
    expected.push_back({name + ".bn.num_batches_tracked", {}});
  }
  return expected;
}

TEST(InceptionV3Test, ParameterAndBufferNamesAndShapesMatchPytorchFidStateDict) {
  ASSERT_EQ(FidInceptionConvTable().size(), 94u);
  InceptionV3 net;
  NamedShapes parameters, buffers;
  for (const auto& p : net->named_parameters()) parameters.push_back({p.key(), Sizes(p.value())});
  for (const auto& b : net->named_buffers()) buffers.push_back({b.key(), Sizes(b.value())});
  EXPECT_EQ(parameters, ExpectedParameters());
  EXPECT_EQ(buffers, ExpectedBuffers());
  // A few keys spelled out, as they appear in pt_inception-2015-12-05-6726825d.pth.
  const auto params = net->named_parameters();
  const auto bufs = net->named_buffers();
  EXPECT_EQ(Sizes(params["Conv2d_1a_3x3.conv.weight"]), (std::vector<int64_t>{32, 3, 3, 3}));
  EXPECT_EQ(Sizes(params["Mixed_5b.branch1x1.conv.weight"]), (std::vector<int64_t>{64, 192, 1, 1}));
  EXPECT_EQ(Sizes(params["Mixed_7c.branch3x3dbl_3b.bn.bias"]), (std::vector<int64_t>{384}));
  EXPECT_EQ(Sizes(params["fc.weight"]), (std::vector<int64_t>{1008, 2048}));
  EXPECT_EQ(Sizes(bufs["Conv2d_1a_3x3.bn.running_mean"]), (std::vector<int64_t>{32}));
  // BatchNorm eps as in BasicConv2d (0.001), conv without bias.
  EXPECT_DOUBLE_EQ(net->Mixed_6e->branch7x7dbl_3->bn->options.eps(), 0.001);
  EXPECT_FALSE(net->Conv2d_1a_3x3->conv->bias.defined());
}

TEST(InceptionV3Test, ParameterCountMatchesTheTableAndTorchvision) {
  // From the table: conv weights 21,751,136 + BN weight/bias 2 * 17,216 = 34,432 + fc
  // 2048 * 1008 + 1008 = 2,065,392 -> 23,850,960. Cross-check: torchvision's inception_v3
  // (1000 classes, with AuxLogits) has 27,161,264 parameters; AuxLogits hold 98,560 (conv0
  // 768->128 1x1 + BN) + 2,459,136 (conv1 128->768 5x5 + BN) + 769,000 (fc 768->1000) =
  // 3,326,696; 1008 instead of 1000 classes adds 8 * 2048 + 8 = 16,392:
  // 27,161,264 - 3,326,696 + 16,392 = 23,850,960.
  int64_t from_table = 0;
  for (const auto& entry : ExpectedParameters()) {
    int64_t numel = 1;
    for (int64_t d : entry.second) numel *= d;
    from_table += numel;
  }
  EXPECT_EQ(from_table, 23850960);
  EXPECT_EQ(from_table, 27161264 - 3326696 + 16392);

  InceptionV3 net;
  int64_t parameters = 0, float_buffers = 0;
  for (const auto& p : net->parameters()) parameters += p.numel();
  for (const auto& b : net->buffers()) {
    if (b.is_floating_point()) float_buffers += b.numel();
  }
  EXPECT_EQ(parameters, 23850960);
  EXPECT_EQ(float_buffers, 34432);  // running_mean + running_var of 17,216 channels
}

// ---------------------------------------------------------------------------------------------
// Blocks: channel counts and the FID pool branches, checked on tiny inputs. The pool branch's
// 1x1 conv is set to copy input channel 0 into every output; BN in eval with its initial
// statistics divides by sqrt(1 + 0.001); ReLU keeps the positive values. So the block's last
// channels equal pool(x)[channel 0] / sqrt(1.001).
//
// Channel 0 of the input is arange(16) as 4x4:   0  1  2  3
//                                                4  5  6  7
//                                                8  9 10 11
//                                               12 13 14 15
// TF average pool 3x3 (count_include_pad=false): at (0,0) (0+1+4+5)/4 = 2.5; at (0,1)
// (0+1+2+4+5+6)/6 = 3; at (1,1) (0+1+2+4+5+6+8+9+10)/9 = 5. (Counting the padding would
// give 10/9 at (0,0).) Max pool 3x3 stride 1 pad 1: (0,0) -> 5, (0,1) -> 6, (1,1) -> 10.
torch::Tensor BlockInput() {
  return torch::stack({torch::arange(16, torch::kFloat).view({4, 4}), torch::zeros({4, 4})})
      .unsqueeze(0);  // [1, 2, 4, 4]
}

void CopyChannelZero(BasicConv2d& conv) {
  torch::NoGradGuard no_grad;
  conv->conv->weight.zero_();
  conv->conv->weight.select(1, 0).fill_(1.0);
}

void ExpectPoolPlane(const torch::Tensor& plane, double at00, double at01, double at11) {
  const double bn = std::sqrt(1.001);
  EXPECT_NEAR(plane[0][0].item<double>(), at00 / bn, 1e-5);
  EXPECT_NEAR(plane[0][1].item<double>(), at01 / bn, 1e-5);
  EXPECT_NEAR(plane[1][1].item<double>(), at11 / bn, 1e-5);
}

TEST(InceptionBlocksTest, FidInceptionAAveragePoolsWithoutPadding) {
  FidInceptionA block(/*in_channels=*/2, /*pool_features=*/3);
  block->eval();
  CopyChannelZero(block->branch_pool);
  torch::NoGradGuard no_grad;
  const torch::Tensor y = block(BlockInput());
  ASSERT_EQ(Sizes(y), (std::vector<int64_t>{1, 64 + 64 + 96 + 3, 4, 4}));
  for (int64_t c = 224; c < 227; ++c) ExpectPoolPlane(y[0][c], 2.5, 3.0, 5.0);
}

TEST(InceptionBlocksTest, FidInceptionCAveragePoolsWithoutPadding) {
  FidInceptionC block(/*in_channels=*/2, /*channels_7x7=*/4);
  block->eval();
  CopyChannelZero(block->branch_pool);
  torch::NoGradGuard no_grad;
  const torch::Tensor y = block(BlockInput());
  ASSERT_EQ(Sizes(y), (std::vector<int64_t>{1, 768, 4, 4}));
  ExpectPoolPlane(y[0][576], 2.5, 3.0, 5.0);
  ExpectPoolPlane(y[0][767], 2.5, 3.0, 5.0);
}

TEST(InceptionBlocksTest, FirstEAveragePoolsSecondEMaxPools) {
  FidInceptionE e1(/*in_channels=*/2, InceptionEPool::kAverage);
  FidInceptionE e2(/*in_channels=*/2, InceptionEPool::kMax);
  e1->eval();
  e2->eval();
  CopyChannelZero(e1->branch_pool);
  CopyChannelZero(e2->branch_pool);
  torch::NoGradGuard no_grad;
  const torch::Tensor y1 = e1(BlockInput());
  const torch::Tensor y2 = e2(BlockInput());
  ASSERT_EQ(Sizes(y1), (std::vector<int64_t>{1, 2048, 4, 4}));
  ASSERT_EQ(Sizes(y2), (std::vector<int64_t>{1, 2048, 4, 4}));
  // 320 + 768 + 768 = 1856 channels before the pool branch.
  ExpectPoolPlane(y1[0][1856], 2.5, 3.0, 5.0);
  ExpectPoolPlane(y2[0][1856], 5.0, 6.0, 10.0);
  ExpectPoolPlane(y2[0][2047], 5.0, 6.0, 10.0);
}

TEST(InceptionBlocksTest, ReductionBlocksMaxPoolWithStrideTwo) {
  // 7x7 input, channel 0 = arange(49): max over the 3x3 window at stride 2 is its
  // bottom-right element: (0,0) -> x[2][2] = 16, (1,1) -> x[4][4] = 32, (2,2) -> 48.
  const torch::Tensor x =
      torch::stack({torch::arange(49, torch::kFloat).view({7, 7}), torch::zeros({7, 7})})
          .unsqueeze(0);
  InceptionB b(/*in_channels=*/2);
  InceptionD d(/*in_channels=*/2);
  b->eval();
  d->eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor yb = b(x);
  const torch::Tensor yd = d(x);
  ASSERT_EQ(Sizes(yb), (std::vector<int64_t>{1, 384 + 96 + 2, 3, 3}));
  ASSERT_EQ(Sizes(yd), (std::vector<int64_t>{1, 320 + 192 + 2, 3, 3}));
  for (const torch::Tensor& pooled : {yb[0][480], yd[0][512]}) {
    EXPECT_FLOAT_EQ(pooled[0][0].item<float>(), 16.0f);
    EXPECT_FLOAT_EQ(pooled[1][1].item<float>(), 32.0f);
    EXPECT_FLOAT_EQ(pooled[2][2].item<float>(), 48.0f);
  }
}

// ---------------------------------------------------------------------------------------------
// Resize, hand-computed.
//
// 2x2 -> 4x4 of [[0, 1], [2, 3]] (value = col + 2 * row, so out = f(x) + 2 f(y)):
//   PyTorch (half-pixel): src = (dst + 0.5) * 2/4 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75,
//     1.25 (upper neighbour clamped to 1): f = [0, 0.25, 0.75, 1].
//   TF1: src = dst * 2/4 = 0, 0.5, 1, 1.5 (upper clamped to 1): f = [0, 0.5, 1, 1].
// 3x3 -> 2x2 of arange(9) (value = col + 3 * row, out = g(x) + 3 g(y)):
//   PyTorch: src = (dst + 0.5) * 1.5 - 0.5 = 0.25, 1.75: g = [0.25, 1.75]
//     -> [[1, 2.5], [5.5, 7]].
//   TF1: src = dst * 1.5 = 0, 1.5: g = [0, 1.5] -> [[0, 1.5], [4.5, 6]].
TEST(ResizeImagesTest, TwoByTwoToFourByFour) {
  const torch::Tensor x = torch::tensor({0.0f, 1.0f, 2.0f, 3.0f}).view({1, 1, 2, 2});
  const torch::Tensor pytorch = torch::tensor({0.0f, 0.25f, 0.75f, 1.0f,     //
                                               0.5f, 0.75f, 1.25f, 1.5f,     //
                                               1.5f, 1.75f, 2.25f, 2.5f,     //
                                               2.0f, 2.25f, 2.75f, 3.0f})
                                    .view({1, 1, 4, 4});
  const torch::Tensor tf1 = torch::tensor({0.0f, 0.5f, 1.0f, 1.0f,  //
                                           1.0f, 1.5f, 2.0f, 2.0f,  //
                                           2.0f, 2.5f, 3.0f, 3.0f,  //
                                           2.0f, 2.5f, 3.0f, 3.0f})
                                .view({1, 1, 4, 4});
  EXPECT_TRUE(torch::allclose(ResizeImages(x, 4, 4, ResizeMode::kPytorchBilinear), pytorch))
      << ResizeImages(x, 4, 4, ResizeMode::kPytorchBilinear);
  EXPECT_TRUE(torch::allclose(ResizeImages(x, 4, 4, ResizeMode::kTf1Bilinear), tf1))
      << ResizeImages(x, 4, 4, ResizeMode::kTf1Bilinear);
}

TEST(ResizeImagesTest, ThreeByThreeToTwoByTwo) {
  const torch::Tensor x = torch::arange(9, torch::kFloat).view({1, 1, 3, 3});
  const torch::Tensor pytorch = torch::tensor({1.0f, 2.5f, 5.5f, 7.0f}).view({1, 1, 2, 2});
  const torch::Tensor tf1 = torch::tensor({0.0f, 1.5f, 4.5f, 6.0f}).view({1, 1, 2, 2});
  EXPECT_TRUE(torch::allclose(ResizeImages(x, 2, 2, ResizeMode::kPytorchBilinear), pytorch))
      << ResizeImages(x, 2, 2, ResizeMode::kPytorchBilinear);
  EXPECT_TRUE(torch::allclose(ResizeImages(x, 2, 2, ResizeMode::kTf1Bilinear), tf1))
      << ResizeImages(x, 2, 2, ResizeMode::kTf1Bilinear);
}

TEST(ResizeImagesTest, AxesAreIndependentAndChannelsAndBatchKept) {
  // 1x2 -> 2x4 of [[0, 1]] in TF1: rows repeat (src row 0, 0.5 -> clamped to row 0),
  // columns [0, 0.5, 1, 1]. Two images, two channels (the second channel doubled).
  const torch::Tensor row = torch::tensor({0.0f, 1.0f}).view({1, 1, 1, 2});
  const torch::Tensor x = torch::cat({row, 2 * row}, 1).repeat({2, 1, 1, 1});
  const torch::Tensor y = ResizeImages(x, 2, 4, ResizeMode::kTf1Bilinear);
  ASSERT_EQ(Sizes(y), (std::vector<int64_t>{2, 2, 2, 4}));
  const torch::Tensor expected_row = torch::tensor({0.0f, 0.5f, 1.0f, 1.0f});
  EXPECT_TRUE(torch::allclose(y[1][0][1], expected_row));
  EXPECT_TRUE(torch::allclose(y[1][1][0], 2 * expected_row));
}

TEST(ResizeImagesTest, SameSizeIsIdentity) {
  const torch::Tensor x = torch::rand({1, 3, 5, 6});
  EXPECT_TRUE(ResizeImages(x, 5, 6, ResizeMode::kTf1Bilinear).equal(x));
  EXPECT_TRUE(ResizeImages(x, 5, 6, ResizeMode::kPytorchBilinear).equal(x));
}

// ---------------------------------------------------------------------------------------------
// The full network (random weights): shapes and the extractor's plumbing.
TEST(InceptionV3Test, Forward299GivesPool3AndLogits) {
  torch::manual_seed(0);
  InceptionV3 net;
  net->eval();
  torch::InferenceMode inference;
  const torch::Tensor x = torch::rand({1, 3, 299, 299}) * 2 - 1;
  const torch::Tensor pool3 = net(x);
  ASSERT_EQ(Sizes(pool3), (std::vector<int64_t>{1, 2048}));
  EXPECT_TRUE(torch::isfinite(pool3).all().item<bool>());
  EXPECT_GE(pool3.min().item<float>(), 0.0f);  // average of ReLU outputs
  const torch::Tensor unbiased = net->Logits(pool3, /*with_bias=*/false);
  const torch::Tensor biased = net->Logits(pool3, /*with_bias=*/true);
  ASSERT_EQ(Sizes(unbiased), (std::vector<int64_t>{1, 1008}));
  EXPECT_TRUE(torch::allclose(unbiased, pool3.matmul(net->fc->weight.t()), 1e-5, 1e-5));
  EXPECT_TRUE(torch::allclose(biased - unbiased, net->fc->bias.unsqueeze(0), 1e-5, 1e-5));
}

TEST(InceptionV3Test, SmallestInputRuns) {
  InceptionV3 net;
  net->eval();
  torch::InferenceMode inference;
  EXPECT_EQ(Sizes(net(torch::zeros({1, 3, 75, 75}))), (std::vector<int64_t>{1, 2048}));
}

TEST(InceptionV3FeatureExtractorTest, ResizePathGrayImagesAndBatching) {
  torch::manual_seed(1);
  InceptionV3FeatureExtractor extractor(InceptionV3ExtractorOptions().batch_size(1));
  EXPECT_EQ(extractor.feature_dim(), 2048);
  EXPECT_EQ(extractor.num_classes(), 1008);
  const torch::Tensor images = torch::rand({2, 1, 32, 32}) * 2 - 1;

  const torch::Tensor prepared = extractor.Preprocess(images);
  ASSERT_EQ(Sizes(prepared), (std::vector<int64_t>{2, 3, 299, 299}));
  EXPECT_TRUE(prepared.select(1, 0).equal(prepared.select(1, 2)));  // gray repeated
  const torch::Tensor resized = ResizeImages(images, 299, 299, ResizeMode::kPytorchBilinear);
  EXPECT_TRUE(torch::allclose(prepared.select(1, 1).unsqueeze(1), resized, 1e-5, 1e-6))
      << (prepared.select(1, 1).unsqueeze(1) - resized).abs().max();

  const ExtractedFeatures f = extractor.Extract(images);  // two batches of one
  ASSERT_EQ(Sizes(f.features), (std::vector<int64_t>{2, 2048}));
  ASSERT_EQ(Sizes(f.logits), (std::vector<int64_t>{2, 1008}));
  EXPECT_EQ(f.features.scalar_type(), torch::kFloat);
  EXPECT_FALSE(f.features.requires_grad());
  EXPECT_FALSE(f.features.is_inference());  // usable like any tensor by the caller

  torch::Tensor reference;
  {
    torch::InferenceMode inference;
    reference = extractor.network()->forward(prepared);  // both images in one batch
  }
  EXPECT_TRUE(torch::allclose(f.features, reference, 1e-4, 1e-5));
  EXPECT_TRUE(torch::allclose(
      f.logits, f.features.matmul(extractor.network()->fc->weight.t()), 1e-4, 1e-4));
  EXPECT_FALSE(extractor.network()->is_training());

  EXPECT_EQ(Sizes(extractor.Extract(torch::zeros({0, 3, 8, 8})).features),
            (std::vector<int64_t>{0, 2048}));
  EXPECT_THROW(extractor.Extract(torch::zeros({1, 2, 8, 8})), c10::Error);
}

TEST(InceptionV3FeatureExtractorTest, TfInputScalingAndNames) {
  InceptionV3FeatureExtractor pytorch_fid;
  EXPECT_EQ(pytorch_fid.name(),
            "inception-v3-fid (weights=random-init, resize=pytorch-bilinear, input=pytorch-fid, "
            "logits=no-bias)");
  InceptionV3FeatureExtractor tf(InceptionV3ExtractorOptions()
                                     .resize(ResizeMode::kTf1Bilinear)
                                     .input_scaling(InputScaling::kTfUint8)
                                     .logits_with_bias(true));
  EXPECT_EQ(tf.name(),
            "inception-v3-fid (weights=random-init, resize=tf1-bilinear, input=tf-uint8, "
            "logits=with-bias)");
  // x = 1 is uint8 255: (255 - 128) / 128 = 0.9921875; x = -1 is 0: -1. Constant images stay
  // constant under either resize.
  const torch::Tensor images = torch::cat({torch::ones({1, 3, 2, 2}), -torch::ones({1, 3, 2, 2})});
  const torch::Tensor prepared = tf.Preprocess(images);
  ASSERT_EQ(Sizes(prepared), (std::vector<int64_t>{2, 3, 299, 299}));
  EXPECT_TRUE(torch::allclose(prepared[0], torch::full({3, 299, 299}, 0.9921875f)));
  EXPECT_TRUE(torch::allclose(prepared[1], torch::full({3, 299, 299}, -1.0f)));
  EXPECT_TRUE(torch::allclose(pytorch_fid.Preprocess(images)[0], torch::ones({3, 299, 299})));
}

// ---------------------------------------------------------------------------------------------
// Weights from a state dict file: written here with torch::pickle_save (the zip format
// torch.save writes), read through LoadInceptionV3StateDict.
c10::impl::GenericDict StateDict(InceptionV3Impl& net) {
  c10::impl::GenericDict dict(c10::StringType::get(), c10::TensorType::get());
  for (const auto& p : net.named_parameters()) dict.insert(p.key(), p.value().detach());
  for (const auto& b : net.named_buffers()) dict.insert(b.key(), b.value().detach());
  return dict;
}

std::string SaveDict(const c10::impl::GenericDict& dict, const std::string& name) {
  const std::string path = TempPath(name);
  WriteBytes(path, torch::pickle_save(c10::IValue(dict)));
  return path;
}

bool SameWeights(InceptionV3Impl& a, InceptionV3Impl& b) {
  const auto pa = a.named_parameters(), pb = b.named_parameters();
  for (const auto& p : pa) {
    if (!p.value().equal(pb[p.key()])) return false;
  }
  const auto ba = a.named_buffers(), bb = b.named_buffers();
  for (const auto& buffer : ba) {
    if (!buffer.value().equal(bb[buffer.key()])) return false;
  }
  return true;
}

TEST(InceptionV3WeightsTest, LoadsEveryParameterAndBufferFromAStateDictFile) {
  torch::manual_seed(3);
  InceptionV3 source;
  {
    torch::NoGradGuard no_grad;  // non-default BN statistics, so buffers are checked too
    for (auto& b : source->buffers()) {
      if (b.is_floating_point()) b.uniform_(0.5, 1.5);
    }
    for (auto& b : source->buffers()) {
      if (!b.is_floating_point()) b.fill_(7);
    }
  }
  const std::string path = SaveDict(StateDict(*source), "pt_inception_test.pt");

  torch::manual_seed(4);
  auto loaded = InceptionV3FeatureExtractor::FromStateDictFile(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_TRUE(SameWeights(*source, *(*loaded)->network()));
  EXPECT_EQ((*loaded)->name(),
            "inception-v3-fid (weights=pt_inception_test.pt, resize=pytorch-bilinear, "
            "input=pytorch-fid, logits=no-bias)");

  // Without num_batches_tracked (torch-fidelity's file has none): loads, counters untouched.
  c10::impl::GenericDict without_counters(c10::StringType::get(), c10::TensorType::get());
  for (const auto& entry : StateDict(*source)) {
    if (entry.key().toStringRef().find("num_batches_tracked") == std::string::npos) {
      without_counters.insert(entry.key(), entry.value());
    }
  }
  InceptionV3 target;
  const absl::Status status =
      LoadInceptionV3StateDict(SaveDict(without_counters, "no_counters.pt"), *target);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_TRUE(target->fc->weight.equal(source->fc->weight));
  EXPECT_EQ(target->named_buffers()["Conv2d_1a_3x3.bn.num_batches_tracked"].item<int64_t>(), 0);

  // A missing key is named; nothing is copied.
  c10::impl::GenericDict missing = StateDict(*source).copy();
  ASSERT_EQ(missing.erase(c10::IValue(std::string("Mixed_7c.branch_pool.conv.weight"))), 1u);
  InceptionV3 untouched;
  const std::string missing_path = SaveDict(missing, "missing.pt");
  const absl::Status missing_status = LoadInceptionV3StateDict(missing_path, *untouched);
  EXPECT_EQ(missing_status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(missing_status.message()), HasSubstr(missing_path));
  EXPECT_THAT(std::string(missing_status.message()),
              HasSubstr("missing key 'Mixed_7c.branch_pool.conv.weight' (1 keys missing"));
  EXPECT_FALSE(untouched->fc->weight.equal(source->fc->weight));
}

TEST(InceptionV3WeightsTest, WrongShapeIsNamedAndNothingIsCopied) {
  InceptionV3 net;
  const torch::Tensor before = net->Conv2d_1a_3x3->conv->weight.clone();
  c10::impl::GenericDict dict(c10::StringType::get(), c10::TensorType::get());
  dict.insert("Conv2d_1a_3x3.conv.weight", torch::ones({32, 3, 3, 3}));  // valid
  dict.insert("fc.bias", torch::zeros({1007}));
  const std::string path = SaveDict(dict, "wrong_shape.pt");
  const absl::Status status = LoadInceptionV3StateDict(path, *net);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr(path));
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("key 'fc.bias' has shape [1007], expected [1008]"));
  EXPECT_TRUE(net->Conv2d_1a_3x3->conv->weight.equal(before));
}

TEST(InceptionV3WeightsTest, UnexpectedKeyAndNonDictAreRejected) {
  InceptionV3 net;
  c10::impl::GenericDict dict(c10::StringType::get(), c10::TensorType::get());
  dict.insert("AuxLogits.fc.weight", torch::zeros({1008, 768}));
  const absl::Status unexpected = LoadInceptionV3StateDict(SaveDict(dict, "aux.pt"), *net);
  EXPECT_EQ(unexpected.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unexpected.message()), HasSubstr("unexpected key 'AuxLogits.fc.weight'"));

  const std::string tensor_path = TempPath("tensor.pt");
  WriteBytes(tensor_path, torch::pickle_save(c10::IValue(torch::zeros({2}))));
  const absl::Status not_dict = LoadInceptionV3StateDict(tensor_path, *net);
  EXPECT_EQ(not_dict.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(not_dict.message()), HasSubstr("expected a dict name -> tensor"));
}

TEST(InceptionV3WeightsTest, UnreadableFileGetsTheConversionCommand) {
  InceptionV3 net;
  const std::string path = TempPath("legacy.pth");
  const std::string text = "not a zip archive";
  WriteBytes(path, std::vector<char>(text.begin(), text.end()));
  const absl::Status status = LoadInceptionV3StateDict(path, *net);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr(path));
  EXPECT_THAT(std::string(status.message()), HasSubstr(kInceptionWeightsConversion));
  EXPECT_THAT(std::string(kInceptionWeightsConversion),
              HasSubstr("torch.save({k: v.contiguous() for k, v in sd.items()}, 'OUT.pt')"));

  const auto missing = InceptionV3FeatureExtractor::FromStateDictFile(TempPath("nope.pth"));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("nope.pth"));
}

// ---------------------------------------------------------------------------------------------
// TorchScriptInception with a tiny stand-in for StyleGAN2-ADA's detector: features = the mean
// of the [0, 255] image repeated 2048 times; optional "output.weight" [3, 2048] whose row k
// is (k + 1) / 2048, so logits_k = feature * (k + 1).
std::string SaveTinyDetector(const std::string& name, bool with_output, bool with_flag = true) {
  torch::jit::Module detector("TinyDetector");
  if (with_output) {
    torch::jit::Module output("TinyOutput");
    output.register_parameter(
        "weight", torch::arange(1, 4, torch::kFloat).unsqueeze(1).repeat({1, 2048}) / 2048.0,
        /*is_buffer=*/false);
    detector.register_module("output", output);
  }
  if (with_flag) {
    detector.define(R"JIT(
def forward(self, img: Tensor, return_features: bool = False) -> Tensor:
    x = img.float()
    f = x.mean([1, 2, 3]).unsqueeze(1).repeat([1, 2048])
    if return_features:
        return f
    return torch.zeros([img.size(0), 3])
)JIT");
  } else {
    detector.define(R"JIT(
def forward(self, img: Tensor) -> Tensor:
    return img
)JIT");
  }
  const std::string path = TempPath(name);
  detector.save(path);
  return path;
}

TEST(TorchScriptInceptionTest, ScalesToZeroTo255AndComputesUnbiasedLogits) {
  const std::string path = SaveTinyDetector("inception-tiny.pt", /*with_output=*/true);
  auto detector = TorchScriptInception::Load(path, TorchScriptInceptionOptions().batch_size(2));
  ASSERT_TRUE(detector.ok()) << detector.status();
  EXPECT_EQ((*detector)->feature_dim(), 2048);
  EXPECT_EQ((*detector)->num_classes(), 3);
  EXPECT_EQ((*detector)->name(),
            "inception-v3-torchscript (weights=inception-tiny.pt, resize=in-detector, "
            "input=uint8, logits=no-bias)");
  // -1 -> uint8 0, 1 -> 255, 0 -> floor(128) = 128, 37 / 127.5 - 1 -> exactly 37 again.
  const torch::Tensor images =
      torch::stack({torch::full({3, 4, 5}, -1.0f), torch::full({3, 4, 5}, 1.0f),
                    torch::full({3, 4, 5}, 0.0f), torch::full({3, 4, 5}, 37 / 127.5f - 1)});
  const ExtractedFeatures f = (*detector)->Extract(images);  // batches of 2 + 2
  ASSERT_EQ(Sizes(f.features), (std::vector<int64_t>{4, 2048}));
  ASSERT_EQ(Sizes(f.logits), (std::vector<int64_t>{4, 3}));
  const std::vector<float> expected = {0.0f, 255.0f, 128.0f, 37.0f};
  for (int64_t i = 0; i < 4; ++i) {
    EXPECT_FLOAT_EQ(f.features[i][0].item<float>(), expected[i]);
    EXPECT_FLOAT_EQ(f.features[i][2047].item<float>(), expected[i]);
    for (int64_t k = 0; k < 3; ++k) {
      EXPECT_NEAR(f.logits[i][k].item<float>(), expected[i] * (k + 1), 1e-3);
    }
  }
  EXPECT_FALSE(f.features.is_inference());
}

TEST(TorchScriptInceptionTest, UnquantizedRangeGrayImagesAndNoLogits) {
  const std::string path = SaveTinyDetector("no-output.pt", /*with_output=*/false);
  auto detector = TorchScriptInception::Load(
      path, TorchScriptInceptionOptions().quantize_to_uint8(false));
  ASSERT_TRUE(detector.ok()) << detector.status();
  EXPECT_EQ((*detector)->num_classes(), 0);
  EXPECT_THAT((*detector)->name(), HasSubstr("input=float-0-255, logits=none"));
  // Gray [-1, 1] image with values -1 and 0 in equal parts: mean of (x + 1) * 127.5 = 63.75.
  const torch::Tensor gray = torch::cat({torch::full({1, 1, 2, 4}, -1.0f),
                                         torch::zeros({1, 1, 2, 4})}, 2);
  const ExtractedFeatures f = (*detector)->Extract(gray);
  ASSERT_EQ(Sizes(f.features), (std::vector<int64_t>{1, 2048}));
  EXPECT_FLOAT_EQ(f.features[0][5].item<float>(), 63.75f);
  EXPECT_FALSE(f.logits.defined());
}

TEST(TorchScriptInceptionTest, DetectorRangeConversion) {
  const torch::Tensor x = torch::tensor({-1.0f, -0.5f, 0.0f, 0.999f, 1.0f});
  // x * 127.5 + 128 = 0.5, 64.25, 128, 255.37, 255.5 -> floor after clamp to [0, 255].
  EXPECT_TRUE(TorchScriptInception::ToDetectorRange(x, true)
                  .equal(torch::tensor({0.0f, 64.0f, 128.0f, 255.0f, 255.0f})));
  EXPECT_TRUE(torch::allclose(TorchScriptInception::ToDetectorRange(x, false),
                              torch::tensor({0.0f, 63.75f, 127.5f, 254.8725f, 255.0f})));
}

TEST(TorchScriptInceptionTest, LoadErrorsNameTheFile) {
  const auto missing = TorchScriptInception::Load(TempPath("absent.pt"));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()), HasSubstr("absent.pt"));

  const std::string garbage = TempPath("garbage.pt");
  const std::string text = "not torchscript";
  WriteBytes(garbage, std::vector<char>(text.begin(), text.end()));
  const auto unreadable = TorchScriptInception::Load(garbage);
  EXPECT_EQ(unreadable.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(unreadable.status().message()), HasSubstr("garbage.pt"));

  const auto no_flag = TorchScriptInception::Load(
      SaveTinyDetector("no-flag.pt", /*with_output=*/false, /*with_flag=*/false));
  EXPECT_EQ(no_flag.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(no_flag.status().message()), HasSubstr("return_features"));
}

}  // namespace
}  // namespace gan
