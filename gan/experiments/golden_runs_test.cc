// Every experiment binary, at tiny width for five iterations on one thread with a fixed
// seed, reproduces bit for bit the losses it logs and the weights it checkpoints, as
// recorded in testdata/golden_runs.json (per LibTorch minor version) before the config and
// factory layers were restructured. A refactor that changes what any experiment computes
// (an option dropped on the way to an updater, a default changed, layers built in another
// order, random numbers drawn in another order) fails here, naming the experiment and the
// first value that moved.
//
// To record values for a new LibTorch version (never to paper over a change):
//   bazel test //gan/experiments:golden_runs_test --test_env=GAN_GOLDEN_OUTPUT=/tmp/golden.json
// and merge the file's entries into testdata/golden_runs.json under the new version's key.
#include <torch/serialize.h>
#include <torch/version.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "absl/strings/str_cat.h"
#include "gan/core/atomic_file.h"
#include "gan/core/file_hash.h"
#include "gan/core/machine_description.h"
#include "gan/core/run_directory.h"
#include "gan/core/runfiles.h"
#include "gan/experiments/experiment_test_support.h"

namespace gan {
namespace {

const std::string kVersion = absl::StrCat(TORCH_VERSION_MAJOR, ".", TORCH_VERSION_MINOR);

// 16 STL-10 "unlabeled" records (3x96x96 bytes each) of smooth gradients.
std::string MakeStl10Fixture() {
  const std::string dir = TestTmpDir() + "/stl10";
  EXPECT_TRUE(MakeDirectories(dir + "/stl10_binary").ok());
  std::string bytes;
  for (int image = 0; image < 16; ++image) {
    for (int pixel = 0; pixel < 3 * 96 * 96; ++pixel) {
      bytes.push_back(static_cast<char>((pixel / 97 + image * 16) % 256));
    }
  }
  EXPECT_TRUE(WriteFileAtomically(dir + "/stl10_binary/unlabeled_X.bin", bytes).ok());
  return dir;
}

// Made once for the experiments that train on it.
const std::string& Stl10Fixture() {
  static const std::string* dir = new std::string(MakeStl10Fixture());
  return *dir;
}

// Settings that make each experiment tiny while keeping what it exercises: every
// scheme's first G step (n_dis up to 5), EMA averaging, a PGGAN fade-in, LeCam's term,
// ADA's transforms and its update of p.
std::string TinySettings(const std::string& experiment) {
  std::string settings = "output.sample_every=0,output.checkpoint_every=0,output.log_every=1";
  if (experiment.rfind("dcgan_stl10", 0) != 0) settings += ",model.width=2";
  if (experiment == "ebgan" || experiment == "began") settings += ",model.code_dim=8";
  // The average copies G for the first two iterations' G steps, then averages (biggan's
  // n_dis 4 leaves it one G step, at iteration 3).
  if (experiment == "biggan") settings += ",ema.start_g_steps=0";
  if (experiment == "reacgan") settings += ",ema.start_g_steps=1";  // n_dis 2
  if (experiment == "stylegan_fashion_mnist" || experiment == "stylegan2_fashion_mnist" ||
      experiment == "stylegan2_ada_fashion_mnist_10pct" || experiment == "pggan_fashion_mnist") {
    settings += ",ema.start_g_steps=2";
  }
  if (experiment == "pggan_fashion_mnist") {
    settings += ",model.growth.stable_images=8,model.growth.fade_images=16";
  }
  if (experiment == "lecam_resnet") settings += ",terms.lecam.start=1";  // on from step 2
  // ADA's pipeline at work from the first step, and p adapted after the second.
  if (experiment == "dcgan_fashion_mnist_10pct_ada" ||
      experiment == "stylegan2_ada_fashion_mnist_10pct") {
    settings += ",augment.initial_p=0.5,augment.interval=2";
  }
  return settings;
}

// A hash of every tensor under `archive` (recursively, keys in sorted order), with its key.
void HashTensors(torch::serialize::InputArchive& archive, const std::string& prefix,
                 std::string& bytes) {
  std::vector<std::string> keys = archive.keys();
  std::sort(keys.begin(), keys.end());
  for (const std::string& key : keys) {
    torch::Tensor tensor;
    torch::serialize::InputArchive child;
    if (archive.try_read(key, tensor)) {
      tensor = tensor.contiguous().cpu();
      bytes += prefix + key + "\n";
      bytes.append(static_cast<const char*>(tensor.data_ptr()), tensor.nbytes());
    } else if (archive.try_read(key, child)) {
      HashTensors(child, prefix + key + ".", bytes);
    }
  }
}

// The weights hashes of G, D and G's average (when the run keeps one) in a checkpoint.
nlohmann::json WeightHashes(const std::string& checkpoint) {
  torch::serialize::InputArchive archive, updater;
  archive.load_from(checkpoint);
  archive.read("updater", updater);
  nlohmann::json hashes;
  for (const char* network : {"generator", "discriminator", "generator_ema"}) {
    torch::serialize::InputArchive weights;
    if (!updater.try_read(network, weights)) continue;
    std::string bytes;
    HashTensors(weights, "", bytes);
    hashes[network] = ContentHash(bytes);
  }
  return hashes;
}

// The run's log without wall-clock fields.
nlohmann::json LoggedValues(const std::string& run) {
  nlohmann::json lines = nlohmann::json::array();
  for (nlohmann::json line : ReadJsonLines(run + "/log.jsonl")) {
    line.erase("seconds");
    lines.push_back(line);
  }
  return lines;
}

nlohmann::json Recorded() {
  const absl::StatusOr<std::string> path =
      FindRunfile("gan/experiments/testdata/golden_runs.json");
  std::string text;
  EXPECT_TRUE(path.ok() && ReadFile(*path, &text).ok()) << path.status();
  return nlohmann::json::parse(text);
}

// What this build computed, gathered for the file a re-recording copies from.
nlohmann::json& Computed() {
  static nlohmann::json* computed = new nlohmann::json(nlohmann::json::object());
  return *computed;
}

class GoldenRunsTest : public ::testing::TestWithParam<std::string> {
 protected:
  // Into $GAN_GOLDEN_OUTPUT (a file, set with --test_env), else the undeclared outputs.
  static void TearDownTestSuite() {
    const char* file = std::getenv("GAN_GOLDEN_OUTPUT");
    const char* outputs = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR");
    if (file == nullptr && outputs == nullptr) return;
    const std::string path = file != nullptr ? file : std::string(outputs) + "/golden_runs.json";
    const nlohmann::json computed = {{kVersion, Computed()}};
    EXPECT_TRUE(WriteFileAtomically(path, computed.dump(2) + "\n").ok()) << path;
  }
};

TEST_P(GoldenRunsTest, ReproducesRecordedLossesAndWeights) {
  const std::string& experiment = GetParam();
  const bool stl10 = experiment.rfind("dcgan_stl10", 0) == 0;
  static const std::string fashion = MakeFashionMnistFixture("fashion", 32);
  const std::string data = stl10 ? Stl10Fixture() : fashion;
  const std::string run = TestTmpDir() + "/run_" + experiment;
  const BinaryResult result = RunExperimentBinary(
      experiment, "--data_dir=" + data + " --out_dir=" + run +
                      " --max_iterations=5 --batch_size=8 --threads=1 --seed=7 --set=" +
                      TinySettings(experiment));
  ASSERT_EQ(result.exit_code, 0) << result.output;
  const nlohmann::json computed = {{"log", LoggedValues(run)},
                                   {"weights", WeightHashes(run + "/checkpoints/ckpt_000000005.pt")}};
  Computed()[experiment] = computed;

  const nlohmann::json recorded = Recorded();
  ASSERT_TRUE(recorded.contains(kVersion))
      << "no golden values for LibTorch " << kVersion << "; see this file's header";
  ASSERT_TRUE(recorded[kVersion].contains(experiment))
      << "no golden values for " << experiment << " with LibTorch " << kVersion;
  const nlohmann::json& expected = recorded[kVersion][experiment];
  // Bits move where kernels sum in another order (README, "CPUs and exact numbers").
  const std::string machine =
      "\nThis machine: " + DescribeMachine() +
      "\n(README, 'CPUs and exact numbers', lists the CPUs these values hold on.)";
  EXPECT_EQ(computed["weights"], expected["weights"]) << experiment << machine;
  ASSERT_EQ(computed["log"].size(), expected["log"].size()) << experiment;
  for (size_t i = 0; i < expected["log"].size(); ++i) {
    // Exact doubles: the logged values are bit-for-bit reproducible on one thread.
    EXPECT_EQ(computed["log"][i], expected["log"][i])
        << experiment << ", log line " << i + 1 << machine;
  }
}

INSTANTIATE_TEST_SUITE_P(ShippedExperiments, GoldenRunsTest, ::testing::ValuesIn(AllExperiments()));

}  // namespace
}  // namespace gan
