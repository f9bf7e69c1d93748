#include "gan/core/strict_load.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/nn/modules/linear.h>
#include <torch/optim/adam.h>
#include <torch/optim/adamw.h>
#include <torch/optim/rmsprop.h>
#include <torch/optim/sgd.h>
#include <torch/utils.h>

#include "gan/core/archive_file.h"
#include "gan/core/torch_compat.h"

namespace gan {
namespace {

using ::testing::HasSubstr;

// Two parameters, `weight` [2, 3] and `bias` [bias_size], and a child with one more.
struct TwoLayerImpl : torch::nn::Module {
  explicit TwoLayerImpl(int64_t bias_size) {
    weight = register_parameter("weight", torch::randn({2, 3}));
    bias = register_parameter("bias", torch::randn({bias_size}));
    child = register_module("child", torch::nn::Linear(3, 1));
  }
  torch::Tensor Forward(const torch::Tensor& x) {
    return (child(x).sum() + x.matmul(weight.t()).sum() + bias.sum()).square();
  }
  torch::Tensor weight, bias;
  torch::nn::Linear child{nullptr};
};
TORCH_MODULE(TwoLayer);

void Steps(TwoLayer& net, torch::optim::Optimizer& optimizer, int steps) {
  for (int i = 0; i < steps; ++i) {
    optimizer.zero_grad();
    net->Forward(torch::arange(3, torch::kFloat) * (i + 1)).backward();
    optimizer.step();
  }
}

torch::serialize::InputArchive Saved(const torch::optim::Optimizer& optimizer) {
  torch::serialize::OutputArchive out;
  optimizer.save(out);
  return ReadBackInMemory(out);
}

torch::serialize::InputArchive Saved(const torch::nn::Module& module) {
  torch::serialize::OutputArchive out;
  module.save(out);
  return ReadBackInMemory(out);
}

torch::Tensor Flat(const torch::nn::Module& module) {
  std::vector<torch::Tensor> flat;
  for (const auto& p : module.parameters()) flat.push_back(p.detach().flatten());
  return torch::cat(flat);
}

// Training on after a load continues exactly as the uninterrupted optimizer does, so
// every part of the state (step counts, moments, buffers) was read.
template <typename Optimizer, typename Options>
void ExpectResumesExactly(const Options& options) {
  torch::manual_seed(0);
  TwoLayer net(2);
  Optimizer original(net->parameters(), options);
  Steps(net, original, 3);
  TwoLayer copy(2);
  {
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < net->parameters().size(); ++i) {
      copy->parameters()[i].copy_(net->parameters()[i]);
    }
  }
  Optimizer resumed(copy->parameters(), options);
  auto archive = Saved(original);
  LoadOptimizerStrictly(resumed, archive, "optimizer");
  EXPECT_EQ(resumed.state().size(), original.state().size());
  Steps(net, original, 2);
  Steps(copy, resumed, 2);
  EXPECT_TRUE(torch::equal(Flat(*net), Flat(*copy)));
}

TEST(LoadOptimizerStrictlyTest, AdamResumesExactly) {
  ExpectResumesExactly<torch::optim::Adam>(torch::optim::AdamOptions(0.1).amsgrad(true));
}

TEST(LoadOptimizerStrictlyTest, AdamWResumesExactly) {
  ExpectResumesExactly<torch::optim::AdamW>(torch::optim::AdamWOptions(0.1));
}

TEST(LoadOptimizerStrictlyTest, RmspropWithMomentumAndCenteringResumesExactly) {
  ExpectResumesExactly<torch::optim::RMSprop>(
      torch::optim::RMSpropOptions(0.01).momentum(0.5).centered(true));
}

TEST(LoadOptimizerStrictlyTest, SgdWithMomentumResumesExactly) {
  ExpectResumesExactly<torch::optim::SGD>(torch::optim::SGDOptions(0.01).momentum(0.9));
}

// A parameter of another shape fails the load, names the parameter, and leaves the
// optimizer's state exactly as it was: a later load (an older checkpoint) starts clean.
TEST(LoadOptimizerStrictlyTest, MismatchLeavesStateUntouched) {
  torch::manual_seed(0);
  TwoLayer other(5), net(2);
  torch::optim::Adam other_adam(other->parameters(), torch::optim::AdamOptions(0.1));
  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(0.1));
  Steps(other, other_adam, 1);
  Steps(net, adam, 2);
  const auto& key = OptimizerStateKeyOf(net->weight);
  const torch::Tensor before =
      static_cast<torch::optim::AdamParamState&>(*adam.state().at(key)).exp_avg().clone();

