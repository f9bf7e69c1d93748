#include "gan/train/nccl_collectives.h"

#include <exception>
#include <utility>

#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>

#include "absl/strings/str_cat.h"
#include "gan/core/exception_message.h"

namespace gan {

bool NcclAvailable() { return true; }

absl::StatusOr<std::unique_ptr<Collectives>> MakeNcclCollectives(
    const c10::intrusive_ptr<c10d::Store>& store, int rank, int world_size,
    std::chrono::milliseconds timeout) {
  try {
    auto options = c10d::ProcessGroupNCCL::Options::create();
    options->timeout = timeout;
    auto group = c10::make_intrusive<c10d::ProcessGroupNCCL>(
        c10::make_intrusive<c10d::PrefixStore>("nccl", store), rank, world_size, options);
    return std::unique_ptr<Collectives>(
        new C10dCollectives<c10d::ProcessGroupNCCL>(std::move(group)));
  } catch (const std::exception& e) {
    return absl::UnavailableError(
        absl::StrCat("rank ", rank, " of ", world_size, " could not create its NCCL group: ", ExceptionMessage(e)));
  }
}

}  // namespace gan
