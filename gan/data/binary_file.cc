#include "gan/data/binary_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "absl/strings/str_cat.h"

namespace gan {

bool PathExists(const std::string& path) {
  struct stat info;
  return ::stat(path.c_str(), &info) == 0;
}

absl::StatusOr<torch::Tensor> ReadRecords(const std::string& path, int64_t record_bytes,
                                          const std::string& what, int64_t max_records) {
  struct stat info;
  if (::stat(path.c_str(), &info) != 0) {
    return absl::NotFoundError(absl::StrCat("cannot open '", path, "': ", std::strerror(errno)));
  }
  const int64_t size = info.st_size;
  if (size == 0 || size % record_bytes != 0) {
    return absl::DataLossError(absl::StrCat(
        "'", path, "' has ", size, " bytes, expected a positive multiple of ", record_bytes,
        " (one ", what, "); the file is truncated or not in this format"));
  }
  int64_t records = size / record_bytes;
  if (max_records > 0 && max_records < records) records = max_records;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"),
                                                       &std::fclose);
  if (file == nullptr) {
    return absl::NotFoundError(absl::StrCat("cannot open '", path, "': ", std::strerror(errno)));
  }
  torch::Tensor data = torch::empty({records, record_bytes}, torch::kUInt8);
  const size_t wanted = static_cast<size_t>(records * record_bytes);
  if (std::fread(data.data_ptr<uint8_t>(), 1, wanted, file.get()) != wanted) {
    return absl::DataLossError(absl::StrCat("cannot read ", wanted, " bytes from '", path, "'"));
  }
  return data;
}

}  // namespace gan
