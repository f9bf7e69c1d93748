#include "gan/core/torch_compat.h"

#include <gtest/gtest.h>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/enum.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/optim/adam.h>
#include <torch/types.h>

namespace gan {
namespace {

TEST(TorchCompatTest, OptimizerStateKeyFindsTheParametersStateAfterAStep) {
  torch::nn::Linear linear(2, 3);
  torch::optim::Adam adam(linear->parameters(), torch::optim::AdamOptions(0.1));
  linear(torch::ones({4, 2})).sum().backward();
  adam.step();
  ASSERT_EQ(adam.state().size(), 2u);
  // A wrong key (another tensor's, or a copy's) would miss the entry Adam made.
  const auto found = adam.state().find(OptimizerStateKeyOf(linear->weight));
  ASSERT_NE(found, adam.state().end());
  const auto& state = static_cast<const torch::optim::AdamParamState&>(*found->second);
  EXPECT_EQ(state.exp_avg().sizes(), linear->weight.sizes());
  EXPECT_EQ(adam.state().count(OptimizerStateKeyOf(linear->weight.clone())), 0u);
}

TEST(TorchCompatTest, HoldsAlternativeTellsConvPaddingModes) {
  torch::nn::Conv2dOptions options(1, 1, 3);
  EXPECT_TRUE(HoldsAlternative<torch::enumtype::kZeros>(options.padding_mode()));
  options.padding_mode(torch::kReflect);
  EXPECT_FALSE(HoldsAlternative<torch::enumtype::kZeros>(options.padding_mode()));
  EXPECT_TRUE(HoldsAlternative<torch::enumtype::kReflect>(options.padding_mode()));
}

TEST(TorchCompatTest, CpuAutocastSwitchesMatmulsToItsDtypeAndBack) {
  ASSERT_FALSE(IsAutocastEnabled(c10::DeviceType::CPU));
  const at::ScalarType default_dtype = AutocastDtype(c10::DeviceType::CPU);
  SetAutocastDtype(c10::DeviceType::CPU, at::kBFloat16);
  SetAutocastEnabled(c10::DeviceType::CPU, true);
  EXPECT_TRUE(IsAutocastEnabled(c10::DeviceType::CPU));
  EXPECT_EQ(AutocastDtype(c10::DeviceType::CPU), at::kBFloat16);
  const torch::Tensor a = torch::ones({2, 2});
  EXPECT_EQ(torch::mm(a, a).scalar_type(), at::kBFloat16);
  // CUDA's switch is a different one: turning CPU autocast on leaves it off.
  EXPECT_FALSE(IsAutocastEnabled(c10::DeviceType::CUDA));
  SetAutocastEnabled(c10::DeviceType::CPU, false);
  SetAutocastDtype(c10::DeviceType::CPU, default_dtype);
  at::autocast::clear_cache();
  EXPECT_FALSE(IsAutocastEnabled(c10::DeviceType::CPU));
  EXPECT_EQ(torch::mm(a, a).scalar_type(), at::kFloat);
}

TEST(TorchCompatTest, CudaAutocastDtypeIsItsOwn) {
  const at::ScalarType cpu = AutocastDtype(c10::DeviceType::CPU);
  const at::ScalarType cuda = AutocastDtype(c10::DeviceType::CUDA);
  SetAutocastDtype(c10::DeviceType::CUDA, at::kBFloat16);
  EXPECT_EQ(AutocastDtype(c10::DeviceType::CUDA), at::kBFloat16);
  EXPECT_EQ(AutocastDtype(c10::DeviceType::CPU), cpu);
  SetAutocastDtype(c10::DeviceType::CUDA, cuda);
  EXPECT_EQ(AutocastDtype(c10::DeviceType::CUDA), cuda);
}

TEST(TorchCompatTest, PlainTcpStoreServesKeys) {
  c10d::TCPStoreOptions options;
  options.port = 0;  // any free port
  options.isServer = true;
  options.numWorkers = 1;
  options.waitWorkers = false;
  UsePlainTcpStore(options);
  // Without UsePlainTcpStore, 2.x builds without libuv refuse to make the store at all.
  c10d::TCPStore store("127.0.0.1", options);
  store.set("key", std::vector<uint8_t>{1, 2, 3});
  EXPECT_EQ(store.get("key"), (std::vector<uint8_t>{1, 2, 3}));
}

// Counts its allocations and hands them to the default CPU allocator.
class CountingAllocator final : public AllocatorBase {
 public:
  explicit CountingAllocator(c10::Allocator* next) : next_(next) {}
  mutable int allocations = 0;

 protected:
  c10::DataPtr Allocate(size_t n) const override {
    ++allocations;
    return next_->allocate(n);
  }

 private:
  c10::Allocator* next_;
};

TEST(TorchCompatTest, AllocatorBaseServesTensorsThroughAllocate) {
  c10::Allocator* previous = c10::GetAllocator(c10::DeviceType::CPU);
  static CountingAllocator* counting = new CountingAllocator(previous);
  c10::SetAllocator(c10::DeviceType::CPU, counting, /*priority=*/255);
  const int before = counting->allocations;
  torch::Tensor t = torch::arange(1000, torch::kFloat);
  torch::Tensor copy = t.clone();
  EXPECT_GE(counting->allocations, before + 2);
  EXPECT_TRUE(torch::equal(t, copy));
  c10::SetAllocator(c10::DeviceType::CPU, previous, /*priority=*/255);
}

}  // namespace
}  // namespace gan
