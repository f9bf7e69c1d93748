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

// `path` is relative to the workspace root. Looks in $RUNFILES_DIR/gan, $TEST_SRCDIR/gan,
// <this executable>.runfiles/gan and the current directory; the error lists them.
absl::StatusOr<std::string> FindRunfile(const std::string& path);

}  // namespace gan

#endif  // GAN_CORE_RUNFILES_H_
