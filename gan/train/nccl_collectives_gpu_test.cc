// NCCL collectives on real GPUs: one rank on one GPU, two ranks (threads) on two.
#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include <torch/csrc/distributed/c10d/HashStore.hpp>
#include <torch/cuda.h>

#include "gan/train/nccl_collectives.h"
#include "gtest/gtest.h"

namespace gan {
namespace {

torch::Tensor OnGpu(const torch::Tensor& t, int index) {
  return t.to(torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(index)));
}

TEST(NcclCollectivesGpuTest, OneRankKeepsItsTensor) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no GPU";
  auto made = MakeNcclCollectives(c10::make_intrusive<c10d::HashStore>(), 0, 1,
                                  std::chrono::seconds(60));
  ASSERT_TRUE(made.ok()) << made.status();
  torch::Tensor t = OnGpu(torch::arange(6, torch::kFloat), 0);
  (*made)->AllReduceSum(t);
  (*made)->BroadcastFromRankZero(t);
  EXPECT_TRUE(torch::equal(t.cpu(), torch::arange(6, torch::kFloat)));
}

TEST(NcclCollectivesGpuTest, TwoRanksSumAndTakeRankZerosTensor) {
  if (torch::cuda::device_count() < 2) GTEST_SKIP() << "needs two GPUs";
  auto store = c10::make_intrusive<c10d::HashStore>();
  std::vector<torch::Tensor> summed(2), broadcast(2);
  std::vector<std::thread> ranks;
  for (int rank = 0; rank < 2; ++rank) {
    ranks.emplace_back([&, rank] {
      auto made = MakeNcclCollectives(store, rank, 2, std::chrono::seconds(60));
      ASSERT_TRUE(made.ok()) << made.status();
      summed[rank] = OnGpu(torch::arange(4, torch::kFloat) + rank, rank);  // [r, 1+r, 2+r, 3+r]
      (*made)->AllReduceSum(summed[rank]);
      broadcast[rank] = OnGpu(torch::full({3}, 10.0f * (rank + 1)), rank);
      (*made)->BroadcastFromRankZero(broadcast[rank]);
    });
  }
  for (std::thread& rank : ranks) rank.join();
  for (int rank = 0; rank < 2; ++rank) {
    EXPECT_TRUE(torch::equal(summed[rank].cpu(), torch::tensor({1.0f, 3.0f, 5.0f, 7.0f})));
    EXPECT_TRUE(torch::equal(broadcast[rank].cpu(), torch::full({3}, 10.0f)));
  }
}

}  // namespace
}  // namespace gan
