#include "gan/core/archive_file.h"

#include <sstream>

#include "absl/strings/str_cat.h"
#include "gan/core/atomic_file.h"

namespace gan {

absl::Status WriteArchiveAtomically(const std::string& path,
                                    torch::serialize::OutputArchive& archive) {
  std::ostringstream bytes;
  try {
    archive.save_to(bytes);
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("cannot serialize '", path, "': ", e.what()));
  }
  return WriteFileAtomically(path, bytes.str());
}

torch::serialize::InputArchive ReadBackInMemory(torch::serialize::OutputArchive& archive) {
  std::ostringstream bytes;
  archive.save_to(bytes);
  std::istringstream in(bytes.str());
  torch::serialize::InputArchive read;
  read.load_from(in);
  return read;
}

}  // namespace gan
