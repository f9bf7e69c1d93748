#include "gan/train/data_parallel.h"

#include <map>
#include <utility>
#include <vector>

#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/utils.h>

#include "absl/strings/str_cat.h"
#include "gan/core/exception_message.h"
#include "gan/core/torch_compat.h"
#include "gan/train/collectives.h"
#include "gan/train/nccl_collectives.h"

namespace gan {
namespace {

// Flattens `tensors` (one dtype) into one buffer, runs `collective` on it and copies the
// result back.
void Flattened(const std::vector<torch::Tensor>& tensors,
               const std::function<void(torch::Tensor&)>& collective) {
  if (tensors.empty()) return;
  std::vector<torch::Tensor> flat;
  flat.reserve(tensors.size());
  for (const torch::Tensor& t : tensors) flat.push_back(t.reshape(-1));
  torch::Tensor buffer = torch::cat(flat);
  collective(buffer);
  int64_t offset = 0;
  for (const torch::Tensor& t : tensors) {
    t.copy_(buffer.slice(0, offset, offset + t.numel()).view_as(t));
    offset += t.numel();
  }
}

}  // namespace

struct DataParallel::Group {
  c10::intrusive_ptr<c10d::TCPStore> store;
  c10::intrusive_ptr<c10d::ProcessGroupGloo> gloo;  // CPU tensors and the barrier
  std::unique_ptr<Collectives> cpu;                 // over `gloo`
  std::unique_ptr<Collectives> cuda;  // NCCL, joined by the first collective on CUDA tensors
};

absl::Status ValidateDataParallelOptions(const DataParallelOptions& options) {
  if (options.world_size < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("world_size must be at least 1, got ", options.world_size));
  }
  if (options.rank < 0 || options.rank >= options.world_size) {
    return absl::InvalidArgumentError(absl::StrCat("rank must be in [0, ", options.world_size,
                                                   "), got ", options.rank));
  }
  if (options.master_port < 1 || options.master_port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("master_port must be in [1, 65535], got ", options.master_port));
  }
  if (options.timeout.count() <= 0 || options.bucket_bytes <= 0) {
    return absl::InvalidArgumentError("timeout and bucket_bytes must be positive");
  }
  return absl::OkStatus();
}

DataParallel::DataParallel(DataParallelOptions options, std::unique_ptr<Group> group)
    : options_(std::move(options)), group_(std::move(group)) {}

DataParallel::~DataParallel() = default;

absl::StatusOr<std::unique_ptr<DataParallel>> DataParallel::Connect(
    const DataParallelOptions& options) {
  const absl::Status valid = ValidateDataParallelOptions(options);
  if (!valid.ok()) return valid;
  auto group = std::make_unique<Group>();
  try {
    c10d::TCPStoreOptions store_options;
    store_options.port = static_cast<uint16_t>(options.master_port);
    store_options.isServer = options.rank == 0;
    store_options.numWorkers = options.world_size;
    store_options.waitWorkers = true;
    store_options.timeout = options.timeout;
    UsePlainTcpStore(store_options);
    group->store = c10::make_intrusive<c10d::TCPStore>(options.master_addr, store_options);
    auto gloo_options = c10d::ProcessGroupGloo::Options::create(options.timeout);
    // Loopback runs stay on 127.0.0.1; across machines Gloo binds this host's address.
    const bool local = options.master_addr == "127.0.0.1" || options.master_addr == "localhost";
    gloo_options->devices.push_back(
        local ? c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1")
              : c10d::ProcessGroupGloo::createDefaultDevice());
    gloo_options->threads = 2;
    group->gloo = c10::make_intrusive<c10d::ProcessGroupGloo>(
        group->store, options.rank, options.world_size, gloo_options);
    group->cpu = std::make_unique<C10dCollectives<c10d::ProcessGroupGloo>>(group->gloo);
  } catch (const std::exception& e) {
    return absl::UnavailableError(absl::StrCat(
        "rank ", options.rank, " of ", options.world_size, " could not join the group at ",
        options.master_addr, ":", options.master_port, " within ", options.timeout.count(),
        " ms: ", ExceptionMessage(e)));
  }
  return std::unique_ptr<DataParallel>(new DataParallel(options, std::move(group)));
}

