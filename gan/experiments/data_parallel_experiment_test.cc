// An experiment binary as a data-parallel job: --nproc=2 starts two local ranks that
// train together (rank 0 writes the run), and --resume continues such a run.
#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "gan/experiments/experiment_test_support.h"

namespace gan {
namespace {

using ::testing::HasSubstr;

int CountFiles(const std::string& dir, const std::string& prefix) {
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    count += entry.path().filename().string().rfind(prefix, 0) == 0;
  }
  return count;
}

TEST(DataParallelExperimentTest, TwoLocalRanksTrainWriteOnceAndResume) {
  const std::string data = MakeFashionMnistFixture("fashion_ddp", 64);
  const std::string run = TestTmpDir() + "/run_ddp";
  const std::string port = std::to_string(30000 + getpid() % 20000);
  const std::string common = "--data_dir=" + data + " --out_dir=" + run +
                             " --nproc=2 --batch_size=8 --threads=1"
                             " --set=model.width=4,output.checkpoint_every=3,output.sample_every=3";
  const BinaryResult first =
      RunExperimentBinary("dcgan_fashion_mnist", common + " --max_iterations=6 --master_port=" + port);
  ASSERT_EQ(first.exit_code, 0) << first.output;
  EXPECT_THAT(first.output, HasSubstr("rank 1 of 2, 8 iterations per epoch"));  // 64 / 8
  EXPECT_TRUE(FileExists(run + "/checkpoints/ckpt_000000006.pt"));
  EXPECT_EQ(CountFiles(run, "events.out.tfevents."), 1);  // only rank 0 writes
  EXPECT_EQ(ReadJsonLines(run + "/log.jsonl").back()["iteration"], 6);

  const BinaryResult resumed = RunExperimentBinary(
      "dcgan_fashion_mnist", common + " --max_iterations=9 --resume --master_port=" + port);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_THAT(resumed.output, HasSubstr("resumed from " + run + "/checkpoints/ckpt_000000006.pt"));
  EXPECT_TRUE(FileExists(run + "/checkpoints/ckpt_000000009.pt"));
}

TEST(DataParallelExperimentTest, GlobalBatchMustSplitOverTheRanks) {
  const std::string data = MakeFashionMnistFixture("fashion_ddp_odd", 16);
  const BinaryResult result = RunExperimentBinary(
      "dcgan_fashion_mnist", "--data_dir=" + data + " --out_dir=" + TestTmpDir() +
                                 "/odd --nproc=2 --batch_size=7 --max_iterations=1 --master_port=" +
                                 std::to_string(30001 + getpid() % 20000));
  EXPECT_NE(result.exit_code, 0);
  EXPECT_THAT(result.output, HasSubstr("train.batch_size 7 (the global batch) does not split over 2 ranks"));
}

}  // namespace
}  // namespace gan
