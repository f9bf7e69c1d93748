#include "gan/experiments/experiment_test_support.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "gan/core/atomic_file.h"
#include "gan/core/run_directory.h"
#include "gan/core/runfiles.h"

namespace gan {
namespace {

void WriteIdxGz(const std::string& path, const std::vector<int>& dims,
                const std::vector<uint8_t>& data) {
  std::string bytes = {0, 0, 8, static_cast<char>(dims.size())};
  for (int dim : dims) {
    for (int shift : {24, 16, 8, 0}) bytes.push_back(static_cast<char>((dim >> shift) & 0xff));
  }
  bytes.append(data.begin(), data.end());
  gzFile file = gzopen(path.c_str(), "wb");
  ASSERT_NE(file, nullptr) << path;
  ASSERT_EQ(gzwrite(file, bytes.data(), bytes.size()), static_cast<int>(bytes.size()));
  gzclose(file);
}

}  // namespace

const std::vector<std::string>& AllExperiments() {
  static const auto* names = [] {
    auto* names = new std::vector<std::string>;
    const absl::StatusOr<std::string> path = FindRunfile("gan/experiments/all_experiments.txt");
    if (!path.ok()) {
      std::fprintf(stderr, "%s\n", std::string(path.status().message()).c_str());
      std::abort();
    }
    std::ifstream in(*path);
    for (std::string name; std::getline(in, name);) {
      if (!name.empty()) names->push_back(name);
    }
    return names;
  }();
  return *names;
}

const std::string& TestTmpDir() {
  static const std::string* dir = new std::string(std::getenv("TEST_TMPDIR"));
  return *dir;
}

bool FileExists(const std::string& path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0;
}

std::string MakeFashionMnistFixture(const std::string& name, int count) {
  const std::string dir = TestTmpDir() + "/" + name;
  EXPECT_TRUE(MakeDirectories(dir).ok());
  std::vector<uint8_t> pixels(count * 28 * 28, 0), labels(count);
  for (int i = 0; i < count; ++i) {
    const int half = 4 + i % 9;
    for (int y = 14 - half; y < 14 + half; ++y) {
      for (int x = 14 - half + i % 3; x < 14 + half; ++x) pixels[i * 784 + y * 28 + x] = 200;
    }
    labels[i] = static_cast<uint8_t>(i % 10);
  }
  WriteIdxGz(dir + "/train-images-idx3-ubyte.gz", {count, 28, 28}, pixels);
  WriteIdxGz(dir + "/train-labels-idx1-ubyte.gz", {count}, labels);
  return dir;
}

namespace {

// A binary of this package by name ("dcgan_fashion_mnist"), another by its runfiles path
// ("gan/tools/sample").
std::string BinaryPath(const std::string& binary) {
  return FindRunfile(binary.find('/') == std::string::npos ? "gan/experiments/" + binary : binary)
      .value();
}

}  // namespace

BinaryResult RunExperimentBinary(const std::string& experiment, const std::string& flags) {
  const std::string binary = BinaryPath(experiment);
  const std::string log =
      TestTmpDir() + "/" + experiment.substr(experiment.rfind('/') + 1) + "_output.txt";
  const int status = std::system((binary + " " + flags + " > " + log + " 2>&1").c_str());
  BinaryResult result{WIFEXITED(status) ? WEXITSTATUS(status) : -1, ""};
  EXPECT_TRUE(ReadFile(log, &result.output).ok());
  return result;
}

pid_t StartExperimentBinary(const std::string& binary, const std::vector<std::string>& flags,
                            const std::string& log) {
  const std::string path = BinaryPath(binary);
  const pid_t pid = fork();
  if (pid == 0) {
    if (std::freopen(log.c_str(), "w", stdout) == nullptr) _exit(126);
    dup2(fileno(stdout), fileno(stderr));
    std::vector<char*> argv{const_cast<char*>(path.c_str())};
    for (const std::string& flag : flags) argv.push_back(const_cast<char*>(flag.c_str()));
    argv.push_back(nullptr);
    execv(path.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

std::vector<nlohmann::json> ReadJsonLines(const std::string& path) {
  std::string text;
  EXPECT_TRUE(ReadFile(path, &text).ok()) << path;
  std::vector<nlohmann::json> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  return lines;
}

}  // namespace gan
