#include "gan/train/nccl_collectives.h"

namespace gan {

bool NcclAvailable() { return false; }

absl::StatusOr<std::unique_ptr<Collectives>> MakeNcclCollectives(
    const c10::intrusive_ptr<c10d::Store>& store, int rank, int world_size,
    std::chrono::milliseconds timeout) {
  return absl::FailedPreconditionError(
      "data parallelism over CUDA tensors needs NCCL, and this build's LibTorch has no CUDA: "
      "build with --config=cuda against a CUDA LibTorch (README: LibTorch 2.x and CUDA)");
}

}  // namespace gan
