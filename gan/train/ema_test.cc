// The generator EMA on a small Linear + BatchNorm1d network: exact copies before the start
// step, the decayed average worked out by hand, buffer copies, checkpoint round trips and
// structure mismatches.
#include "gan/train/ema.h"

#include <functional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/utils.h>

#include "gan/core/archive_file.h"

namespace gan {
namespace {

using ::testing::HasSubstr;

torch::nn::Sequential Net(int64_t hidden = 4, uint64_t seed = 1) {
  torch::manual_seed(seed);
  return torch::nn::Sequential(torch::nn::Linear(3, hidden), torch::nn::BatchNorm1d(hidden));
}

std::vector<torch::Tensor> Snapshot(const std::vector<torch::Tensor>& tensors) {
  std::vector<torch::Tensor> out;
  for (const auto& t : tensors) out.push_back(t.detach().clone());
  return out;
}

void ExpectAllEqual(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(a[i].equal(b[i])) << i;
}

// Moves every parameter and the BatchNorm running statistics away from where they were.
void TrainStep(torch::nn::Sequential& net) {
  {
    torch::NoGradGuard no_grad;
    for (auto& p : net->parameters()) p.add_(torch::randn_like(p));
  }
  net->train();
  net->forward(torch::randn({8, 3}) * 2 + 1);
}

std::string ErrorOf(torch::nn::Sequential source, torch::nn::Sequential shadow) {
  try {
    GeneratorEma ema(source.ptr(), shadow.ptr());
  } catch (const c10::Error& e) {
    return e.what_without_backtrace();
  }
  return "";
}

TEST(GeneratorEmaTest, ConstructionCopiesTheSourceExactly) {
  torch::nn::Sequential source = Net(4, 1), shadow = Net(4, 2);
  TrainStep(source);
  ASSERT_FALSE(source->parameters()[0].equal(shadow->parameters()[0]));
  GeneratorEma ema(source.ptr(), shadow.ptr());
  ExpectAllEqual(shadow->parameters(), source->parameters());
  ExpectAllEqual(shadow->buffers(), source->buffers());
  for (const auto& p : shadow->parameters()) EXPECT_FALSE(p.requires_grad());
  for (const auto& p : source->parameters()) EXPECT_TRUE(p.requires_grad());
}

TEST(GeneratorEmaTest, CopiesExactlyBeforeStartStep) {
  torch::nn::Sequential source = Net(), shadow = Net(4, 2);
  GeneratorEma ema(source.ptr(), shadow.ptr(), {0.9, 5});
  for (int64_t step = 0; step < 5; ++step) {
    TrainStep(source);
    ema.Update(step);
    ExpectAllEqual(shadow->parameters(), source->parameters());
    ExpectAllEqual(shadow->buffers(), source->buffers());
  }
}

// The shadow's first weight after one update (`update`) of a source whose weights were 1
// at construction (decay 0.9 in the options) and 3 at the update.
torch::Tensor AveragedAfterOneUpdate(const std::function<void(GeneratorEma&)>& update) {
  torch::nn::Sequential source = Net(), shadow = Net(4, 2);
  torch::Tensor weight = source->named_parameters()["0.weight"];
  {
    torch::NoGradGuard no_grad;
    weight.fill_(1.0);
  }
  GeneratorEma ema(source.ptr(), shadow.ptr(), {0.9, 0});
  {
    torch::NoGradGuard no_grad;
    weight.fill_(3.0);
  }
  update(ema);
  return shadow->named_parameters()["0.weight"];
}

TEST(GeneratorEmaTest, OneUpdateWithDecayPointNineByHand) {
  const torch::Tensor averaged = AveragedAfterOneUpdate([](GeneratorEma& ema) { ema.Update(0); });
  // 0.9 * 1 + 0.1 * 3 = 1.2.
  EXPECT_TRUE(torch::allclose(averaged, torch::full({4, 3}, 1.2f), 0, 1e-6)) << averaged;
}

TEST(GeneratorEmaTest, ADecayPassedToUpdateReplacesTheOptionsDecay) {
  const torch::Tensor averaged =
      AveragedAfterOneUpdate([](GeneratorEma& ema) { ema.Update(0, 0.25); });
  // 0.25 * 1 + 0.75 * 3 = 2.5.
  EXPECT_TRUE(torch::allclose(averaged, torch::full({4, 3}, 2.5f), 0, 1e-6)) << averaged;
}

// Values of 0.5 ** (batch / half_life) from Python, with StyleGAN2-ADA's numbers: a half-life
// of 10 kimg, batch 32, ramp-up 0.05.
TEST(EmaDecayFromHalfLifeTest, MatchesTheReferenceRuleWithAndWithoutRampUp) {
  EXPECT_DOUBLE_EQ(EmaDecayFromHalfLife(10000, 0, 0, 32), 0.9977843871238888);
  EXPECT_DOUBLE_EQ(EmaDecayFromHalfLife(10000, 0, 1e6, 64), 0.9955736831881946);
  // Ramp-up: after 3200 images the half-life is 0.05 x 3200 = 160 images.
  EXPECT_DOUBLE_EQ(EmaDecayFromHalfLife(10000, 0.05, 3200, 32), 0.8705505632961241);
  // ... at the start 0 (a copy), and from 200k images on the full half-life.
  EXPECT_EQ(EmaDecayFromHalfLife(10000, 0.05, 0, 32), 0.0);
  EXPECT_DOUBLE_EQ(EmaDecayFromHalfLife(10000, 0.05, 2e5, 32), 0.9977843871238888);
}

TEST(GeneratorEmaTest, UpdateAveragesParametersAndCopiesBuffers) {
  torch::nn::Sequential source = Net(), shadow = Net(4, 2);
  GeneratorEma ema(source.ptr(), shadow.ptr(), {0.9, 0});
  const auto old_shadow = Snapshot(shadow->parameters());
  TrainStep(source);
  ema.Update(7);
  const auto now = shadow->parameters();
  const auto fresh = source->parameters();
  for (size_t i = 0; i < now.size(); ++i) {
    const torch::Tensor expected = 0.9 * old_shadow[i] + 0.1 * fresh[i].detach();
    EXPECT_TRUE(torch::allclose(now[i], expected, 0, 1e-6)) << i;
    EXPECT_FALSE(now[i].equal(fresh[i])) << i;
    EXPECT_FALSE(now[i].requires_grad());
  }
  // Running mean/var and num_batches_tracked follow the source exactly.
  ExpectAllEqual(shadow->buffers(), source->buffers());
  EXPECT_EQ(shadow->named_buffers()["1.num_batches_tracked"].item<int64_t>(), 1);
}

TEST(GeneratorEmaTest, AverageBuffersAveragesRunningStatisticsByHandAndCopiesTheCount) {
  torch::nn::Sequential source = Net(), shadow = Net(4, 2);
  auto buffers = source->named_buffers();
  {
    torch::NoGradGuard no_grad;
    buffers["1.running_mean"].fill_(2.0);
    buffers["1.running_var"].fill_(4.0);
  }
  GeneratorEma ema(source.ptr(), shadow.ptr(), {0.75, 0, /*average_buffers=*/true});
  {
    torch::NoGradGuard no_grad;
    buffers["1.running_mean"].fill_(6.0);
    buffers["1.running_var"].fill_(8.0);
    buffers["1.num_batches_tracked"].fill_(5);
  }
  ema.Update(0);
  auto averaged = shadow->named_buffers();
  // 0.75 * 2 + 0.25 * 6 = 3 and 0.75 * 4 + 0.25 * 8 = 5; the batch count is copied, since
  // an average of counts is not a count.
  EXPECT_TRUE(averaged["1.running_mean"].equal(torch::full({4}, 3.0f))) << averaged["1.running_mean"];
  EXPECT_TRUE(averaged["1.running_var"].equal(torch::full({4}, 5.0f))) << averaged["1.running_var"];
  EXPECT_EQ(averaged["1.num_batches_tracked"].item<int64_t>(), 5);
}

TEST(GeneratorEmaTest, SaveLoadRoundTripIntoAFreshShadow) {
  torch::nn::Sequential source = Net(), shadow = Net(4, 2);
  GeneratorEma ema(source.ptr(), shadow.ptr(), {0.5, 0});
  for (int64_t step = 0; step < 3; ++step) {
    TrainStep(source);
    ema.Update(step);
  }
  torch::serialize::OutputArchive saved;
  ema.Save(saved);

  torch::nn::Sequential source2 = Net(4, 3), shadow2 = Net(4, 4);
  GeneratorEma resumed(source2.ptr(), shadow2.ptr(), {0.5, 0});
  torch::serialize::InputArchive archive = ReadBackInMemory(saved);
  resumed.Load(archive);
  ExpectAllEqual(shadow2->parameters(), shadow->parameters());
  ExpectAllEqual(shadow2->buffers(), shadow->buffers());
  for (const auto& p : shadow2->parameters()) EXPECT_FALSE(p.requires_grad());

  // The resumed average continues exactly as the original one.
  {
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < source->parameters().size(); ++i) {
      source2->parameters()[i].copy_(source->parameters()[i]);
    }
  }
  ema.Update(3);
  resumed.Update(3);
  ExpectAllEqual(shadow2->parameters(), shadow->parameters());
}

TEST(GeneratorEmaTest, StructureMismatchNamesTheFirstDifference) {
  EXPECT_THAT(ErrorOf(Net(4), Net(5)),
              HasSubstr("parameter '0.weight' has shape [4, 3] in the source but [5, 3]"));
  EXPECT_THAT(ErrorOf(Net(4), torch::nn::Sequential(torch::nn::Linear(3, 4))),
              HasSubstr("parameter '1.weight' of the source is missing from the shadow"));
  EXPECT_THAT(ErrorOf(torch::nn::Sequential(torch::nn::Linear(3, 4)),
                      torch::nn::Sequential(torch::nn::Linear(3, 4), torch::nn::Linear(4, 4))),
              HasSubstr("parameter '1.weight' of the shadow is missing from the source"));
  torch::nn::Sequential renamed;
  renamed->push_back("fc", torch::nn::Linear(3, 4));
  renamed->push_back("bn", torch::nn::BatchNorm1d(4));
  EXPECT_THAT(ErrorOf(Net(4), renamed),
              HasSubstr("parameter #0 is '0.weight' in the source but 'fc.weight' in the shadow"));
  // Same parameters, but LayerNorm has no running statistics.
  EXPECT_THAT(
      ErrorOf(Net(4), torch::nn::Sequential(torch::nn::Linear(3, 4),
                                            torch::nn::LayerNorm(torch::nn::LayerNormOptions({4})))),
      HasSubstr("buffer '1.running_mean' of the source is missing from the shadow"));
  torch::nn::Sequential net = Net();
  EXPECT_THROW(GeneratorEma(net.ptr(), net.ptr()), c10::Error);
}

}  // namespace
}  // namespace gan
