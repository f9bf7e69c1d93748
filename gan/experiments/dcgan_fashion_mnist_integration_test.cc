// Runs the dcgan_fashion_mnist binary exactly as a user would (flags, run directory) on
// a small Fashion-MNIST-format fixture: a few iterations, the files it must write, finite
// losses, --resume, and clear errors for bad input.
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gan/core/atomic_file.h"
#include "gan/experiments/experiment_test_support.h"

namespace gan {
namespace {

using ::testing::HasSubstr;

const std::string& Tmp() { return TestTmpDir(); }
bool Exists(const std::string& path) { return FileExists(path); }
BinaryResult RunBinary(const std::string& flags) {
  return RunExperimentBinary("dcgan_fashion_mnist", flags);
}

TEST(DcganFashionMnistTest, TrainsWritesItsRunDirectoryAndResumes) {
  const std::string data = MakeFashionMnistFixture("fashion");
  const std::string run = Tmp() + "/run";
  const std::string common = "--data_dir=" + data + " --out_dir=" + run +
                             " --batch_size=16 --threads=1"
                             " --set=model.width=8,output.sample_every=3,output.log_every=2,"
                             "output.checkpoint_every=3";
  // The same data under a name with a space, which the recorded command must quote.
  const std::string spaced = Tmp() + "/fashion data";
  ASSERT_EQ(symlink(data.c_str(), spaced.c_str()), 0);
  setenv("BUILD_WORKSPACE_DIRECTORY", Tmp().c_str(), 1);  // as `bazel run` does
  BinaryResult first = RunBinary(common + " --max_iterations=6 '--data_dir=" + spaced + "'");
  unsetenv("BUILD_WORKSPACE_DIRECTORY");
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_THAT(first.output, HasSubstr("64 images of 1x32x32"));
  EXPECT_THAT(first.output, HasSubstr("iter 6/6"));
  EXPECT_THAT(first.output, HasSubstr("--resume"));

  // 4 iterations per epoch: samples at 3 (every 3), 4 (epoch end) and 6 (every 3, end).
  for (const char* name : {"iter_000000003.png", "iter_000000004.png", "iter_000000006.png"}) {
    EXPECT_TRUE(Exists(run + "/samples/" + name)) << name;
  }
  EXPECT_TRUE(Exists(run + "/checkpoints/ckpt_000000006.pt"));
  EXPECT_TRUE(Exists(run + "/config.json"));
  // The command as typed under `bazel run`, arguments quoted for the shell.
  std::string command;
  ASSERT_TRUE(ReadFile(run + "/command.txt", &command).ok());
  EXPECT_EQ(command, "bazel run //gan/experiments:dcgan_fashion_mnist -- " + common +
                         " --max_iterations=6 '--data_dir=" + spaced + "'\n");
  // report.html shows the grids and the loss curves of the run.
  std::string report;
  ASSERT_TRUE(ReadFile(run + "/report.html", &report).ok());
  EXPECT_NE(report.find("<img src=\"samples/iter_000000006.png\""), std::string::npos);
  EXPECT_NE(report.find(">loss_d</text>"), std::string::npos);
  // TensorBoard event file beside it.
  EXPECT_EQ(system(("ls " + run + "/events.out.tfevents.* > /dev/null").c_str()), 0);
  const auto log = ReadJsonLines(run + "/log.jsonl");
  ASSERT_EQ(log.size(), 3u);
  for (size_t i = 0; i < log.size(); ++i) {
    EXPECT_EQ(log[i]["iteration"], 2 * (i + 1));
    EXPECT_TRUE(std::isfinite(log[i]["loss_d"].get<double>()));
    EXPECT_TRUE(std::isfinite(log[i]["loss_g"].get<double>()));
  }

  // Starting over in the same directory would overwrite work: refused.
  BinaryResult again = RunBinary(common + " --max_iterations=6");
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.output, HasSubstr("already has checkpoints: pass --resume"));

  BinaryResult resumed = RunBinary("--out_dir=" + run + " --resume --max_iterations=8 --threads=1");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_THAT(resumed.output, HasSubstr("resumed from " + run + "/checkpoints/ckpt_000000006.pt"));
  EXPECT_TRUE(Exists(run + "/checkpoints/ckpt_000000008.pt"));
  const auto continued = ReadJsonLines(run + "/log.jsonl");
  ASSERT_EQ(continued.size(), 4u);
  EXPECT_EQ(continued.back()["iteration"], 8);
}

TEST(DcganFashionMnistTest, BadInputFailsBeforeTrainingNamingTheProblem) {
  const std::string data = MakeFashionMnistFixture("fashion");
  const std::string run = Tmp() + "/bad_run";
  BinaryResult negative = RunBinary("--data_dir=" + data + " --out_dir=" + run + " --batch_size=-4");
  EXPECT_EQ(negative.exit_code, 1);
  EXPECT_THAT(negative.output, HasSubstr("'train.batch_size' must be positive, got -4"));
  BinaryResult unknown = RunBinary("--data_dir=" + data + " --out_dir=" + run + " --set=train.lr=1");
  EXPECT_THAT(unknown.output, HasSubstr("unknown config key 'train.lr'"));
  BinaryResult missing = RunBinary("--data_dir=" + Tmp() + "/nowhere --out_dir=" + run);
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_THAT(missing.output, HasSubstr(Tmp() + "/nowhere"));
  EXPECT_FALSE(Exists(run)) << "nothing is written when the input is bad";
  BinaryResult nothing = RunBinary("--out_dir=" + Tmp() + "/never_ran --resume");
  EXPECT_THAT(nothing.output, HasSubstr("does not exist"));
}

}  // namespace
}  // namespace gan
