#include "gan/core/atomic_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"

namespace gan {
namespace {

std::string DirectoryOf(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

absl::Status ErrnoError(absl::string_view what, const std::string& path) {
  return absl::InternalError(absl::StrCat(what, " '", path, "': ", std::strerror(errno)));
}

// fsync of a file or directory by path.
absl::Status SyncPath(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0) return ErrnoError("cannot open for sync", path);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) return ErrnoError("cannot sync", path);
  return absl::OkStatus();
}

}  // namespace

absl::Status WriteAtomically(
    const std::string& path,
    const std::function<absl::Status(const std::string& temporary_path)>& write) {
  // mkstemp gives a unique name, so concurrent writers never share a temporary file.
  std::string temporary = absl::StrCat(path, ".tmp.XXXXXX");
  const int fd = ::mkstemp(temporary.data());
  if (fd < 0) return ErrnoError("cannot create a temporary file beside", path);
  ::close(fd);

  absl::Status status;
  try {
    status = write(temporary);
  } catch (const std::exception& e) {
    status = absl::InternalError(absl::StrCat("writing '", path, "' failed: ", e.what()));
  }
  if (status.ok()) status = SyncPath(temporary, /*directory=*/false);
  if (status.ok() && std::rename(temporary.c_str(), path.c_str()) != 0) {
    status = ErrnoError(absl::StrCat("cannot rename '", temporary, "' to"), path);
  }
  if (!status.ok()) {
    std::remove(temporary.c_str());
    return status;
  }
  return SyncPath(DirectoryOf(path), /*directory=*/true);
}

absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents) {
  return WriteAtomically(path, [&](const std::string& temporary) {
    std::FILE* file = std::fopen(temporary.c_str(), "wb");
    if (file == nullptr) return ErrnoError("cannot open", temporary);
    const size_t written = std::fwrite(contents.data(), 1, contents.size(), file);
    const bool flushed = std::fflush(file) == 0;
    const bool closed = std::fclose(file) == 0;
    if (written != contents.size() || !flushed || !closed) {
      return ErrnoError("cannot write", path);
    }
    return absl::OkStatus();
  });
}

absl::Status AppendToFile(const std::string& path, absl::string_view text) {
  std::FILE* file = std::fopen(path.c_str(), "ab");
  if (file == nullptr) return ErrnoError("cannot open", path);
  const bool written = std::fwrite(text.data(), 1, text.size(), file) == text.size();
  if (std::fclose(file) != 0 || !written) return ErrnoError("cannot write", path);
  return absl::OkStatus();
}

absl::Status ReadFile(const std::string& path, std::string* contents) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return ErrnoError("cannot open", path);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return ErrnoError("cannot read", path);
  *contents = buffer.str();
  return absl::OkStatus();
}

}  // namespace gan
