#include "gan/core/runtime.h"

#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/utils.h>

namespace gan {
namespace {

TEST(RuntimeTest, ZeroThreadsMeansAllCores) {
  EXPECT_EQ(SetThreadCount(0), static_cast<int>(std::thread::hardware_concurrency()));
  EXPECT_EQ(SetThreadCount(1), 1);
  EXPECT_EQ(torch::get_num_threads(), 1);
}

TEST(RuntimeTest, SeedingMakesDrawsRepeatable) {
  SeedEverything(123);
  const torch::Tensor first = torch::randn({4});
  SeedEverything(123);
  EXPECT_TRUE(torch::randn({4}).equal(first));
  SeedEverything(124);
  EXPECT_FALSE(torch::randn({4}).equal(first));
}

TEST(RuntimeTest, ParsesDevicesAndExplainsUnavailableCuda) {
  auto cpu = ParseDevice("cpu");
  ASSERT_TRUE(cpu.ok());
  EXPECT_TRUE(cpu->is_cpu());
  EXPECT_THAT(std::string(ParseDevice("tpu").status().message()),
              ::testing::HasSubstr("'tpu' is not one of cpu, cuda, cuda:N"));
  if (!torch::cuda::is_available()) {
    EXPECT_THAT(std::string(ParseDevice("cuda:0").status().message()),
                ::testing::HasSubstr("no CUDA device"));
  } else {
    EXPECT_TRUE(ParseDevice("cuda:0").ok());
  }
}

}  // namespace
}  // namespace gan
