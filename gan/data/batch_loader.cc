#include "gan/data/batch_loader.h"

#include <algorithm>
#include <numeric>
#include <random>

namespace gan {
namespace {

// SplitMix64: decorrelates seeds built from small consecutive integers.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

BatchLoader::BatchLoader(ImageDataset dataset, TransformPipeline transforms,
                         BatchLoaderOptions options)
    : dataset_(std::move(dataset)), transforms_(std::move(transforms)), options_(options) {
  TORCH_CHECK(options_.batch_size > 0, "BatchLoader: batch_size must be positive, got ",
              options_.batch_size);
  TORCH_CHECK(options_.world_size >= 1 && options_.rank >= 0 &&
                  options_.rank < options_.world_size,
              "BatchLoader: rank ", options_.rank, " is not in [0, ", options_.world_size, ")");
  shard_size_ = dataset_.size() / options_.world_size;
  batches_per_epoch_ = options_.drop_last
                           ? shard_size_ / options_.batch_size
                           : (shard_size_ + options_.batch_size - 1) / options_.batch_size;
  TORCH_CHECK(batches_per_epoch_ > 0, "BatchLoader: ", dataset_.size(),
              " examples give no full batch of ", options_.batch_size, " on each of ",
              options_.world_size, " rank(s)");
}

BatchLoader::~BatchLoader() { StopWorkers(); }

torch::Tensor BatchLoader::Permutation(int64_t epoch) const {
  std::vector<int64_t> order(dataset_.size());
  std::iota(order.begin(), order.end(), 0);
  if (options_.shuffle) {
    std::mt19937_64 rng(Mix(options_.seed * 0x100000001b3ULL + static_cast<uint64_t>(epoch)));
    // Fisher-Yates with our own draws: std::shuffle's sequence is library-specific.
    for (int64_t i = static_cast<int64_t>(order.size()) - 1; i > 0; --i) {
      const int64_t j = static_cast<int64_t>(rng() % static_cast<uint64_t>(i + 1));
      std::swap(order[i], order[j]);
    }
  }
  // Rank r takes positions r, r + W, r + 2W, ... of the first shard_size * W positions.
  std::vector<int64_t> shard;
  shard.reserve(shard_size_);
  for (int64_t i = 0; i < shard_size_; ++i) {
    shard.push_back(order[i * options_.world_size + options_.rank]);
  }
  return torch::tensor(shard, torch::kLong);
}

torch::Tensor BatchLoader::BatchIndices(int64_t epoch, int64_t batch) const {
  const torch::Tensor permutation =
      (epoch == epoch_ && permutation_.defined()) ? permutation_ : Permutation(epoch);
  const int64_t begin = batch * options_.batch_size;
  const int64_t end = std::min(begin + options_.batch_size, shard_size_);
  return permutation.slice(0, begin, end);
}

Batch BatchLoader::MakeBatch(int64_t epoch, int64_t batch) const {
  const torch::Tensor indices = permutation_.slice(
      0, batch * options_.batch_size,
      std::min((batch + 1) * options_.batch_size, shard_size_));
  std::mt19937_64 rng(Mix(Mix(options_.seed ^ 0x5bd1e995ULL) + static_cast<uint64_t>(epoch)) +
                      static_cast<uint64_t>(batch));
  Batch result;
  result.images = transforms_(dataset_.images.index_select(0, indices), rng).contiguous();
  if (dataset_.has_labels()) result.labels = dataset_.labels.index_select(0, indices);
  return result;
}

void BatchLoader::StopWorkers() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
  stopping_ = false;
}

void BatchLoader::StartEpoch(int64_t epoch, int64_t first_batch) {
  StopWorkers();
  epoch_ = epoch;
  permutation_ = Permutation(epoch);
  next_to_make_ = first_batch;
  next_to_return_ = first_batch;
  ready_.clear();
  error_ = nullptr;
  for (int i = 0; i < std::max(1, options_.num_workers); ++i) {
    workers_.emplace_back([this] { WorkerLoop(); });
  }
}

void BatchLoader::WorkerLoop() {
  while (true) {
    int64_t batch;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      changed_.wait(lock, [&] {
        return stopping_ || next_to_make_ >= batches_per_epoch_ ||
               next_to_make_ < next_to_return_ + options_.prefetch;
      });
      if (stopping_ || next_to_make_ >= batches_per_epoch_) return;
      batch = next_to_make_++;
    }
    Batch made;
    std::exception_ptr error;
    try {
      made = MakeBatch(epoch_, batch);
    } catch (...) {
      error = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (error && !error_) error_ = error;
      ready_.emplace(batch, std::move(made));
    }
    changed_.notify_all();
  }
}

std::optional<Batch> BatchLoader::Next() {
  TORCH_CHECK(epoch_ >= 0, "BatchLoader::Next called before StartEpoch");
  std::unique_lock<std::mutex> lock(mutex_);
  if (next_to_return_ >= batches_per_epoch_) return std::nullopt;
  changed_.wait(lock, [&] { return error_ || ready_.count(next_to_return_) > 0; });
  if (error_) std::rethrow_exception(error_);
  auto node = ready_.extract(next_to_return_++);
  lock.unlock();
  changed_.notify_all();
  return std::move(node.mapped());
}

}  // namespace gan
