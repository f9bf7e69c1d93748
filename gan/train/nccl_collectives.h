// NCCL collectives for CUDA tensors. Built from nccl_collectives.cc when the LibTorch is
// a CUDA one (an archive with lib/libtorch_cuda.so, third_party/libtorch.bzl), otherwise
// from nccl_collectives_unavailable.cc, which says how to get them.
#ifndef GAN_TRAIN_NCCL_COLLECTIVES_H_
#define GAN_TRAIN_NCCL_COLLECTIVES_H_

#include <chrono>
#include <memory>

#include <torch/csrc/distributed/c10d/Store.hpp>

#include "absl/status/statusor.h"
#include "gan/train/collectives.h"

namespace gan {

// True when this build has NCCL.
bool NcclAvailable();

// Joins an NCCL group of `world_size` ranks through `store` (under its own key prefix, so
// the store can also serve Gloo). Each rank's tensors must be on its own GPU.
absl::StatusOr<std::unique_ptr<Collectives>> MakeNcclCollectives(
    const c10::intrusive_ptr<c10d::Store>& store, int rank, int world_size,
    std::chrono::milliseconds timeout);

}  // namespace gan

#endif  // GAN_TRAIN_NCCL_COLLECTIVES_H_
