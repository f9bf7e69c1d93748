// Data parallelism with real processes on 127.0.0.1: the test binary re-runs itself as
// each rank (GAN_DP_RANK set), so every rank has its own LibTorch and RNG as in practice.
#include "gan/train/data_parallel.h"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gan/data/batch_loader.h"
#include "gan/losses/adversarial_loss.h"
#include "gan/train/alternating_updater.h"

namespace gan {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kLatent = 6;
constexpr int kSteps = 4;

// Networks without BatchNorm, so that W ranks of batch b equal one process of batch W*b.
class MlpGenerator : public GeneratorModule {
 public:
  MlpGenerator() {
    net_ = register_module("net", torch::nn::Sequential(torch::nn::Linear(kLatent, 32),
                                                         torch::nn::LeakyReLU(),
                                                         torch::nn::Linear(32, 16), torch::nn::Tanh()));
  }
  using GeneratorModule::forward;
  torch::Tensor forward(const torch::Tensor& z, const torch::Tensor&) override {
    return net_->forward(z).view({-1, 1, 4, 4});
  }
  int64_t latent_dim() const override { return kLatent; }
  int64_t image_size() const override { return 4; }
  int64_t image_channels() const override { return 1; }

 private:
  torch::nn::Sequential net_{nullptr};
};

class MlpDiscriminator : public DiscriminatorModule {
 public:
  MlpDiscriminator() {
    net_ = register_module("net", torch::nn::Sequential(torch::nn::Flatten(), torch::nn::Linear(16, 32),
                                                         torch::nn::LeakyReLU(), torch::nn::Linear(32, 1)));
  }
  using DiscriminatorModule::forward;
  torch::Tensor forward(const torch::Tensor& images, const torch::Tensor&) override {
    return net_->forward(images).view({-1});
  }

