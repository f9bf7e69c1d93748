#include "gan/core/file_hash.h"

#include <cstdint>

#include "absl/strings/str_format.h"
#include "gan/core/atomic_file.h"

namespace gan {

std::string ContentHash(absl::string_view bytes) {
  uint64_t hash = 14695981039346656037ull;
  for (unsigned char byte : bytes) {
    hash ^= byte;
    hash *= 1099511628211ull;
  }
  return absl::StrFormat("fnv1a64:%016x", hash);
}

absl::StatusOr<std::string> FileHash(const std::string& path) {
  std::string bytes;
  const absl::Status read = ReadFile(path, &bytes);
  if (!read.ok()) return read;
  return ContentHash(bytes);
}

}  // namespace gan