  auto archive = Saved(other_adam);
  try {
    LoadOptimizerStrictly(adam, archive, "generator optimizer");
    FAIL() << "a bias of shape [5] was loaded for one of shape [2]";
  } catch (const c10::Error& e) {
    EXPECT_THAT(e.what_without_backtrace(),
                HasSubstr("generator optimizer group 0 parameter 1 tensor 'exp_avg' has shape "
                          "[5] in the checkpoint, its parameter expects [2]"));
  }
  const auto& state = static_cast<torch::optim::AdamParamState&>(*adam.state().at(key));
  EXPECT_EQ(state.step(), 2);
  EXPECT_TRUE(torch::equal(state.exp_avg(), before));
}

TEST(LoadOptimizerStrictlyTest, StateMissingFromTheArchiveIsCleared) {
  torch::manual_seed(0);
  TwoLayer net(2);
  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(0.1));
  torch::optim::Adam fresh(net->parameters(), torch::optim::AdamOptions(0.1));
  Steps(net, adam, 1);
  ASSERT_EQ(adam.state().size(), 4u);
  auto archive = Saved(fresh);
  LoadOptimizerStrictly(adam, archive, "optimizer");
  EXPECT_TRUE(adam.state().empty());
}

TEST(LoadOptimizerStrictlyTest, AnotherParameterCountIsRefused) {
  torch::manual_seed(0);
  TwoLayer net(2);
  torch::nn::Linear single(3, 1);
  torch::optim::Adam adam(net->parameters(), torch::optim::AdamOptions(0.1));
  torch::optim::Adam other(single->parameters(), torch::optim::AdamOptions(0.1));
  auto archive = Saved(other);
  EXPECT_THROW(
      {
        try {
          LoadOptimizerStrictly(adam, archive, "discriminator optimizer");
        } catch (const c10::Error& e) {
          EXPECT_THAT(e.what_without_backtrace(),
                      HasSubstr("discriminator optimizer group 0 has 2 parameters in the "
                                "checkpoint, the optimizer has 4"));
          throw;
        }
      },
      c10::Error);
}

// A hand-written archive in Optimizer::save's layout: one group of one parameter, saved
// under "saved-key", whose state entries are `state`.
torch::serialize::InputArchive OptimizerRecord(torch::serialize::OutputArchive& state) {
  torch::serialize::OutputArchive out, groups, group;
  out.write("pytorch_version", c10::IValue("1.5.0"));
  out.write("state", state);
  groups.write("param_groups/size", torch::tensor(int64_t{1}));
  group.write("params/size", torch::tensor(int64_t{1}));
  group.write("params/0", c10::IValue("saved-key"));
  groups.write("param_groups/0", group);
  out.write("param_groups", groups);
  return ReadBackInMemory(out);
}

// Adam's state for that parameter, with `step` and `exp_avg` as given.
torch::serialize::InputArchive AdamRecord(const c10::IValue& step, const torch::Tensor& exp_avg) {
  torch::serialize::OutputArchive state, param;
  param.write("step", step);
  param.write("exp_avg", exp_avg);
  param.write("exp_avg_sq", torch::zeros({1}));
  state.write("saved-key", param);
  return OptimizerRecord(state);
}

std::string LoadError(torch::serialize::InputArchive archive) {
  torch::Tensor parameter = torch::zeros({1}, torch::requires_grad());
  torch::optim::Adam adam({parameter}, torch::optim::AdamOptions(0.1));
  try {
    LoadOptimizerStrictly(adam, archive, "optimizer");
  } catch (const c10::Error& e) {
    return e.what_without_backtrace();
  }
  EXPECT_EQ(adam.state().size(), 1u);
  return "";
}

TEST(LoadOptimizerStrictlyTest, FieldsOfTheWrongKindAreRefused) {
  EXPECT_EQ(LoadError(AdamRecord(c10::IValue(int64_t{3}), torch::ones({1}))), "");
  EXPECT_THAT(LoadError(AdamRecord(c10::IValue("three"), torch::ones({1}))),
              HasSubstr("optimizer group 0 parameter 0 'step' is not a non-negative integer"));
  EXPECT_THAT(LoadError(AdamRecord(c10::IValue(int64_t{-1}), torch::ones({1}))),
              HasSubstr("'step' is not a non-negative integer"));
  EXPECT_THAT(LoadError(AdamRecord(c10::IValue(int64_t{3}), torch::ones({1}, torch::kDouble))),
              HasSubstr("tensor 'exp_avg' is Double in the checkpoint, its parameter expects Float"));
}

