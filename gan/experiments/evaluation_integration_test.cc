// Metrics end to end: a short run evaluates itself during training (log.jsonl,
// metrics.jsonl, best checkpoint), and the `evaluate` tool reproduces its FID from the
// checkpoint; the real-vs-real baseline of a split against itself is 0.
#include <cmath>
#include <filesystem>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gan/core/atomic_file.h"
#include "gan/experiments/experiment_test_support.h"

namespace gan {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

nlohmann::json ReadJson(const std::string& path) {
  std::string text;
  EXPECT_TRUE(ReadFile(path, &text).ok()) << path;
  return nlohmann::json::parse(text);
}

TEST(EvaluationIntegrationTest, TrainingEvaluatesKeepsTheBestAndEvaluateAgrees) {
  const std::string data = MakeFashionMnistFixture("fashion_eval", 64);
  const std::string run = TestTmpDir() + "/run_eval";
  const std::string cache = TestTmpDir() + "/cache";
  const BinaryResult trained = RunExperimentBinary(
      "dcgan_fashion_mnist",
      "--data_dir=" + data + " --out_dir=" + run +
          " --max_iterations=8 --batch_size=8 --threads=1"
          " --set=model.width=4,output.sample_every=0,output.checkpoint_every=0,"
          "output.evaluate_every=4,output.evaluate_samples=20,output.evaluate_cache_dir=" + cache);
  ASSERT_EQ(trained.exit_code, 0) << trained.output;
  EXPECT_THAT(trained.output, HasSubstr("FID (fmnist-classifier features)"));

  // Two evaluations (iterations 4 and 8), each as a log line beside the losses.
  std::vector<double> fids;
  for (const auto& line : ReadJsonLines(run + "/log.jsonl")) {
    if (line.contains("fid")) fids.push_back(line["fid"].get<double>());
  }
  ASSERT_EQ(fids.size(), 2u);
  const auto metrics = ReadJsonLines(run + "/metrics.jsonl");
  ASSERT_EQ(metrics.size(), 2u);
  EXPECT_EQ(metrics[1]["iteration"], 8);
  const nlohmann::json& protocol = metrics[1]["protocol"];
  EXPECT_THAT(protocol["extractor"].get<std::string>(), StartsWith("fmnist-classifier (fnv1a64:"));
  EXPECT_EQ(protocol["n_fake"], 20);
  EXPECT_EQ(protocol["n_real"], 64);
  EXPECT_EQ(protocol["reference"]["split"], "train");
  for (const char* key : {"is_mean", "kid_mean", "precision", "recall", "density", "coverage"}) {
    EXPECT_TRUE(metrics[1]["metrics"].contains(key)) << key;
  }
  // And in the TensorBoard file, under metrics/ (its records are checked in tensorboard_test).
  std::string event_bytes;
  for (const auto& entry : std::filesystem::directory_iterator(run)) {
    if (entry.path().filename().string().rfind("events.out.tfevents.", 0) == 0) {
      ASSERT_TRUE(ReadFile(entry.path().string(), &event_bytes).ok());
    }
  }
  EXPECT_THAT(event_bytes, HasSubstr("metrics/fid"));
  EXPECT_THAT(event_bytes, HasSubstr("metrics/kid_mean"));

  // The best checkpoint is the lower FID of the two.
  EXPECT_TRUE(FileExists(run + "/checkpoints/best.pt"));
  const nlohmann::json best = ReadJson(run + "/checkpoints/best.json");
  EXPECT_DOUBLE_EQ(best["metrics"]["fid"].get<double>(), std::min(fids[0], fids[1]));
  EXPECT_EQ(best["iteration"], fids[0] <= fids[1] ? 4 : 8);

  // The tool on the last checkpoint, same seed and sample count: the same FID.
  const BinaryResult evaluated = RunExperimentBinary(
      "gan/tools/evaluate", "--run_dir=" + run + " --num_fake=20 --kid_subset_size=10 --threads=1"
                  " --cache_dir=" + cache);
  ASSERT_EQ(evaluated.exit_code, 0) << evaluated.output;
  const nlohmann::json result = ReadJson(run + "/metrics/ckpt_000000008_train.json");
  EXPECT_NEAR(result["metrics"]["fid"].get<double>(), fids[1], 1e-6 * (1 + fids[1]));
  EXPECT_EQ(result["source"]["weights"], "trained G");
  EXPECT_EQ(result["protocol"]["generator_batch_norm"], "running statistics (eval mode)");

  // IS per checkpoint, for a training curve: every checkpoint of the run, one line each.
  const BinaryResult all = RunExperimentBinary(
      "gan/tools/evaluate", "--run_dir=" + run + " --all_checkpoints --num_fake=20 --kid_subset_size=10"
                  " --threads=1 --cache_dir=" + cache);
  ASSERT_EQ(all.exit_code, 0) << all.output;
  EXPECT_THAT(all.output, HasSubstr("ckpt_000000008.pt: FID (fmnist-classifier features)"));
  EXPECT_THAT(all.output, HasSubstr("IS (fmnist-classifier features)"));
}

TEST(EvaluationIntegrationTest, ASplitAgainstItselfHasZeroFid) {
  const std::string data = MakeFashionMnistFixture("fashion_self", 40);
  const std::string out = TestTmpDir() + "/self.json";
  const BinaryResult result = RunExperimentBinary(
      "gan/tools/evaluate", "--fake_split=train --data_dir=" + data + " --threads=1 --kid_subset_size=20"
                  " --cache_dir=" + TestTmpDir() + "/cache_self --out=" + out);
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json json = ReadJson(out);
  EXPECT_NEAR(json["metrics"]["fid"].get<double>(), 0.0, 1e-6);
  EXPECT_DOUBLE_EQ(json["metrics"]["precision"].get<double>(), 1.0);
  EXPECT_DOUBLE_EQ(json["metrics"]["coverage"].get<double>(), 1.0);
  // Every "generated" image is a copy of a real one: none is authentic.
  EXPECT_DOUBLE_EQ(json["metrics"]["authenticity"].get<double>(), 0.0);
}

TEST(EvaluationIntegrationTest, MissingInceptionWeightsAreNamed) {
  const std::string data = MakeFashionMnistFixture("fashion_bad", 16);
  const BinaryResult result = RunExperimentBinary(
      "gan/tools/evaluate", "--fake_split=train --data_dir=" + data +
                      " --extractor=inception-v3:/nonexistent/pt_inception.pth");
  EXPECT_NE(result.exit_code, 0);
  EXPECT_THAT(result.output, HasSubstr("/nonexistent/pt_inception.pth"));
}

}  // namespace
}  // namespace gan
