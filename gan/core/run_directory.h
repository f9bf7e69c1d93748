// The directory one training run writes into:
//   <root>/config.json     the resolved config (after overrides)
//   <root>/command.txt     the command line
//   <root>/samples/        sample grids
//   <root>/checkpoints/    checkpoints
//   <root>/log.jsonl       one JSON object per logged iteration (see gan/train)
//   <root>/status.json     running, finished, stopped or failed (gan/outputs/run_status.h)
//   <root>/report.html     the run as one static page (gan/outputs/run_report.h)
//
//   ASSIGN_OR_RETURN(gan::RunDirectory run, gan::RunDirectory::Create("runs/dcgan"));
#ifndef GAN_CORE_RUN_DIRECTORY_H_
#define GAN_CORE_RUN_DIRECTORY_H_

#include <string>

#include "absl/status/statusor.h"

namespace gan {

class RunDirectory {
 public:
  // Creates `root` and its sub-directories (parents too); an existing run directory is
  // reused (that is how --resume finds its checkpoints). Errors name the path.
  static absl::StatusOr<RunDirectory> Create(const std::string& root);
  // The layout of `root` without creating anything (a data-parallel rank that only reads).
  static RunDirectory At(const std::string& root) { return RunDirectory(root); }

  const std::string& root() const { return root_; }
  std::string samples() const { return root_ + "/samples"; }
  std::string checkpoints() const { return root_ + "/checkpoints"; }
  std::string File(const std::string& name) const { return root_ + "/" + name; }

 private:
  explicit RunDirectory(std::string root) : root_(std::move(root)) {}
  std::string root_;
};

// Resolves a user-given relative path against the directory the user ran `bazel run`
// from (BUILD_WORKING_DIRECTORY), since bazel starts binaries inside their runfiles.
std::string ResolveUserPath(const std::string& path);

// Creates a directory and its parents; OK if it exists.
absl::Status MakeDirectories(const std::string& path);

}  // namespace gan

#endif  // GAN_CORE_RUN_DIRECTORY_H_
