// Data-parallel training across processes and machines on LibTorch's own distributed
// engine (c10d): a TCPStore hosted by rank 0 for rendezvous, a Gloo process group for
// CPU tensors and, in builds against a CUDA LibTorch, an NCCL one for CUDA tensors (each
// collective picks by its tensors' device; NCCL is joined on first use). Rank 0's
// parameters and buffers are broadcast at the start; gradients are averaged with one
// all-reduce per bucket of flattened gradients rather than per tensor.
// With every rank taking its shard of each global batch (BatchLoaderOptions::rank) and
// the same latent draws sliced per rank (SliceForRank), W ranks of batch b compute what
// one process computes on batches of W*b, for networks without BatchNorm, and for
// networks with it when the updater synchronizes it (AlternatingUpdaterOptions::
// sync_batch_norm, gan/nn/batch_norm.h). Unsynchronized, each rank normalizes with its
// shard's statistics and keeps its own running statistics (rank 0's are checkpointed);
// the weights stay identical on all ranks (data_parallel_test:
// BatchNormStatisticsStayPerRank).
//
//   ASSIGN_OR_RETURN(auto group, gan::DataParallel::Connect({.rank = r, .world_size = 2}));
//   group->Broadcast(*generator);
//   loss.backward();
//   group->AverageGradients(*generator);
//   optimizer.step();
#ifndef GAN_TRAIN_DATA_PARALLEL_H_
#define GAN_TRAIN_DATA_PARALLEL_H_

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include <torch/nn/module.h>
#include <torch/types.h>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace gan {

struct DataParallelOptions {
  int rank = 0;
  int world_size = 1;
  std::string master_addr = "127.0.0.1";  // where rank 0 hosts the store
  int master_port = 29500;
  // How long to wait for the other ranks (to join, or in any collective) before failing:
  // a rank that died makes the others fail with an error instead of hanging.
  std::chrono::milliseconds timeout{std::chrono::seconds(60)};
  int64_t bucket_bytes = 25 << 20;  // gradients per all-reduce
};

absl::Status ValidateDataParallelOptions(const DataParallelOptions& options);

class Collectives;

class DataParallel {
 public:
  // Joins the group; returns when all world_size ranks have, or an error after timeout.
  static absl::StatusOr<std::unique_ptr<DataParallel>> Connect(const DataParallelOptions& options);
  ~DataParallel();

  int rank() const { return options_.rank; }
  int world_size() const { return options_.world_size; }

  // Rank 0's parameters and buffers into every rank's `module` (one call per dtype).
  // Throws c10::Error when a collective fails (a rank died, timeout).
  void Broadcast(torch::nn::Module& module);
  // grad <- mean over ranks of grad, for every parameter of `module` with a gradient
  // (every rank must have gradients for the same parameters).
  void AverageGradients(const torch::nn::Module& module);
  void Barrier();
  // The mean over ranks of `value` (every rank passes a tensor of the same shape); a copy
  // of `value` in a group of one.
  torch::Tensor MeanOverRanks(const torch::Tensor& value);
  // The sum over ranks of `value`, likewise.
  torch::Tensor SumOverRanks(const torch::Tensor& value);

 private:
  struct Group;  // the c10d store and process groups (their headers need Gloo's)
  DataParallel(DataParallelOptions options, std::unique_ptr<Group> group);
  // Gloo for CPU tensors, NCCL for CUDA tensors; throws c10::Error for other devices.
  Collectives& CollectivesFor(const torch::Tensor& tensor);
  DataParallelOptions options_;
  std::unique_ptr<Group> group_;
};

// The device rank `rank` trains on: plain "cuda" gives each rank its own GPU, cuda:(rank
// mod cuda_device_count), as NCCL needs (ranks numbered machine by machine, each machine
// with the same number of GPUs); any other device is kept.
torch::Device DeviceForRank(const torch::Device& device, int rank, int cuda_device_count);

// Rows [rank * n, (rank + 1) * n) of `all` ([world_size * n, ...]): each rank draws the
// same global latent batch (same seed) and keeps its part, so the ranks' samples together
// are exactly one process's sample of the global batch.
torch::Tensor SliceForRank(const torch::Tensor& all, int rank, int world_size);

}  // namespace gan

#endif  // GAN_TRAIN_DATA_PARALLEL_H_
