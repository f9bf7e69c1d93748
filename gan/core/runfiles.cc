#include "gan/core/runfiles.h"

#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace gan {

namespace {

// The toolkit's directory under a runfiles tree: the repository's name there. As the main
// repository that is its WORKSPACE name ("gan"), or "_main" where Bazel 7 reads MODULE.bazel;
// as another project's dependency, the name Bazel gives it, which Bazel 6 and later pass
// to C++ as BAZEL_CURRENT_REPOSITORY (empty in the main repository).
std::vector<std::string> ToolkitRepositoryDirectories() {
#ifdef BAZEL_CURRENT_REPOSITORY
  if (*BAZEL_CURRENT_REPOSITORY != '\0') return {BAZEL_CURRENT_REPOSITORY};
#endif
  return {"gan", "_main"};
}

}  // namespace

absl::StatusOr<std::string> FindRunfile(const std::string& path) {
  std::vector<std::string> trees;
  for (const char* variable : {"RUNFILES_DIR", "TEST_SRCDIR"}) {
    const char* value = std::getenv(variable);
    if (value != nullptr && *value != '\0') trees.push_back(value);
  }
  char executable[PATH_MAX];
  const ssize_t length = ::readlink("/proc/self/exe", executable, sizeof(executable) - 1);
  if (length > 0) trees.push_back(absl::StrCat(std::string(executable, length), ".runfiles"));
  std::vector<std::string> roots;
  for (const std::string& tree : trees) {
    for (const std::string& repository : ToolkitRepositoryDirectories()) {
      roots.push_back(absl::StrCat(tree, "/", repository));
    }
  }
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
