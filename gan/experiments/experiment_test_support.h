// Test helpers for running experiment binaries as a user would: a Fashion-MNIST-format
// fixture, a runner that captures exit code and output, and JSONL log reading.
#ifndef GAN_EXPERIMENTS_EXPERIMENT_TEST_SUPPORT_H_
#define GAN_EXPERIMENTS_EXPERIMENT_TEST_SUPPORT_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace gan {

// Every experiment binary of gan/experiments/BUILD (ALL_EXPERIMENTS there, one per config
// in configs/), for tests that cover them all.
const std::vector<std::string>& AllExperiments();

// $TEST_TMPDIR.
const std::string& TestTmpDir();

bool FileExists(const std::string& path);

// Writes `count` 28x28 "garments" (bright rectangles of varying size) with labels 0..9 as
// gzipped train-{images,labels} IDX files in <TEST_TMPDIR>/<name>; returns the directory.
std::string MakeFashionMnistFixture(const std::string& name, int count = 64);

struct BinaryResult {
  int exit_code;
  std::string output;  // stdout and stderr
};

// Runs //gan/experiments:<experiment> (or the binary at a runfiles path such as
// "gan/tools/sample") from the test's runfiles with `flags`.
BinaryResult RunExperimentBinary(const std::string& experiment, const std::string& flags);

// Starts //gan/experiments:<binary> (or a path, as above) with `flags`, stdout and
// stderr into `log`; returns its pid (to signal and waitpid).
pid_t StartExperimentBinary(const std::string& binary, const std::vector<std::string>& flags,
                            const std::string& log);

// One JSON object per line.
std::vector<nlohmann::json> ReadJsonLines(const std::string& path);

}  // namespace gan

#endif  // GAN_EXPERIMENTS_EXPERIMENT_TEST_SUPPORT_H_
