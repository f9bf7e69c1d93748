// Runs the dcgan_fashion_mnist binary exactly as a user would (flags, run directory) on
// a small Fashion-MNIST-format fixture: a few iterations, the files it must write, finite
// losses, --resume, and clear errors for bad input.
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <map>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <torch/serialize/input-archive.h>

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

// Every tensor of a checkpoint's network, by dotted path ("features.0.weight").
void FlattenArchive(torch::serialize::InputArchive& archive, const std::string& prefix,
                    std::map<std::string, torch::Tensor>& tensors) {
  for (const std::string& key : archive.keys()) {
    torch::Tensor tensor;
    torch::serialize::InputArchive child;
    if (archive.try_read(key, tensor)) {
      tensors[prefix + key] = tensor;
    } else if (archive.try_read(key, child)) {
      FlattenArchive(child, prefix + key + ".", tensors);
    }
  }
}

std::map<std::string, torch::Tensor> NetworkTensors(const std::string& checkpoint,
                                                    const std::string& network) {
  torch::serialize::InputArchive archive, updater, weights;
  archive.load_from(checkpoint);
  archive.read("updater", updater);
  updater.read(network, weights);
  std::map<std::string, torch::Tensor> tensors;
  FlattenArchive(weights, "", tensors);
  return tensors;
}

// --init_from: a new run takes another run's networks. What does not fit (G's first layer,
// whose input is the latent size) keeps its initialization and is reported; the rest is
// the other run's. FreezeD keeps D's first blocks there.
TEST(DcganFashionMnistTest, StartsFromAnotherRunsNetworks) {
  const std::string data = MakeFashionMnistFixture("fashion");
  const std::string source = Tmp() + "/source", target = Tmp() + "/target";
  const std::string common = "--data_dir=" + data + " --batch_size=16 --threads=1 --max_iterations=2"
                             " --set=model.width=4,output.sample_every=0";
  BinaryResult trained = RunBinary(common + " --out_dir=" + source);
  ASSERT_EQ(trained.exit_code, 0) << trained.output;
  // G learns at a rate of 1e-30 (its steps leave every weight where it started), D at the
  // default one with all three of its blocks frozen (only its head moves).
  BinaryResult started =
      RunBinary(common + ",model.latent_dim=50,optim.lr_g=1e-30,update.freeze_d_blocks=3"
                         " --out_dir=" + target + " --init_from=" + source);
  ASSERT_EQ(started.exit_code, 0) << started.output;
  const std::string mismatch =
      "generator tensor 'body.0.weight' has shape [100, 16, 4, 4] in the checkpoint, this "
      "network expects [50, 16, 4, 4]: kept its initialization";
  EXPECT_THAT(started.output,
              HasSubstr("initialized from " + source + "/checkpoints/ckpt_000000002.pt"));
  EXPECT_THAT(started.output, HasSubstr(mismatch));
  std::string report;
  ASSERT_TRUE(ReadFile(target + "/init_from.txt", &report).ok());
  EXPECT_THAT(report, HasSubstr(mismatch));

  const std::string before = source + "/checkpoints/ckpt_000000002.pt";
  const std::string after = target + "/checkpoints/ckpt_000000002.pt";
  const auto g_before = NetworkTensors(before, "generator"), g_after = NetworkTensors(after, "generator");
  const auto d_before = NetworkTensors(before, "discriminator"), d_after = NetworkTensors(after, "discriminator");
  // Steps of 1e-30 move a weight of 0 (a BatchNorm bias) to +-1e-30 and no other.
  const auto same = [](const torch::Tensor& a, const torch::Tensor& b) {
    return a.sizes() == b.sizes() && a.allclose(b, /*rtol=*/0, /*atol=*/1e-20);
  };
  const auto statistic = [](const std::string& name) {  // follows the new run's batches
    return name.find("running_") != std::string::npos || name.find("num_batches") != std::string::npos;
  };
  ASSERT_EQ(g_before.size(), g_after.size());
  for (const auto& [name, tensor] : g_after) {
    if (statistic(name)) continue;
    EXPECT_EQ(same(tensor, g_before.at(name)), name != "body.0.weight") << name;
  }
  ASSERT_EQ(d_before.size(), d_after.size());
  for (const auto& [name, tensor] : d_after) {
    if (statistic(name)) continue;
    EXPECT_EQ(same(tensor, d_before.at(name)), name.rfind("head.", 0) != 0) << name;
  }

  BinaryResult both = RunBinary("--out_dir=" + target + " --resume --init_from=" + source);
  EXPECT_THAT(both.output, HasSubstr("pass one of them"));
  BinaryResult nowhere = RunBinary(common + " --out_dir=" + Tmp() + "/target2 --init_from=" + Tmp() + "/nothing");
  EXPECT_THAT(nowhere.output, HasSubstr("is neither a checkpoint nor a directory with one"));
  EXPECT_FALSE(Exists(Tmp() + "/target2")) << "nothing is written when the input is bad";
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

TEST(DcganFashionMnistTest, EveryRepeatedSetApplies) {
  // Abseil alone would keep the last --set only; each of the three forms must apply.
  BinaryResult printed =
      RunBinary("--print_config --set=optim.lr_g=0.001,optim.lr_d=0.003 --set optim.beta1=0.25 -set=loss=bce");
  ASSERT_EQ(printed.exit_code, 0) << printed.output;
  const nlohmann::json config = nlohmann::json::parse(printed.output.substr(printed.output.find('{')));
  EXPECT_EQ(config["optim"]["lr_g"], 0.001);
  EXPECT_EQ(config["optim"]["lr_d"], 0.003);
  EXPECT_EQ(config["optim"]["beta1"], 0.25);
  EXPECT_EQ(config["loss"], "bce");
}

}  // namespace
}  // namespace gan
