#include "gan/train/nccl_collectives.h"

#include <chrono>

#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/csrc/distributed/c10d/HashStore.hpp>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gan {
namespace {

using ::testing::HasSubstr;

// Whether the linked LibTorch registers CUDA kernels (libtorch_cuda does so when loaded,
// with or without a GPU).
bool LibTorchHasCudaKernels() {
  const auto add = c10::Dispatcher::singleton().findOp({"aten::add", "Tensor"});
  return add.has_value() && add->hasKernelForDispatchKey(c10::DispatchKey::CUDA);
}

TEST(NcclCollectivesTest, OnlyACudaLibTorchHasNccl) {
  if (NcclAvailable()) {
    EXPECT_TRUE(LibTorchHasCudaKernels());
  }
}

TEST(NcclCollectivesTest, WithoutNcclTheErrorSaysHowToBuildWithIt) {
  if (NcclAvailable()) GTEST_SKIP() << "this build has NCCL: nccl_collectives_gpu_test covers it";
  const auto made =
      MakeNcclCollectives(c10::make_intrusive<c10d::HashStore>(), 0, 1, std::chrono::seconds(1));
  ASSERT_FALSE(made.ok());
  EXPECT_EQ(made.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(made.status().message(), HasSubstr("--config=cuda"));
}

}  // namespace
}  // namespace gan
