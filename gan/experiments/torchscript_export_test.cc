// Every shipped experiment's generator, exported at tiny width and loaded back with
// LibTorch alone (torch::jit::load), makes the C++ module's images for the same inputs and
// random state; the StyleGAN families' mapping (with truncation) and synthesis too. Python's
// torch loads the same files and the state dicts and makes the same images.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <torch/script.h>
#include <torch/torch.h>

#include "gan/core/config.h"
#include "gan/core/runfiles.h"
#include "gan/run/experiment_config.h"
#include "gan/experiments/experiment_test_support.h"
#include "gan/export/state_dict.h"
#include "gan/export/torchscript_generator.h"
#include "gan/networks/family.h"
#include "gan/networks/style_based_generator.h"
#include "gan/networks/stylegan/style_space.h"

namespace gan {
namespace {

constexpr int64_t kChunk = 3;
constexpr int64_t kBatch = 5;  // a whole chunk and a padded one

ExperimentConfig TinyConfig(const std::string& name) {
  const std::string path =
      FindRunfile("gan/experiments/configs/" + name + ".json").value();
  absl::StatusOr<nlohmann::json> json = ReadJsonFile(path);
  EXPECT_TRUE(json.ok()) << json.status();
  std::vector<std::string> settings;
  if (name.rfind("dcgan_stl10", 0) != 0) settings.push_back("model.width=2");
  if (name == "ebgan" || name == "began") settings.push_back("model.code_dim=8");
  for (const std::string& setting : settings) EXPECT_TRUE(ApplyOverride(setting, &*json).ok());
  absl::StatusOr<ExperimentConfig> config = ParseExperimentConfig(*json);
  EXPECT_TRUE(config.ok()) << config.status();
  return *config;
}

// The oracle: the C++ module over the same chunks, zero-padded as the export pads them.
torch::Tensor Chunked(const std::vector<torch::Tensor>& inputs,
                      const std::function<torch::Tensor(const std::vector<torch::Tensor>&)>& f) {
  std::vector<torch::Tensor> parts;
  for (int64_t start = 0; start < inputs[0].size(0); start += kChunk) {
    std::vector<torch::Tensor> chunk;
    int64_t rows = 0;
    for (const torch::Tensor& input : inputs) {
      torch::Tensor part = input.slice(0, start, start + kChunk);
      rows = part.size(0);
      if (rows < kChunk) {
        std::vector<int64_t> shape = part.sizes().vec();
        shape[0] = kChunk - rows;
        part = torch::cat({part, torch::zeros(shape, part.options())});
      }
      chunk.push_back(part);
    }
    parts.push_back(f(chunk).slice(0, 0, rows));
  }
  return torch::cat(parts);
}

void ExpectClose(const torch::Tensor& got, const torch::Tensor& expected, const std::string& what) {
  ASSERT_EQ(got.sizes(), expected.sizes()) << what;
  EXPECT_LE((got - expected).abs().max().item<double>(), 1e-5) << what;
}

class TorchScriptExportTest : public ::testing::TestWithParam<std::string> {};

// The experiment's G at tiny width, with BatchNorm statistics, w's mean and the noise
// strengths moved away from their initial values (so that evaluation mode, truncation and
// noise show), exported to `path`.
struct Exported {
  Generator g;
  ImageShape shape;
  torch::Tensor z, labels;
};

Exported ExportTinyGenerator(const std::string& name, const std::string& path) {
  const ExperimentConfig config = TinyConfig(name);
  Exported out;
  out.shape = config.data.dataset == "stl10" ? ImageShape{96, 3} : ImageShape{32, 1};
  torch::manual_seed(1);
  absl::StatusOr<Generator> built = config.model.family->BuildGenerator(out.shape);
  EXPECT_TRUE(built.ok()) << built.status();
  if (!built.ok()) return out;
  Generator& g = out.g = *built;
  const int64_t classes = g->num_classes();
  out.z = torch::randn({kBatch, g->latent_dim()});
  out.labels = classes > 0 ? torch::arange(kBatch) % classes : torch::Tensor();
  {
    torch::NoGradGuard no_grad;
    g->train();
    for (int i = 0; i < 2; ++i) {
      g->forward(torch::randn({4, g->latent_dim()}) * 2,
                 classes > 0 ? out.labels.slice(0, 0, 4) : torch::Tensor());
    }
    if (auto* style_based = dynamic_cast<StyleBasedGenerator*>(g.get())) {
      const_cast<torch::Tensor&>(style_based->w_average()).copy_(torch::randn({style_based->w_dim()}));
      // Noise strengths start at 0; the images should depend on the noise.
      for (auto& item : g->named_parameters()) {
        if (item.key().find("noise") != std::string::npos) item.value().fill_(0.5);
      }
    }
  }
  absl::StatusOr<torch::jit::Module> exported = TraceGenerator(*g, {kChunk});
  EXPECT_TRUE(exported.ok()) << exported.status();
  if (!exported.ok()) out.g = nullptr;
  if (exported.ok()) exported->save(path);
  return out;
}

// G's images for `e`'s inputs after torch::manual_seed(seed), chunk by chunk as exported.
torch::Tensor ExpectedImages(const Exported& e, uint64_t seed) {
  torch::NoGradGuard no_grad;
  const bool conditional = e.labels.defined();
  torch::manual_seed(seed);
  return Chunked(conditional ? std::vector<torch::Tensor>{e.z, e.labels}
                             : std::vector<torch::Tensor>{e.z},
                 [&](const std::vector<torch::Tensor>& in) {
                   return e.g->forward(in[0], conditional ? in[1] : torch::Tensor());
                 });
}

TEST_P(TorchScriptExportTest, TheLoadedModuleMakesTheGeneratorsImages) {
  const std::string path = TestTmpDir() + "/" + GetParam() + ".pt";
  const Exported e = ExportTinyGenerator(GetParam(), path);
  ASSERT_TRUE(e.g != nullptr);
  const Generator& g = e.g;
  const ImageShape& shape = e.shape;
  const torch::Tensor& z = e.z;
  const torch::Tensor& labels = e.labels;
  const int64_t classes = g->num_classes();
  auto* style_based = dynamic_cast<StyleBasedGenerator*>(g.get());
  torch::jit::Module loaded = torch::jit::load(path);

  EXPECT_EQ(loaded.attr("latent_dim").toInt(), g->latent_dim());
  EXPECT_EQ(loaded.attr("num_classes").toInt(), classes);
  EXPECT_EQ(loaded.attr("image_size").toInt(), shape.size);
  EXPECT_EQ(loaded.attr("image_channels").toInt(), shape.channels);

  const torch::Tensor expected = ExpectedImages(e, 7);
  torch::NoGradGuard no_grad;
  auto call = [&](const std::vector<torch::Tensor>& in) {
    return g->forward(in[0], classes > 0 ? in[1] : torch::Tensor());
  };
  const std::vector<torch::Tensor> inputs =
      classes > 0 ? std::vector<torch::Tensor>{z, labels} : std::vector<torch::Tensor>{z};
  torch::manual_seed(7);
  const torch::Tensor got =
      (classes > 0 ? loaded.forward({z, labels}) : loaded.forward({z})).toTensor();
  ExpectClose(got, expected, "forward");
  EXPECT_EQ(got.sizes(), (std::vector<int64_t>{kBatch, shape.channels, shape.size, shape.size}));

  if (style_based == nullptr) {
    // Chunking changes nothing where G draws nothing: the whole batch at once agrees.
    ExpectClose(got, call(inputs), "forward, one batch");
    EXPECT_FALSE(loaded.find_method("styles").has_value());
    return;
  }
  EXPECT_EQ(loaded.attr("num_ws").toInt(), style_based->num_ws());
  EXPECT_EQ(loaded.attr("w_dim").toInt(), style_based->w_dim());
  const torch::Tensor ws = Chunked(inputs, [&](const std::vector<torch::Tensor>& in) {
    return style_based->Styles(in[0], classes > 0 ? in[1] : torch::Tensor());
  });
  std::vector<c10::IValue> mapping_inputs(inputs.begin(), inputs.end());
  ExpectClose(loaded.get_method("styles")(mapping_inputs).toTensor(), ws, "mapping");
  // Truncation by the C++ networks' own function: psi 0.7 on the first two inputs.
  mapping_inputs.push_back(0.7);
  mapping_inputs.push_back(int64_t{2});
  ExpectClose(loaded.get_method("styles")(mapping_inputs).toTensor(),
              TruncateStyles(ws, style_based->w_average(), 0.7, 2), "mapping, truncated");
  torch::manual_seed(9);
  const torch::Tensor images = Chunked({ws}, [&](const std::vector<torch::Tensor>& in) {
    return style_based->Synthesize(in[0], {});
  });
  torch::manual_seed(9);
  ExpectClose(loaded.get_method("synthesize")({ws}).toTensor(), images, "synthesis");
  const torch::Tensor quiet = Chunked({ws}, [&](const std::vector<torch::Tensor>& in) {
    std::vector<torch::Tensor> zeros = style_based->SampleNoise(in[0].size(0), torch::kCPU);
    for (torch::Tensor& noise : zeros) noise.zero_();
    return style_based->Synthesize(in[0], zeros);
  });
  ExpectClose(loaded.get_method("synthesize")({ws, false}).toTensor(), quiet, "synthesis, no noise");
  EXPECT_FALSE(quiet.equal(images));
}

TEST(TorchScriptExportErrorsTest, BadInputsAreNamed) {
  const ExperimentConfig config = TinyConfig("projection_gan");
  absl::StatusOr<Generator> g = config.model.family->BuildGenerator({32, 1});
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(TraceGenerator(**g, {0}).status().message(),
            "the traced batch size (chunk) must be >= 1, got 0");
  absl::StatusOr<torch::jit::Module> exported = TraceGenerator(**g, {2});
  ASSERT_TRUE(exported.ok()) << exported.status();
  const int64_t latent = (*g)->latent_dim();
  auto error = [&](const torch::Tensor& z, const torch::Tensor& labels) -> std::string {
    try {
      exported->forward({z, labels});
    } catch (const std::exception& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(error(torch::randn({2, latent + 1}), torch::zeros({2}, torch::kLong))
                .find("forward: z must be [N, " + std::to_string(latent) + "] with N > 0"),
            std::string::npos);
  EXPECT_NE(error(torch::randn({2, latent}), torch::full({2}, 10, torch::kLong))
                .find("forward: labels must be in [0, 10)"),
            std::string::npos);
  EXPECT_NE(error(torch::randn({2, latent}), torch::zeros({3}, torch::kLong))
                .find("forward: labels must be [N], one per row of z"),
            std::string::npos);
}

// Python's torch (Debian's python3-torch, installed by tools/setup.sh) loads each export
// and its state dict and makes the C++ images (testdata/check_exports.py).
TEST(TorchScriptPythonTest, PythonLoadsEveryExportAndItsStateDict) {
  const std::string python = "/usr/bin/python3";
  ASSERT_EQ(std::system((python + " -c 'import torch' 2>/dev/null").c_str()), 0)
      << "Python's torch is missing: tools/setup.sh installs Debian's python3-torch";
  const std::string directory = TestTmpDir() + "/python";
  ASSERT_EQ(std::system(("mkdir -p " + directory).c_str()), 0);
  std::string names;
  for (const std::string& name : AllExperiments()) {
    const Exported e = ExportTinyGenerator(name, directory + "/" + name + ".pt");
    ASSERT_TRUE(e.g != nullptr) << name;
    std::vector<std::pair<std::string, torch::Tensor>> case_tensors = {
        {"z", e.z}, {"images", ExpectedImages(e, 11)}, {"seed", torch::tensor(int64_t{11})}};
    if (e.labels.defined()) case_tensors.emplace_back("labels", e.labels);
    for (const auto& [suffix, bytes] :
         std::vector<std::pair<std::string, std::vector<char>>>{
             {".case.pt", PickledTensors(case_tensors)}, {".state.pt", PickledStateDict(*e.g)}}) {
      std::ofstream(directory + "/" + name + suffix, std::ios::binary)
          .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    }
    names += " " + name;
  }
  const std::string script =
      FindRunfile("gan/experiments/testdata/check_exports.py").value();
  const std::string command = "HOME=" + TestTmpDir() + " " + python + " " + script + " " +
                              directory + names + " 2>&1";
  std::string output;
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  char buffer[4096];
  while (fgets(buffer, sizeof(buffer), pipe) != nullptr) output += buffer;
  EXPECT_EQ(pclose(pipe), 0) << output;
  EXPECT_NE(output.find(std::to_string(AllExperiments().size()) + " of " +
                        std::to_string(AllExperiments().size()) + " ok"),
            std::string::npos)
      << output;
  std::printf("%s", output.c_str());
}

INSTANTIATE_TEST_SUITE_P(ShippedExperiments, TorchScriptExportTest,
                         ::testing::ValuesIn(AllExperiments()));

}  // namespace
}  // namespace gan
