// Data parallelism with real processes on 127.0.0.1: the test binary re-runs itself as
// each rank (GAN_DP_RANK set), so every rank has its own LibTorch and RNG as in practice.
#include "gan/train/data_parallel.h"

#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/nn/modules/activation.h>
#include <torch/nn/modules/batchnorm.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/modules/linear.h>
#include <torch/serialize.h>
#include <torch/utils.h>

#include "gan/data/batch_loader.h"
#include "gan/losses/adversarial_loss.h"
#include "gan/losses/terms/loss_term.h"
#include "gan/nn/batch_norm.h"
#include "gan/train/alternating_updater.h"

namespace gan {
namespace {

using ::testing::HasSubstr;

constexpr int64_t kLatent = 6;
constexpr int kSteps = 4;

// Without BatchNorm, W ranks of batch b equal one process of batch W*b; with it (the
// project's, which synchronizes), they do when BatchNorm is synchronized.
class MlpGenerator : public GeneratorModule {
 public:
  explicit MlpGenerator(bool batch_norm = false) {
    net_ = register_module("net", torch::nn::Sequential(torch::nn::Linear(kLatent, 32)));
    if (batch_norm) net_->push_back(BatchNorm(32));
    net_->push_back(torch::nn::LeakyReLU());
    net_->push_back(torch::nn::Linear(32, 16));
    net_->push_back(torch::nn::Tanh());
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

// With batch_norm, a BatchNorm1d after the first layer: its batch statistics, and so its
// running statistics, are each rank's own (see BatchNormStatisticsStayPerRank).
class MlpDiscriminator : public DiscriminatorModule {
 public:
  explicit MlpDiscriminator(bool batch_norm = false) {
    net_ = register_module("net", torch::nn::Sequential(torch::nn::Flatten(), torch::nn::Linear(16, 32)));
    if (batch_norm) net_->push_back(BatchNorm(32));
    net_->push_back(torch::nn::LeakyReLU());
    net_->push_back(torch::nn::Linear(32, 1));
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

struct Trained {
  torch::Tensor parameters;  // G's and D's, flattened
  torch::Tensor d_buffers;   // D's BatchNorm running statistics (empty without BatchNorm)
  torch::Tensor g_buffers;   // G's, likewise
};

torch::Tensor FlatBuffers(const torch::nn::Module& module) {
  std::vector<torch::Tensor> flat;
  for (const auto& b : module.buffers()) {
    if (b.is_floating_point()) flat.push_back(b.detach().reshape(-1));
  }
  return flat.empty() ? torch::zeros({0}) : torch::cat(flat);
}

// Trains kSteps iterations as `rank` of `world_size` (group null for one process) with
// per-rank batch `batch`; with `synchronized`, G has BatchNorm too, it is synchronized,
// and D's loss has R1 (whose double backward passes through the synchronized statistics).
Trained Train(std::shared_ptr<DataParallel> group, int rank, int world_size, int64_t batch,
              bool batch_norm = false, bool synchronized = false) {
  torch::manual_seed(1000 + rank);  // different initial weights per rank: Broadcast fixes them
  auto g = std::make_shared<MlpGenerator>(synchronized);
  auto d = std::make_shared<MlpDiscriminator>(batch_norm);
  if (group) {
    group->Broadcast(*g);
    group->Broadcast(*d);
  } else {
    torch::manual_seed(1000);  // rank 0's weights
    g = std::make_shared<MlpGenerator>(synchronized);
    d = std::make_shared<MlpDiscriminator>(batch_norm);
  }
  torch::manual_seed(7);  // the same latent draws on every rank
  // SGD: its step is linear in the gradient. (Adam divides by the gradient's magnitude,
  // which turns float rounding of gradients that cancel to ~0 into steps of ~lr.)
  AlternatingUpdaterOptions options;
  options.data_parallel = group;
  options.sync_batch_norm = synchronized;
  if (synchronized) options.terms = {*LossTermByName("r1", {{"weight", 1.0}})};
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
  return {Flat(*g, *d), FlatBuffers(*d), FlatBuffers(*g)};
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
  const std::string mode = Env("GAN_DP_MODE");
  const Trained trained = Train(shared, rank, 2, /*batch=*/4,
                                /*batch_norm=*/mode == "batchnorm" || mode == "synchronized",
                                /*synchronized=*/mode == "synchronized");
  const std::string prefix = std::string(std::getenv("TEST_TMPDIR")) + "/" + mode + std::to_string(rank);
  torch::save(trained.parameters, prefix + ".pt");
  torch::save(trained.d_buffers, prefix + "_buffers.pt");
  torch::save(trained.g_buffers, prefix + "_g_buffers.pt");
}

// Runs both ranks in `mode` and loads what each saved.
std::vector<Trained> TrainTwoRanks(const std::string& mode, int port) {
  const std::string tmp = std::getenv("TEST_TMPDIR");
  std::vector<pid_t> ranks;
  for (int r = 0; r < 2; ++r) {
    ranks.push_back(StartRank("Train", r, port, mode, tmp + "/" + mode + std::to_string(r) + ".log"));
  }
  std::vector<Trained> trained(2);
  for (int r = 0; r < 2; ++r) {
    const std::string prefix = tmp + "/" + mode + std::to_string(r);
    EXPECT_EQ(Wait(ranks[r]), 0) << Read(prefix + ".log");
    torch::load(trained[r].parameters, prefix + ".pt");
    torch::load(trained[r].d_buffers, prefix + "_buffers.pt");
    torch::load(trained[r].g_buffers, prefix + "_g_buffers.pt");
  }
  return trained;
}

TEST(DataParallelTest, TwoRanksMatchOneProcessOnTheCombinedBatch) {
  const std::vector<Trained> ranks = TrainTwoRanks("train", FreePort());
  ASSERT_FALSE(HasFailure());
  const torch::Tensor& w0 = ranks[0].parameters;
  EXPECT_TRUE(torch::equal(w0, ranks[1].parameters));  // the ranks stay identical

  const torch::Tensor single = Train(nullptr, 0, 1, /*batch=*/8).parameters;
  const torch::Tensor initial = [] {
    torch::manual_seed(1000);
    const MlpGenerator g;
    const MlpDiscriminator d;
    return Flat(g, d);
  }();
  EXPECT_GT((single - initial).abs().max().item<double>(), 1e-3);  // training moved them
  EXPECT_LT((w0 - single).abs().max().item<double>(), 1e-5);
}

// BatchNorm is not synchronized: each rank normalizes with its own shard's batch
// statistics and keeps its own running statistics (rank 0's are the ones checkpointed).
// Gradients are still averaged, so the weights stay identical on every rank, but they are
// not those of one process on the combined batch, whose statistics cover all of it.
TEST(DataParallelTest, BatchNormStatisticsStayPerRank) {
  const std::vector<Trained> ranks = TrainTwoRanks("batchnorm", FreePort() + 3);
  ASSERT_FALSE(HasFailure());
  EXPECT_TRUE(torch::equal(ranks[0].parameters, ranks[1].parameters));
  ASSERT_EQ(ranks[0].d_buffers.numel(), 64);  // running mean and variance of 32 features
  EXPECT_GT((ranks[0].d_buffers - ranks[1].d_buffers).abs().max().item<double>(), 1e-3);

  const Trained single = Train(nullptr, 0, 1, /*batch=*/8, /*batch_norm=*/true);
  EXPECT_GT((ranks[0].parameters - single.parameters).abs().max().item<double>(), 1e-4);
  EXPECT_GT((ranks[0].d_buffers - single.d_buffers).abs().max().item<double>(), 1e-3);
}

// Synchronized, BatchNorm (in G and in D) normalizes with the statistics of the global
// batch, and two ranks compute what one process computes on it: weights and both
// networks' running statistics alike, with R1's double backward through D's BatchNorm.
TEST(DataParallelTest, SynchronizedBatchNormMatchesOneProcessOnTheCombinedBatch) {
  const std::vector<Trained> ranks = TrainTwoRanks("synchronized", FreePort() + 4);
  ASSERT_FALSE(HasFailure());
  EXPECT_TRUE(torch::equal(ranks[0].parameters, ranks[1].parameters));
  ASSERT_EQ(ranks[0].g_buffers.numel(), 64);  // running mean and variance of 32 features
  for (const Trained& rank : ranks) {
    EXPECT_LT((rank.d_buffers - ranks[0].d_buffers).abs().max().item<double>(), 1e-6);
    EXPECT_LT((rank.g_buffers - ranks[0].g_buffers).abs().max().item<double>(), 1e-6);
  }

  const Trained single = Train(nullptr, 0, 1, /*batch=*/8, /*batch_norm=*/true,
                               /*synchronized=*/true);  // nothing to synchronize alone
  EXPECT_LT((ranks[0].parameters - single.parameters).abs().max().item<double>(), 1e-5);
  EXPECT_LT((ranks[0].d_buffers - single.d_buffers).abs().max().item<double>(), 1e-5);
  EXPECT_LT((ranks[0].g_buffers - single.g_buffers).abs().max().item<double>(), 1e-5);
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

TEST(DataParallelTest, EachRankTakesItsOwnGpuUnlessTheDeviceNamesOne) {
  const torch::Device cuda(torch::kCUDA);
  EXPECT_EQ(DeviceForRank(cuda, 0, 4), torch::Device(torch::kCUDA, 0));
  EXPECT_EQ(DeviceForRank(cuda, 5, 4), torch::Device(torch::kCUDA, 1));  // rank 1 of machine 2
  EXPECT_EQ(DeviceForRank(torch::Device(torch::kCUDA, 2), 5, 4), torch::Device(torch::kCUDA, 2));
  EXPECT_EQ(DeviceForRank(torch::Device(torch::kCPU), 3, 4), torch::Device(torch::kCPU));
  EXPECT_EQ(DeviceForRank(cuda, 3, 0), cuda);  // no GPU: left for the device check to report
}

}  // namespace
}  // namespace gan
