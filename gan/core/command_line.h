// The command line as the user typed it, for a run's command.txt and a study's: under
// `bazel run` (which sets BUILD_WORKSPACE_DIRECTORY) the target's label instead of the
// binary's path in Bazel's output tree, and every argument quoted as a POSIX shell reads
// it back.
//
//   WriteFileAtomically(dir + "/command.txt", gan::CommandLine(argc, argv) + "\n");
#ifndef GAN_CORE_COMMAND_LINE_H_
#define GAN_CORE_COMMAND_LINE_H_

#include <string>

namespace gan {

// "bazel run //gan/experiments:dcgan_fashion_mnist -- --epochs=2" (or the binary's path
// when not under `bazel run`).
std::string CommandLine(int argc, char** argv);

// A word as a POSIX shell reads it back: as it is when it is safe, else in single quotes.
std::string ShellQuoted(const std::string& word);

}  // namespace gan

#endif  // GAN_CORE_COMMAND_LINE_H_
