#include "gan/core/command_line.h"

#include <cstdlib>
#include <vector>

#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"

namespace gan {

std::string ShellQuoted(const std::string& word) {
  if (!word.empty() && word.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                              "0123456789_-+=/.,:@%") == std::string::npos) {
    return word;
  }
  return "'" + absl::StrReplaceAll(word, {{"'", "'\\''"}}) + "'";
}

std::string CommandLine(int argc, char** argv) {
  std::string program = argv[0];
  const std::string binary = program;
  std::string path;  // gan/experiments/dcgan_fashion_mnist
  if (const size_t runfiles = binary.rfind(".runfiles/"); runfiles != std::string::npos) {
    const size_t workspace_end = binary.find('/', runfiles + 10);
    if (workspace_end != std::string::npos) path = binary.substr(workspace_end + 1);
  } else if (const size_t bin = binary.rfind("/bin/"); bin != std::string::npos) {
    path = binary.substr(bin + 5);
  }
  const size_t slash = path.rfind('/');
  if (std::getenv("BUILD_WORKSPACE_DIRECTORY") != nullptr && slash != std::string::npos) {
    program = "bazel run //" + path.substr(0, slash) + ":" + path.substr(slash + 1) +
              (argc > 1 ? " --" : "");
  }
  std::vector<std::string> words = {program};
  for (int i = 1; i < argc; ++i) words.push_back(ShellQuoted(argv[i]));
  return absl::StrJoin(words, " ");
}

}  // namespace gan
