#include "gan/core/command_line.h"

#include <cstdlib>
#include <string>

#include <gtest/gtest.h>

namespace gan {
namespace {

TEST(CommandLineTest, UnderBazelRunTheLabelStandsForTheBinary) {
  std::string binary = "/root/.cache/bazel/_bazel_root/x/execroot/gan/bazel-out/k8-opt/bin/"
                       "gan/experiments/dcgan_fashion_mnist";
  std::string epochs = "--epochs=2", set = "--set=loss=bce,optim.lr_g=1e-4", dir = "--out_dir=my runs";
  char* argv[] = {binary.data(), epochs.data(), set.data(), dir.data()};
  setenv("BUILD_WORKSPACE_DIRECTORY", "/home/me/gan", 1);
  EXPECT_EQ(CommandLine(4, argv),
            "bazel run //gan/experiments:dcgan_fashion_mnist -- --epochs=2 "
            "--set=loss=bce,optim.lr_g=1e-4 '--out_dir=my runs'");
  // From the runfiles tree (bazel run of a target whose binary is a runfile).
  std::string runfiles = "/x/bin/gan/experiments/study.runfiles/gan/gan/experiments/study";
  char* from_runfiles[] = {runfiles.data()};
  EXPECT_EQ(CommandLine(1, from_runfiles), "bazel run //gan/experiments:study");
  // The same under Bazel 7's modules, where the main repository's directory is _main.
  std::string module_runfiles = "/x/bin/gan/experiments/study.runfiles/_main/gan/experiments/study";
  char* from_module_runfiles[] = {module_runfiles.data()};
  EXPECT_EQ(CommandLine(1, from_module_runfiles), "bazel run //gan/experiments:study");
  unsetenv("BUILD_WORKSPACE_DIRECTORY");
  EXPECT_EQ(CommandLine(2, argv), binary + " --epochs=2");
}

TEST(CommandLineTest, ShellQuotingReadsBackAsTheSameWord) {
  EXPECT_EQ(ShellQuoted("--seed=3"), "--seed=3");
  EXPECT_EQ(ShellQuoted(""), "''");
  EXPECT_EQ(ShellQuoted("a b"), "'a b'");
  EXPECT_EQ(ShellQuoted("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellQuoted("$HOME"), "'$HOME'");
}

}  // namespace
}  // namespace gan