void DataParallel::Broadcast(torch::nn::Module& module) {
  if (options_.world_size == 1) return;
  torch::NoGradGuard no_grad;
  std::map<c10::ScalarType, std::vector<torch::Tensor>> by_dtype;
  for (const auto& t : module.parameters()) by_dtype[t.scalar_type()].push_back(t);
  for (const auto& t : module.buffers()) by_dtype[t.scalar_type()].push_back(t);
  for (const auto& [dtype, tensors] : by_dtype) {
    Flattened(tensors, [&](torch::Tensor& buffer) {
      CollectivesFor(buffer).BroadcastFromRankZero(buffer);
    });
  }
}

void DataParallel::AverageGradients(const torch::nn::Module& module) {
  if (options_.world_size == 1) return;
  torch::NoGradGuard no_grad;
  std::map<c10::ScalarType, std::vector<torch::Tensor>> bucket;
  std::map<c10::ScalarType, int64_t> bucket_bytes;
  auto reduce = [&](c10::ScalarType dtype) {
    Flattened(bucket[dtype], [&](torch::Tensor& buffer) {
      CollectivesFor(buffer).AllReduceSum(buffer);
      buffer.div_(options_.world_size);
    });
    bucket[dtype].clear();
    bucket_bytes[dtype] = 0;
  };
  for (const auto& parameter : module.parameters()) {
    const torch::Tensor& grad = parameter.grad();
    if (!grad.defined()) continue;
    const c10::ScalarType dtype = grad.scalar_type();
    bucket[dtype].push_back(grad);
    bucket_bytes[dtype] += grad.numel() * static_cast<int64_t>(grad.element_size());
    if (bucket_bytes[dtype] >= options_.bucket_bytes) reduce(dtype);
  }
  for (auto& [dtype, tensors] : bucket) {
    if (!tensors.empty()) reduce(dtype);
  }
}

torch::Tensor DataParallel::MeanOverRanks(const torch::Tensor& value) {
  return SumOverRanks(value).div_(options_.world_size);
}

torch::Tensor DataParallel::SumOverRanks(const torch::Tensor& value) {
  torch::Tensor sum = value.detach().clone();
  if (options_.world_size > 1) CollectivesFor(sum).AllReduceSum(sum);
  return sum;
}

void DataParallel::Barrier() {
  if (options_.world_size == 1) return;
  group_->gloo->barrier()->wait();
}

Collectives& DataParallel::CollectivesFor(const torch::Tensor& tensor) {
  if (tensor.is_cpu()) return *group_->cpu;
  TORCH_CHECK(tensor.is_cuda(), "data parallelism runs on CPU tensors (Gloo) or CUDA tensors "
              "(NCCL), got a tensor on ", tensor.device());
  if (group_->cuda == nullptr) {
    absl::StatusOr<std::unique_ptr<Collectives>> nccl =
        MakeNcclCollectives(group_->store, options_.rank, options_.world_size, options_.timeout);
    TORCH_CHECK(nccl.ok(), nccl.status().message());
    group_->cuda = *std::move(nccl);
  }
  return *group_->cuda;
}

torch::Device DeviceForRank(const torch::Device& device, int rank, int cuda_device_count) {
  if (!device.is_cuda() || device.has_index() || cuda_device_count < 1) return device;
  return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(rank % cuda_device_count));
}

torch::Tensor SliceForRank(const torch::Tensor& all, int rank, int world_size) {
  TORCH_CHECK(all.size(0) % world_size == 0, "SliceForRank: ", all.size(0),
              " rows do not split over ", world_size, " ranks");
  const int64_t n = all.size(0) / world_size;
  return all.slice(0, rank * n, (rank + 1) * n);
}

}  // namespace gan
