// Mini-batches from an in-memory dataset, prepared on worker threads ahead of the
// trainer. Every epoch has its own permutation drawn from (seed, epoch), and every batch
// its own transform RNG drawn from (seed, epoch, batch), so a run is reproducible and an
// epoch can be resumed at any batch. With `world_size` > 1 each rank takes its own
// interleaved shard of the same permutation.
//
//   gan::BatchLoader loader(dataset, pipeline, {.batch_size = 64, .seed = 1});
//   loader.StartEpoch(epoch);
//   while (std::optional<gan::Batch> batch = loader.Next()) { ... }
#ifndef GAN_DATA_BATCH_LOADER_H_
#define GAN_DATA_BATCH_LOADER_H_

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "gan/data/image_dataset.h"
#include "gan/data/transforms.h"

namespace gan {

struct Batch {
  torch::Tensor images;  // float [B, C, H, W] after the transforms
  torch::Tensor labels;  // int64 [B], undefined for unlabelled data
};

struct BatchLoaderOptions {
  int64_t batch_size = 64;
  bool shuffle = true;
  bool drop_last = true;  // GAN training wants equal batches (BatchNorm statistics)
  uint64_t seed = 0;
  int num_workers = 2;
  int prefetch = 4;  // batches prepared ahead of the consumer
  int rank = 0;
  int world_size = 1;
};

class BatchLoader {
 public:
  BatchLoader(ImageDataset dataset, TransformPipeline transforms, BatchLoaderOptions options);
  ~BatchLoader();
  BatchLoader(const BatchLoader&) = delete;
  BatchLoader& operator=(const BatchLoader&) = delete;

  // Starts (or restarts) `epoch` at batch `first_batch`; batches of an unfinished epoch
  // are discarded.
  void StartEpoch(int64_t epoch, int64_t first_batch = 0);
  // The next batch of the current epoch, in order; nullopt at the end of the epoch.
  std::optional<Batch> Next();

  int64_t batches_per_epoch() const { return batches_per_epoch_; }
  const ImageDataset& dataset() const { return dataset_; }

  // The example indices of `batch` in `epoch` for this rank (exposed for tests).
  torch::Tensor BatchIndices(int64_t epoch, int64_t batch) const;

 private:
  void StopWorkers();
  void WorkerLoop();
  Batch MakeBatch(int64_t epoch, int64_t batch) const;
  torch::Tensor Permutation(int64_t epoch) const;

  const ImageDataset dataset_;
  const TransformPipeline transforms_;
  const BatchLoaderOptions options_;
  int64_t shard_size_ = 0;
  int64_t batches_per_epoch_ = 0;

  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::thread> workers_;
  bool stopping_ = false;
  int64_t epoch_ = -1;
  torch::Tensor permutation_;      // of the current epoch, this rank's shard
  int64_t next_to_make_ = 0;       // next batch index a worker will take
  int64_t next_to_return_ = 0;     // next batch index Next() returns
  std::map<int64_t, Batch> ready_;
  std::exception_ptr error_;
};

}  // namespace gan

#endif  // GAN_DATA_BATCH_LOADER_H_
