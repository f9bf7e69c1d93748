#include "gan/core/run_directory.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace gan {

absl::Status MakeDirectories(const std::string& path) {
  if (path.empty()) return absl::InvalidArgumentError("empty directory path");
  for (size_t slash = path.find('/', 1);; slash = path.find('/', slash + 1)) {
    const std::string prefix = path.substr(0, slash);
    struct stat info;
    if (::stat(prefix.c_str(), &info) == 0) {
      if (!S_ISDIR(info.st_mode)) {
        return absl::FailedPreconditionError(
            absl::StrCat("cannot create directory '", path, "': '", prefix,
                         "' exists and is not a directory"));
      }
    } else if (::mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST) {
      return absl::PermissionDeniedError(absl::StrCat(
          "cannot create directory '", prefix, "': ", std::strerror(errno)));
    }
    if (slash == std::string::npos) break;
  }
  if (::access(path.c_str(), W_OK) != 0) {
    return absl::PermissionDeniedError(
        absl::StrCat("directory '", path, "' is not writable: ", std::strerror(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<RunDirectory> RunDirectory::Create(const std::string& root) {
  RunDirectory run(root);
  for (const std::string& dir : {run.root(), run.samples(), run.checkpoints()}) {
    const absl::Status status = MakeDirectories(dir);
    if (!status.ok()) return status;
  }
  return run;
}

std::string ResolveUserPath(const std::string& path) {
  if (path.empty() || path[0] == '/') return path;
  const char* working_directory = std::getenv("BUILD_WORKING_DIRECTORY");
  if (working_directory == nullptr || *working_directory == '\0') return path;
  return absl::StrCat(working_directory, "/", path);
}

}  // namespace gan
