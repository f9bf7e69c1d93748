// Writes that are all-or-nothing: content goes to a temporary file in the destination's
// directory, is flushed to disk, and is renamed over the destination. A crash (or
// kill -9) at any moment leaves either the old file or the new one, never a mix; on any
// error the temporary file is removed and the destination is untouched.
//
//   GAN_RETURN_IF_ERROR(gan::WriteFileAtomically(dir + "/config.json", text));
//   GAN_RETURN_IF_ERROR(gan::WriteAtomically(path, [&](const std::string& tmp) {
//     torch::save(module, tmp);   // any writer that takes a path
//     return absl::OkStatus();
//   }));
#ifndef GAN_CORE_ATOMIC_FILE_H_
#define GAN_CORE_ATOMIC_FILE_H_

#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace gan {

absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents);

// Calls `write(temporary_path)`, then makes the result durable and renames it to
// `path`. Exceptions thrown by `write` become errors naming `path`.
absl::Status WriteAtomically(
    const std::string& path,
    const std::function<absl::Status(const std::string& temporary_path)>& write);

// Appends `text` to `path` (created if missing) and closes it, for logs that grow line
// by line; the error names the file.
absl::Status AppendToFile(const std::string& path, absl::string_view text);

// Reads a whole file; the error names the file.
absl::Status ReadFile(const std::string& path, std::string* contents);

}  // namespace gan

#endif  // GAN_CORE_ATOMIC_FILE_H_