// Loaded state takes its parameter's memory format (channels-last training stays
// channels-last after a resume) and never autograd history.
TEST(LoadOptimizerStrictlyTest, StateFollowsTheParameterNotTheFile) {
  torch::Tensor stored = torch::randn({2, 3, 2, 2}, torch::requires_grad());
  torch::optim::Adam source({stored}, torch::optim::AdamOptions(0.1));
  stored.sum().backward();
  source.step();
  torch::Tensor nhwc = torch::zeros({2, 3, 2, 2}).contiguous(torch::MemoryFormat::ChannelsLast);
  nhwc.set_requires_grad(true);
  torch::optim::Adam adam({nhwc}, torch::optim::AdamOptions(0.1));
  auto archive = Saved(source);
  LoadOptimizerStrictly(adam, archive, "optimizer");
  const auto& state = static_cast<torch::optim::AdamParamState&>(
      *adam.state().at(OptimizerStateKeyOf(nhwc)));
  EXPECT_TRUE(state.exp_avg().is_contiguous(torch::MemoryFormat::ChannelsLast));
  EXPECT_FALSE(state.exp_avg().requires_grad());
  const auto& saved = static_cast<torch::optim::AdamParamState&>(
      *source.state().at(OptimizerStateKeyOf(stored)));
  EXPECT_TRUE(torch::equal(state.exp_avg(), saved.exp_avg()));
}

TEST(LoadOptimizerStrictlyTest, AStateEntryThatIsNotARecordIsRefused) {
  torch::serialize::OutputArchive state;
  state.write("saved-key", torch::zeros({1}));  // a tensor where a record belongs
  EXPECT_THAT(LoadError(OptimizerRecord(state)),
              HasSubstr("optimizer group 0 parameter 0 has a state entry that is not a record"));
}

TEST(LoadModuleStrictlyTest, LoadsNestedModulesIntoTheirOwnTensors) {
  torch::manual_seed(0);
  TwoLayer source(2), target(2);
  auto archive = Saved(*source);
  LoadModuleStrictly(*target, archive, "generator");
  EXPECT_TRUE(torch::equal(Flat(*source), Flat(*target)));
  torch::NoGradGuard no_grad;
  source->child->weight.add_(1);
  EXPECT_FALSE(torch::equal(Flat(*source), Flat(*target)));
}

// The child's tensors come after the mismatching bias; nothing is copied.
TEST(LoadModuleStrictlyTest, MismatchLeavesTheModuleUntouched) {
  torch::manual_seed(0);
  TwoLayer source(5), target(2);
  const torch::Tensor before = Flat(*target);
  auto archive = Saved(*source);
  try {
    LoadModuleStrictly(*target, archive, "generator");
    FAIL() << "loaded a bias of shape [5] into one of shape [2]";
  } catch (const c10::Error& e) {
    EXPECT_THAT(e.what_without_backtrace(),
                HasSubstr("generator tensor 'bias' has shape [5] in the checkpoint, the network "
                          "expects [2]"));
  }
  EXPECT_TRUE(torch::equal(Flat(*target), before));
}

TEST(LoadModuleStrictlyTest, MissingChildIsNamed) {
  torch::manual_seed(0);
  TwoLayer target(2);
  torch::serialize::OutputArchive out;
  out.write("weight", torch::zeros({2, 3}));
  out.write("bias", torch::zeros({2}));
  auto archive = ReadBackInMemory(out);
  try {
    LoadModuleStrictly(*target, archive, "discriminator");
    FAIL() << "loaded without the child module";
  } catch (const c10::Error& e) {
    EXPECT_THAT(e.what_without_backtrace(),
                HasSubstr("discriminator module 'child' is not in the checkpoint"));
  }
}

TEST(ReadIntStrictlyTest, AcceptsOneIntegerOnly) {
  torch::serialize::OutputArchive out;
  out.write("count", torch::tensor(int64_t{7}));
  out.write("real", torch::tensor(7.0));
  out.write("pair", torch::tensor({int64_t{1}, int64_t{2}}));
  auto archive = ReadBackInMemory(out);
  EXPECT_EQ(ReadIntStrictly(archive, "count", "checkpoint"), 7);
  EXPECT_THROW(ReadIntStrictly(archive, "real", "checkpoint"), c10::Error);
  EXPECT_THROW(ReadIntStrictly(archive, "pair", "checkpoint"), c10::Error);
  try {
    ReadIntStrictly(archive, "missing", "checkpoint");
    FAIL();
  } catch (const c10::Error& e) {
    EXPECT_THAT(e.what_without_backtrace(), HasSubstr("checkpoint has no tensor 'missing'"));
  }
}

}  // namespace
}  // namespace gan
