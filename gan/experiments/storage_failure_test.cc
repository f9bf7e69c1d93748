// Storage failures end to end, in real child processes: a file-size limit (RLIMIT_FSIZE,
// the unprivileged stand-in for a full disk: writes fail with EFBIG as they would with
// ENOSPC) hit while writing a checkpoint, and run directories that cannot be created.
// Each must end the run with an error naming the file, leave no partial or temporary
// file, and keep every earlier checkpoint loadable.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gan/core/atomic_file.h"
#include "gan/core/runfiles.h"
#include "gan/experiments/experiment_test_support.h"

namespace gan {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Runs dcgan_fashion_mnist under `ulimit -f blocks` (512-byte blocks; 0 = unlimited) with
// SIGXFSZ ignored, so an oversized write fails instead of killing the process.
BinaryResult RunLimited(int blocks, const std::string& flags) {
  const std::string binary =
      FindRunfile("gan/experiments/dcgan_fashion_mnist").value();
  const std::string log = TestTmpDir() + "/limited_output.txt";
  const std::string limit = blocks > 0 ? "ulimit -f " + std::to_string(blocks) + "; " : "";
  const std::string command =
      "sh -c \"trap '' XFSZ; " + limit + "exec " + binary + " " + flags + "\" > " + log + " 2>&1";
  const int status = std::system(command.c_str());
  BinaryResult result{WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), ""};
  EXPECT_TRUE(ReadFile(log, &result.output).ok());
  return result;
}

std::vector<std::string> FilesIn(const std::string& dir) {
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

TEST(StorageFailureTest, FullDiskDuringACheckpointKeepsTheEarlierOnes) {
  const std::string data = MakeFashionMnistFixture("fashion_storage", 32);
  const std::string run = TestTmpDir() + "/run_full";
  const std::string common = "--data_dir=" + data + " --out_dir=" + run +
                             " --batch_size=8 --threads=1"
                             " --set=model.width=4,output.sample_every=0,output.checkpoint_every=2";
  const BinaryResult first = RunLimited(0, common + " --max_iterations=4");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  const std::vector<std::string> before = FilesIn(run + "/checkpoints");
  ASSERT_EQ(before, (std::vector<std::string>{"ckpt_000000002.pt", "ckpt_000000004.pt"}));
  const auto checkpoint_size = std::filesystem::file_size(run + "/checkpoints/ckpt_000000004.pt");

  // Resume with room for everything but a checkpoint: the write at iteration 6 fails.
  const int blocks = static_cast<int>(checkpoint_size / 512 / 2);
  const BinaryResult full = RunLimited(blocks, common + " --max_iterations=8 --resume");
  EXPECT_EQ(full.exit_code, 1) << full.output;  // an error, not a crash (134) or a signal
  EXPECT_THAT(full.output, HasSubstr("extension 'checkpoint' at iteration 6: cannot write '" +
                                     run + "/checkpoints/ckpt_000000006.pt': File too large"));
  EXPECT_THAT(full.output, Not(HasSubstr("terminate called")));
  EXPECT_EQ(FilesIn(run + "/checkpoints"), before);  // no partial or temporary file

  // The earlier checkpoints are intact: a resume without the limit continues from 4.
  const BinaryResult resumed = RunLimited(0, common + " --max_iterations=6 --resume");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_THAT(resumed.output, HasSubstr("ckpt_000000004.pt"));
  EXPECT_EQ(FilesIn(run + "/checkpoints"),
            (std::vector<std::string>{"ckpt_000000002.pt", "ckpt_000000004.pt",
                                      "ckpt_000000006.pt"}));
}

TEST(StorageFailureTest, RunDirectoryThatCannotBeCreatedIsAnErrorBeforeTraining) {
  const std::string data = MakeFashionMnistFixture("fashion_unwritable", 16);
  const std::string file = TestTmpDir() + "/a_file";
  ASSERT_TRUE(WriteFileAtomically(file, "not a directory").ok());
  const BinaryResult result =
      RunLimited(0, "--data_dir=" + data + " --out_dir=" + file +
                        "/run --max_iterations=2 --batch_size=8");
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, HasSubstr("cannot create directory '" + file + "/run': '" + file +
                                       "' exists and is not a directory"));
  EXPECT_THAT(result.output, Not(HasSubstr("iterations per epoch")));  // nothing trained
}

TEST(StorageFailureTest, ReadOnlyRunDirectoryIsAnErrorBeforeTraining) {
  if (geteuid() == 0) GTEST_SKIP() << "root writes through directory permissions";
  const std::string data = MakeFashionMnistFixture("fashion_readonly", 16);
  const std::string run = TestTmpDir() + "/read_only";
  std::filesystem::create_directories(run);
  std::filesystem::permissions(run, std::filesystem::perms::owner_read |
                                        std::filesystem::perms::owner_exec);
  const BinaryResult result =
      RunLimited(0, "--data_dir=" + data + " --out_dir=" + run + " --max_iterations=2");
  std::filesystem::permissions(run, std::filesystem::perms::owner_all);
  EXPECT_EQ(result.exit_code, 1) << result.output;
  EXPECT_THAT(result.output, HasSubstr(run));
  EXPECT_THAT(result.output, HasSubstr("Permission denied"));
  EXPECT_TRUE(FilesIn(run).empty());
}

}  // namespace
}  // namespace gan
