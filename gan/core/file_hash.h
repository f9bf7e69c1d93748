// A short, stable content hash (64-bit FNV-1a, hex) to name exactly which weights file or
// data produced a result; not a cryptographic digest.
//
//   std::string id = gan::ContentHash(bytes);  // "fnv1a64:9b2f..."
#ifndef GAN_CORE_FILE_HASH_H_
#define GAN_CORE_FILE_HASH_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace gan {

std::string ContentHash(absl::string_view bytes);

// ContentHash of a file's contents; the error names the file.
absl::StatusOr<std::string> FileHash(const std::string& path);

}  // namespace gan

#endif  // GAN_CORE_FILE_HASH_H_
