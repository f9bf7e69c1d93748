// Reading fixed-size binary records straight into a uint8 tensor (no intermediate copy:
// STL-10's unlabeled split is 2.7 GB). Internal to gan/data.
#ifndef GAN_DATA_BINARY_FILE_H_
#define GAN_DATA_BINARY_FILE_H_

#include <cstdint>
#include <string>

#include <torch/types.h>

#include "absl/status/statusor.h"

namespace gan {

// Reads `path` as a [records, record_bytes] uint8 tensor. The file size must be a
// positive multiple of `record_bytes`; `what` names the format in errors ("CIFAR-10
// record"). `max_records` > 0 reads only the first records.
absl::StatusOr<torch::Tensor> ReadRecords(const std::string& path, int64_t record_bytes,
                                          const std::string& what, int64_t max_records = 0);

// True if `path` exists (file or directory).
bool PathExists(const std::string& path);

}  // namespace gan

#endif  // GAN_DATA_BINARY_FILE_H_
