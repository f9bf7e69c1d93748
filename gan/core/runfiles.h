// Finds files that ship with the toolkit (e.g. committed classifier weights) whether a
// binary runs under `bazel run`, `bazel test`, or directly from bazel-bin.
//
//   ASSIGN_OR_RETURN(std::string weights,
//                    gan::FindRunfile("gan/metrics/weights/fashion_mnist_classifier.pt"));
#ifndef GAN_CORE_RUNFILES_H_
#define GAN_CORE_RUNFILES_H_

#include <string>

#include "absl/status/statusor.h"

namespace gan {

// `path` is relative to the toolkit's root. Looks in the toolkit's directory (gan, _main
// under Bazel 7's modules, or its name as a dependency) of $RUNFILES_DIR, $TEST_SRCDIR and
// <this executable>.runfiles, then in the current directory; the error lists them.
absl::StatusOr<std::string> FindRunfile(const std::string& path);

}  // namespace gan

#endif  // GAN_CORE_RUNFILES_H_
