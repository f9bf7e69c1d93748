// Every stabilization experiment runs a few steps through its own binary on a small
// Fashion-MNIST-format fixture and writes a complete run directory with finite losses.
#include <cmath>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gan/experiments/experiment_test_support.h"

namespace gan {
namespace {

class StabilizationExperimentTest : public ::testing::TestWithParam<std::string> {};

TEST_P(StabilizationExperimentTest, TrainsFiveStepsAndWritesItsRunDirectory) {
  const std::string& name = GetParam();
  const std::string data = MakeFashionMnistFixture("fashion_" + name, 32);
  const std::string run = TestTmpDir() + "/run_" + name;
  // Five iterations: experiments with n_dis = 5 make their first G step on the fifth.
  // The autoencoder's code size is a key of the energy-based families only.
  const std::string code = name == "ebgan" || name == "began" ? ",model.code_dim=8" : "";
  const BinaryResult result = RunExperimentBinary(
      name, "--data_dir=" + data + " --out_dir=" + run +
                " --max_iterations=5 --batch_size=8 --threads=1"
                " --set=model.width=4,output.sample_every=0,output.checkpoint_every=0" + code);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(FileExists(run + "/samples/iter_000000004.png"));  // end of the 4-batch epoch
  EXPECT_TRUE(FileExists(run + "/samples/iter_000000005.png"));  // end of training
  EXPECT_TRUE(FileExists(run + "/checkpoints/ckpt_000000005.pt"));
  const auto log = ReadJsonLines(run + "/log.jsonl");
  ASSERT_FALSE(log.empty());
  EXPECT_EQ(log.back()["iteration"], 5);
  EXPECT_TRUE(log.back().contains("loss_d"));
  EXPECT_TRUE(log.back().contains("loss_g"));
  for (const auto& line : log) {
    for (const auto& [key, value] : line.items()) {
      ASSERT_TRUE(value.is_number()) << name << ": " << key << " = " << value;
      EXPECT_TRUE(std::isfinite(value.get<double>())) << name << ": " << key;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    AllExperiments, StabilizationExperimentTest,
    ::testing::Values("wgan_clip", "wgan_gp", "lsgan", "dragan", "ebgan", "began",
                      "label_smoothing", "feature_matching", "minibatch_discrimination",
                      "unrolled_gan", "ttur", "dcgan_bn_joint", "dcgan_bn_separate"));

TEST(BeganExperimentTest, LogsKAndConvergenceMeasureEveryStep) {
  const std::string data = MakeFashionMnistFixture("fashion_began_log", 32);
  const std::string run = TestTmpDir() + "/run_began_log";
  const BinaryResult result = RunExperimentBinary(
      "began", "--data_dir=" + data + " --out_dir=" + run +
                   " --max_iterations=3 --batch_size=8 --threads=1 --set=model.width=4");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const auto log = ReadJsonLines(run + "/log.jsonl");
  ASSERT_EQ(log.size(), 3u);
  for (const auto& line : log) {
    EXPECT_GE(line["k"].get<double>(), 0.0);
    EXPECT_LE(line["k"].get<double>(), 1.0);
    EXPECT_GT(line["m_global"].get<double>(), 0.0);
  }
}

TEST(WganGpExperimentTest, ReportsItsPenalty) {
  const std::string data = MakeFashionMnistFixture("fashion_gp_log", 32);
  const std::string run = TestTmpDir() + "/run_gp_log";
  const BinaryResult result = RunExperimentBinary(
      "wgan_gp", "--data_dir=" + data + " --out_dir=" + run +
                     " --max_iterations=2 --batch_size=8 --threads=1 --set=model.width=4");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_GT(ReadJsonLines(run + "/log.jsonl").back()["penalty_d"].get<double>(), 0.0);
}

}  // namespace
}  // namespace gan
