// The ResNet, SAGAN, BigGAN, conditional-GAN, StyleGAN, StyleGAN2 and PGGAN experiments run a few
// steps through their own binaries at tiny width (PGGAN through a fade-in); sngan_resnet and
// biggan also on CIFAR-10 binary files; the `sample` and `export` tools read a run's
// checkpoint.
#include <sys/stat.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <torch/csrc/jit/serialization/pickle.h>
#include <torch/script.h>

#include "gan/core/atomic_file.h"
#include "gan/experiments/experiment_test_support.h"
#include "gan/run/run_generator.h"
#include "gan/run/run_inference_generator.h"
#include "gan/networks/style_based_generator.h"

namespace gan {
namespace {

constexpr char kTinyModel[] =
    " --max_iterations=4 --batch_size=8 --threads=1"
    " --set=model.width=2,output.sample_every=0,output.checkpoint_every=0";

constexpr char kCifar10[] = ",data.dataset=cifar10,data.pad=0";  // appended to the --set

// Runs `name` on `data_flags`, checks the run directory and its losses, returns the log.
std::vector<nlohmann::json> ExpectTrainsFourSteps(const std::string& name,
                                                  const std::string& data_dir,
                                                  const std::string& run,
                                                  const std::string& more_settings = "") {
  const BinaryResult result = RunExperimentBinary(
      name, "--data_dir=" + data_dir + " --out_dir=" + run + kTinyModel + more_settings);
  EXPECT_EQ(result.exit_code, 0) << result.output;
  if (result.exit_code != 0) return {};
  EXPECT_TRUE(FileExists(run + "/samples/iter_000000004.png"));
  EXPECT_TRUE(FileExists(run + "/checkpoints/ckpt_000000004.pt"));
  const auto log = ReadJsonLines(run + "/log.jsonl");
  EXPECT_FALSE(log.empty());
  if (log.empty()) return log;
  EXPECT_EQ(log.back()["iteration"], 4);
  for (const auto& line : log) {
    for (const auto& [key, value] : line.items()) {
      EXPECT_TRUE(value.is_number() && std::isfinite(value.get<double>()))
          << name << ": " << key << " = " << value;
    }
  }
  return log;
}

class ArchitectureExperimentTest : public ::testing::TestWithParam<std::string> {};

// pggan at batch 8 with 4 stable and 8 fade-in images: iteration 0 at 4x4, 1 halfway into
// 8x8, 2 starting to fade in 16x16, 3 at 16x16 fully; one log line per iteration.
constexpr char kPgganFade[] =
    ",model.growth.stable_images=4,model.growth.fade_images=8,output.log_every=1";

TEST_P(ArchitectureExperimentTest, TrainsOnFashionMnistFormat) {
  const std::string& name = GetParam();
  const std::string data = MakeFashionMnistFixture("fashion_" + name, 32);
  const bool pggan = name == "pggan_fashion_mnist";
  const auto log =
      ExpectTrainsFourSteps(name, data, TestTmpDir() + "/run_" + name, pggan ? kPgganFade : "");
  if (name == "stylegan2_ada_fashion_mnist_10pct") {
    // ADA's probability is logged.
    ASSERT_FALSE(log.empty());
    EXPECT_TRUE(log.back().contains("augment_p"));
  }
  if (name == "acgan" || name == "reacgan") {
    // The auxiliary class loss of D's step is logged beside the adversarial losses.
    ASSERT_FALSE(log.empty());
    EXPECT_GT(log.back()["class_d"].get<double>(), 0.0);
  }
  if (pggan) {
    // The phase of each iteration is logged as "level" and "alpha".
    ASSERT_EQ(log.size(), 4u);
    const double levels[] = {0, 1, 2, 2}, alphas[] = {1, 0.5, 0, 1};
    for (size_t i = 0; i < 4; ++i) {
      EXPECT_EQ(log[i]["level"].get<double>(), levels[i]) << "iteration " << i + 1;
      EXPECT_EQ(log[i]["alpha"].get<double>(), alphas[i]) << "iteration " << i + 1;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(AllExperiments, ArchitectureExperimentTest,
                         ::testing::Values("sngan_resnet", "sagan", "biggan", "acgan",
                                           "projection_gan", "reacgan", "stylegan_fashion_mnist",
                                           "stylegan2_fashion_mnist",
                                           "stylegan2_ada_fashion_mnist_10pct",
                                           "pggan_fashion_mnist"));

// StyleGAN2's lazy regularizers keep their step counts, and path length its moving
// average, in checkpoints: a run stopped after iteration 3 and resumed to 6 logs what one
// run of 6 logs, bit for bit, across lazy R1 (every 2nd D step here: iterations 1, 3, 5)
// and path length (every 4th G step: iterations 1 and 5).
TEST(StyleGan2ResumeTest, ResumesBitIdenticallyAcrossLazyRegularizationSteps) {
  const std::string data = MakeFashionMnistFixture("fashion_stylegan2_resume", 32);
  const std::string common =
      " --data_dir=" + data + " --batch_size=8 --threads=1 --seed=3"
      " --set=model.width=2,output.sample_every=0,output.checkpoint_every=3,output.log_every=1,"
      "terms.r1.interval=2";
  const std::string whole = TestTmpDir() + "/stylegan2_whole", part = TestTmpDir() + "/stylegan2_part";
  ASSERT_EQ(RunExperimentBinary("stylegan2_fashion_mnist", "--out_dir=" + whole + common +
                                                               " --max_iterations=6").exit_code, 0);
  ASSERT_EQ(RunExperimentBinary("stylegan2_fashion_mnist", "--out_dir=" + part + common +
                                                               " --max_iterations=3").exit_code, 0);
  const BinaryResult resumed = RunExperimentBinary(
      "stylegan2_fashion_mnist", "--out_dir=" + part + " --resume --threads=1 --max_iterations=6");
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  const auto expected = ReadJsonLines(whole + "/log.jsonl");
  const auto got = ReadJsonLines(part + "/log.jsonl");
  ASSERT_EQ(expected.size(), 6u);
  ASSERT_EQ(got.size(), 6u);
  for (size_t i = 0; i < 6; ++i) {
    for (const char* key : {"loss_d", "loss_g", "penalty_d", "path_length_g"}) {
      EXPECT_EQ(got[i].contains(key), expected[i].contains(key)) << key << ", iteration " << i + 1;
      if (expected[i].contains(key) && got[i].contains(key)) {
        EXPECT_EQ(got[i][key].get<double>(), expected[i][key].get<double>()) << key << ", iteration " << i + 1;
      }
    }
  }
  EXPECT_TRUE(expected[4].contains("penalty_d") && expected[4].contains("path_length_g"));
  EXPECT_FALSE(expected[3].contains("penalty_d"));
}

// A few records of CIFAR-10's binary format: label byte, then 32x32 R, G and B planes.
std::string MakeCifar10Fixture(const std::string& name) {
  const std::string dir = TestTmpDir() + "/" + name;
  ::mkdir(dir.c_str(), 0755);
  for (int batch = 1; batch <= 5; ++batch) {
    std::FILE* file = std::fopen((dir + "/data_batch_" + std::to_string(batch) + ".bin").c_str(), "wb");
    for (int record = 0; record < 4; ++record) {
      const int label = (batch * 4 + record) % 10;
      std::fputc(label, file);
      for (int channel = 0; channel < 3; ++channel) {
        for (int pixel = 0; pixel < 32 * 32; ++pixel) {
          std::fputc((pixel * (channel + 1) + label * 25) % 256, file);
        }
      }
    }
    std::fclose(file);
  }
  return dir;
}

TEST(Cifar10FixtureTest, SnganResnetAndBigganTrainOnCifar10Records) {
  const std::string data = MakeCifar10Fixture("cifar10");
  EXPECT_FALSE(ExpectTrainsFourSteps("sngan_resnet", data, TestTmpDir() + "/cifar_sngan", kCifar10).empty());
  EXPECT_FALSE(ExpectTrainsFourSteps("biggan", data, TestTmpDir() + "/cifar_biggan", kCifar10).empty());
}

TEST(SampleToolTest, WritesGridsClassRowsInterpolationsAndImages) {
  const std::string data = MakeFashionMnistFixture("fashion_sample", 32);
  const std::string run = TestTmpDir() + "/run_sample";
  ASSERT_FALSE(ExpectTrainsFourSteps("biggan", data, run).empty());
  for (const std::string mode : {"grid", "classes", "interpolate"}) {
    const BinaryResult result = RunExperimentBinary(
        "gan/tools/sample", "--run_dir=" + run + " --mode=" + mode + " --n=16 --truncation=1.0");
    ASSERT_EQ(result.exit_code, 0) << result.output;
    EXPECT_TRUE(FileExists(run + "/samples/sample_" + mode + ".png")) << mode;
    EXPECT_NE(result.output.find("moving-average weights"), std::string::npos) << result.output;
  }
  const BinaryResult images = RunExperimentBinary(
      "gan/tools/sample", "--run_dir=" + run + " --mode=images --n=3 --ema=false --out=" + run + "/pngs");
  ASSERT_EQ(images.exit_code, 0) << images.output;
  EXPECT_NE(images.output.find("trained weights"), std::string::npos) << images.output;
  EXPECT_TRUE(FileExists(run + "/pngs/image_00002.png"));
  EXPECT_FALSE(FileExists(run + "/pngs/image_00003.png"));

  const BinaryResult bad_label =
      RunExperimentBinary("gan/tools/sample", "--run_dir=" + run + " --label=10");
  EXPECT_NE(bad_label.exit_code, 0);
  EXPECT_NE(bad_label.output.find("--label=10 but the generator has 10 classes"), std::string::npos)
      << bad_label.output;
}

TEST(SampleToolTest, TruncatesStyleGanInW) {
  const std::string data = MakeFashionMnistFixture("fashion_stylegan_sample", 32);
  const std::string run = TestTmpDir() + "/run_stylegan_sample";
  ASSERT_FALSE(ExpectTrainsFourSteps("stylegan_fashion_mnist", data, run).empty());
  const BinaryResult result =
      RunExperimentBinary("gan/tools/sample", "--run_dir=" + run + " --n=16 --truncation=0.7");
  ASSERT_EQ(result.exit_code, 0) << result.output;
  EXPECT_TRUE(FileExists(run + "/samples/sample_grid.png"));
  EXPECT_NE(result.output.find("truncation 0.7 (psi in w)"), std::string::npos) << result.output;
}

// The exported module is the checkpoint's moving-average G: the same images for the same
// latents and noise (one traced chunk of 3), as is the run traced in memory; the state dict
// holds G's tensors by name; the projector reads the module.
TEST(ExportToolTest, WritesTheRunsAverageGeneratorAsTorchScriptAndAsAStateDict) {
  const std::string data = MakeFashionMnistFixture("fashion_stylegan2_export", 32);
  const std::string run = TestTmpDir() + "/run_stylegan2_export";
  ASSERT_FALSE(ExpectTrainsFourSteps("stylegan2_fashion_mnist", data, run).empty());
  const std::string module_path = run + "/generator.pt", weights_path = run + "/weights.pt";
  const BinaryResult exported =
      RunExperimentBinary("gan/tools/export", "--run_dir=" + run + " --chunk=3 --out=" + module_path);
  ASSERT_EQ(exported.exit_code, 0) << exported.output;
  EXPECT_NE(exported.output.find("moving-average weights"), std::string::npos) << exported.output;
  const BinaryResult weights = RunExperimentBinary(
      "gan/tools/export", "--run_dir=" + run + " --format=state_dict --out=" + weights_path);
  ASSERT_EQ(weights.exit_code, 0) << weights.output;

  absl::StatusOr<RunGenerator> loaded = LoadRunGenerator(run, "", /*prefer_average=*/true);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_TRUE(loaded->moving_average);
  GeneratorModule& g = *loaded->generator;
  g.eval();
  torch::NoGradGuard no_grad;
  const torch::Tensor z = torch::randn({3, g.latent_dim()});
  torch::manual_seed(5);
  const torch::Tensor expected = g.forward(z);
  torch::jit::Module module = torch::jit::load(module_path);
  torch::manual_seed(5);
  const torch::Tensor got = module.forward({z}).toTensor();
  EXPECT_LE((got - expected).abs().max().item<double>(), 1e-5);
  // The same without the file: the run traced in memory.
  absl::StatusOr<InferenceGenerator> from_run =
      LoadRunInferenceGenerator(run, "", /*prefer_average=*/true, /*chunk=*/3, torch::kCPU);
  ASSERT_TRUE(from_run.ok()) << from_run.status();
  torch::manual_seed(5);
  absl::StatusOr<torch::Tensor> generated = from_run->Generate(z);
  ASSERT_TRUE(generated.ok()) << generated.status();
  EXPECT_LE((*generated - expected).abs().max().item<double>(), 1e-5);

  std::string bytes;
  ASSERT_TRUE(ReadFile(weights_path, &bytes).ok());
  const c10::Dict<c10::IValue, c10::IValue> state =
      torch::jit::pickle_load(std::vector<char>(bytes.begin(), bytes.end())).toGenericDict();
  EXPECT_EQ(state.size(), g.named_parameters().size() + g.named_buffers().size());
  for (const auto& item : g.named_parameters()) {
    ASSERT_TRUE(state.contains(item.key())) << item.key();
    EXPECT_TRUE(state.at(item.key()).toTensor().equal(item.value())) << item.key();
  }
  std::string architecture;
  ASSERT_TRUE(ReadFile(weights_path + ".json", &architecture).ok());
  const nlohmann::json json = nlohmann::json::parse(architecture);
  EXPECT_EQ(json["model"]["family"], "stylegan2");
  EXPECT_EQ(json["latent_dim"], g.latent_dim());
  EXPECT_EQ(json["num_ws"], dynamic_cast<StyleBasedGenerator&>(g).num_ws());

  // The projector reads the exported file: a grid of the target and 3 recorded steps.
  const BinaryResult projected = RunExperimentBinary(
      "gan/tools/project", "--generator=" + module_path + " --target_seed=1 --steps=30 --record_every=10"
                 " --average_samples=64 --threads=1 --out=" + run + "/projection.png");
  ASSERT_EQ(projected.exit_code, 0) << projected.output;
  EXPECT_TRUE(FileExists(run + "/projection.png"));
  EXPECT_NE(projected.output.find("the steps 10 20 30"), std::string::npos) << projected.output;

  const BinaryResult bad_format =
      RunExperimentBinary("gan/tools/export", "--run_dir=" + run + " --format=onnx --out=" + run + "/x");
  EXPECT_NE(bad_format.exit_code, 0);
  EXPECT_NE(bad_format.output.find("--format='onnx' is not one of: torchscript, state_dict"),
            std::string::npos)
      << bad_format.output;
}

}  // namespace
}  // namespace gan
