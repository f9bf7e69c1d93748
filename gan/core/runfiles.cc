#include "gan/core/runfiles.h"

#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace gan {

absl::StatusOr<std::string> FindRunfile(const std::string& path) {
  std::vector<std::string> roots;
  for (const char* variable : {"RUNFILES_DIR", "TEST_SRCDIR"}) {
    const char* value = std::getenv(variable);
    if (value != nullptr && *value != '\0') roots.push_back(absl::StrCat(value, "/gan"));
  }
  char executable[PATH_MAX];
  const ssize_t length = ::readlink("/proc/self/exe", executable, sizeof(executable) - 1);
  if (length > 0) roots.push_back(absl::StrCat(std::string(executable, length), ".runfiles/gan"));
  roots.push_back(".");
  std::vector<std::string> tried;
  for (const std::string& root : roots) {
    const std::string candidate = root + "/" + path;
    if (::access(candidate.c_str(), R_OK) == 0) return candidate;
    tried.push_back(candidate);
  }
  return absl::NotFoundError(absl::StrCat("cannot find the toolkit file '", path,
                                          "'; looked at: ", absl::StrJoin(tried, ", ")));
}

}  // namespace gan