 private:
  torch::nn::Sequential net_{nullptr};
};

ImageDataset Data() {
  torch::manual_seed(123);
  ImageDataset data;
  data.images = torch::randint(0, 256, {64, 1, 4, 4}).to(torch::kUInt8);
  return data;
}

// G's and D's parameters, flattened into one vector.
torch::Tensor Flat(const torch::nn::Module& g, const torch::nn::Module& d) {
  std::vector<torch::Tensor> flat;
  for (const auto& p : g.parameters()) flat.push_back(p.detach().reshape(-1));
  for (const auto& p : d.parameters()) flat.push_back(p.detach().reshape(-1));
  return torch::cat(flat);
}

// Trains kSteps iterations as `rank` of `world_size` (group null for one process) with
// per-rank batch `batch`; returns G's and D's parameters, flattened.
torch::Tensor Train(std::shared_ptr<DataParallel> group, int rank, int world_size, int64_t batch) {
  torch::manual_seed(1000 + rank);  // different initial weights per rank: Broadcast fixes them
  auto g = std::make_shared<MlpGenerator>();
  auto d = std::make_shared<MlpDiscriminator>();
  if (group) {
    group->Broadcast(*g);
    group->Broadcast(*d);
  } else {
    torch::manual_seed(1000);  // rank 0's weights
    g = std::make_shared<MlpGenerator>();
    d = std::make_shared<MlpDiscriminator>();
  }
  torch::manual_seed(7);  // the same latent draws on every rank
  // SGD: its step is linear in the gradient. (Adam divides by the gradient's magnitude,
  // which turns float rounding of gradients that cancel to ~0 into steps of ~lr.)
  AlternatingUpdaterOptions options;
  options.data_parallel = group;
  for (OptimizerOptions* optimizer : {&options.optimizer_g, &options.optimizer_d}) {
    optimizer->kind = OptimizerOptions::Kind::kSgd;
    optimizer->lr = 0.05;
    optimizer->beta1 = 0.5;
  }
  AlternatingUpdater updater(g, d, *AdversarialLossByName("hinge"), options);
  TransformPipeline transforms({ScaleToMinusOneOne()});
  BatchLoader loader(Data(), transforms,
                     BatchLoaderOptions{.batch_size = batch, .seed = 5, .num_workers = 1,
                                        .rank = rank, .world_size = world_size});
  loader.StartEpoch(0);
  for (int step = 0; step < kSteps; ++step) updater.Update(*loader.Next(), step);
  return Flat(*g, *d);
}

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

int FreePort() {
  // Spread over a range so that concurrent test runs rarely collide.
  return 20000 + static_cast<int>(getpid() % 20000);
}

// Starts this test binary as one rank running `test`; output to `log`.
pid_t StartRank(const std::string& test, int rank, int port, const std::string& mode,
                const std::string& log) {
  const pid_t pid = fork();
  if (pid == 0) {
    if (std::freopen(log.c_str(), "w", stdout) == nullptr) _exit(126);
    dup2(fileno(stdout), fileno(stderr));
    setenv("GAN_DP_RANK", std::to_string(rank).c_str(), 1);
    setenv("GAN_DP_PORT", std::to_string(port).c_str(), 1);
    setenv("GAN_DP_MODE", mode.c_str(), 1);
    const std::string filter = "--gtest_filter=DataParallelRank." + test;
    execl("/proc/self/exe", "data_parallel_test", filter.c_str(), nullptr);
    _exit(127);
  }
  return pid;
}

int Wait(pid_t pid) {
  int status = 0;
  waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string Read(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The body each rank runs (skipped when the binary is not started as a rank).
TEST(DataParallelRank, Train) {
  if (Env("GAN_DP_RANK").empty()) GTEST_SKIP() << "runs as a rank of the tests below";
  const int rank = std::stoi(Env("GAN_DP_RANK"));
  DataParallelOptions options;
  options.rank = rank;
  options.world_size = 2;
  options.master_port = std::stoi(Env("GAN_DP_PORT"));
  options.timeout = std::chrono::seconds(20);
  if (Env("GAN_DP_MODE") == "alone") options.timeout = std::chrono::seconds(3);
  auto group = DataParallel::Connect(options);
  ASSERT_TRUE(group.ok()) << group.status();
  if (Env("GAN_DP_MODE") == "die" && rank == 1) _exit(0);  // joins, then dies before training
  std::shared_ptr<DataParallel> shared = std::move(*group);
  const torch::Tensor weights = Train(shared, rank, 2, /*batch=*/4);
  torch::save(weights, std::string(std::getenv("TEST_TMPDIR")) + "/rank" + std::to_string(rank) + ".pt");
}

TEST(DataParallelTest, TwoRanksMatchOneProcessOnTheCombinedBatch) {
  const std::string tmp = std::getenv("TEST_TMPDIR");
  const int port = FreePort();
  const pid_t rank0 = StartRank("Train", 0, port, "train", tmp + "/rank0.log");
  const pid_t rank1 = StartRank("Train", 1, port, "train", tmp + "/rank1.log");
  ASSERT_EQ(Wait(rank0), 0) << Read(tmp + "/rank0.log");
  ASSERT_EQ(Wait(rank1), 0) << Read(tmp + "/rank1.log");
  torch::Tensor w0, w1;
  torch::load(w0, tmp + "/rank0.pt");
  torch::load(w1, tmp + "/rank1.pt");
  EXPECT_TRUE(torch::equal(w0, w1));  // the ranks stay identical

  const torch::Tensor single = Train(nullptr, 0, 1, /*batch=*/8);
  const torch::Tensor initial = [] {
    torch::manual_seed(1000);
    const MlpGenerator g;
    const MlpDiscriminator d;
    return Flat(g, d);
  }();
  EXPECT_GT((single - initial).abs().max().item<double>(), 1e-3);  // training moved them
  EXPECT_LT((w0 - single).abs().max().item<double>(), 1e-5);
}

TEST(DataParallelTest, ARankThatDiesMakesTheOthersFailInsteadOfHanging) {
  const std::string tmp = std::getenv("TEST_TMPDIR");
  const int port = FreePort() + 1;
  const auto start = std::chrono::steady_clock::now();
  const pid_t rank0 = StartRank("Train", 0, port, "die", tmp + "/die0.log");
  const pid_t rank1 = StartRank("Train", 1, port, "die", tmp + "/die1.log");
  EXPECT_EQ(Wait(rank1), 0);
  EXPECT_NE(Wait(rank0), 0);  // the collective failed: an exception, not a hang
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(60));
  EXPECT_THAT(Read(tmp + "/die0.log"), HasSubstr("FAILED"));
}

TEST(DataParallelTest, ARankAloneFailsToConnectWithinTheTimeout) {
  const std::string tmp = std::getenv("TEST_TMPDIR");
  const pid_t rank0 = StartRank("Train", 0, FreePort() + 2, "alone", tmp + "/alone.log");
  EXPECT_NE(Wait(rank0), 0);
  EXPECT_THAT(Read(tmp + "/alone.log"), HasSubstr("rank 0 of 2 could not join the group at 127.0.0.1"));
}

TEST(DataParallelTest, SliceForRankTakesConsecutiveRows) {
  const torch::Tensor all = torch::arange(12).view({6, 2});
  EXPECT_TRUE(torch::equal(SliceForRank(all, 1, 3), torch::tensor({{4, 5}, {6, 7}})));
  EXPECT_THROW(SliceForRank(all, 0, 4), c10::Error);
  EXPECT_FALSE(ValidateDataParallelOptions({.rank = 2, .world_size = 2}).ok());
}

}  // namespace
}  // namespace gan
