// Writes a LibTorch archive to a file atomically, with I/O errors as a status. The archive
// is serialized in memory first: LibTorch's file writer throws from its destructor when a
// write fails (a full disk), which terminates the process instead of reporting an error.
//
//   torch::serialize::OutputArchive archive;
//   module->save(archive);
//   GAN_RETURN_IF_ERROR(gan::WriteArchiveAtomically(path, archive));
#ifndef GAN_CORE_ARCHIVE_FILE_H_
#define GAN_CORE_ARCHIVE_FILE_H_

#include <string>

#include <torch/serialize/archive.h>
#include <torch/types.h>

#include "absl/status/status.h"

namespace gan {

// On failure `path` is untouched (the previous file, if any, stays) and no temporary file
// is left; the error names the path and the system's reason.
absl::Status WriteArchiveAtomically(const std::string& path,
                                    torch::serialize::OutputArchive& archive);

// `archive` serialized and read back in memory, as a checkpoint's reader would see it.
torch::serialize::InputArchive ReadBackInMemory(torch::serialize::OutputArchive& archive);

}  // namespace gan

#endif  // GAN_CORE_ARCHIVE_FILE_H_
