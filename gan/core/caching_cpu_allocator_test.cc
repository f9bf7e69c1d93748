#include "gan/core/caching_cpu_allocator.h"

#include <sys/resource.h>

#include <gtest/gtest.h>
#include <torch/types.h>
#include <torch/utils.h>

namespace gan {
namespace {

// Minor page faults of one "iteration" that allocates, fills and frees tensors of 64 MB,
// 40 MB and 1 MB on 2 threads, as a training step does with its activations, after three
// such iterations.
long FaultsOfASteadyIteration() {
  torch::set_num_threads(2);
  auto iteration = [] {
    torch::Tensor a = torch::empty({16 << 20}).fill_(1);
    torch::Tensor b = torch::empty({10 << 20}).fill_(2);
    torch::Tensor c = torch::empty({1 << 18}).fill_(3);
  };
  for (int i = 0; i < 3; ++i) iteration();
  rusage before, after;
  getrusage(RUSAGE_SELF, &before);
  iteration();
  getrusage(RUSAGE_SELF, &after);
  return after.ru_minflt - before.ru_minflt;
}

// One test, in this order: the default allocator first, then the caching one for good.
TEST(CachingCpuAllocatorTest, ReusesFreedBlocksWithinTheLimit) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "ASan's allocator sits below LibTorch's";
#endif
  const long by_default = FaultsOfASteadyIteration();
  EXPECT_GT(by_default, 10000);  // 64 MB mmapped afresh at least: 16,384 pages

  c10::Allocator* previous = UseCachingCpuAllocator(size_t{110} << 20);
  EXPECT_NE(previous, c10::GetAllocator(c10::DeviceType::CPU));
  EXPECT_LT(FaultsOfASteadyIteration(), 100);
  EXPECT_EQ(CachedCpuBytes(), size_t{105} << 20);  // the iteration's three blocks, idle

  // A request of the same size class gets the same block back, with correct results.
  void* block = nullptr;
  {
    torch::Tensor a = torch::ones({16 << 20});
    block = a.data_ptr();
    EXPECT_EQ(a.sum().item<double>(), 16 << 20);
  }
  torch::Tensor slightly_smaller = torch::empty({(16 << 20) - 1000});
  EXPECT_EQ(slightly_smaller.data_ptr(), block);
  EXPECT_EQ(CachedCpuBytes(), size_t{41} << 20);

  // Small tensors are glibc's: never cached.
  { torch::Tensor small = torch::ones({1000}); }
  EXPECT_EQ(CachedCpuBytes(), size_t{41} << 20);

  // LibTorch's raw interface (data == context) works too.
  c10::Allocator* allocator = c10::GetAllocator(c10::DeviceType::CPU);
  void* raw = allocator->raw_allocate(size_t{3} << 20);
  allocator->raw_deallocate(raw);
  EXPECT_EQ(CachedCpuBytes(), size_t{44} << 20);

  // Past the limit of idle bytes a freed block goes back to glibc.
  UseCachingCpuAllocator(size_t{45} << 20);
  { torch::Tensor over = torch::empty({1 << 19}); }  // 2 MB
  EXPECT_EQ(CachedCpuBytes(), size_t{44} << 20);
}

}  // namespace
}  // namespace gan
