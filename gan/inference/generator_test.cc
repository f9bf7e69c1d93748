#include "gan/inference/generator.h"

#include <cstdio>
#include <string>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "gan/export/torchscript_generator.h"
#include "gan/networks/dcgan/dcgan.h"
#include "gan/networks/stylegan2/stylegan2.h"

namespace gan {
namespace {

std::string TmpFile(const std::string& name) {
  return std::string(std::getenv("TEST_TMPDIR")) + "/" + name;
}

// A tiny DCGAN G exported to a file (traced 2 rows at a time), and the G itself.
std::shared_ptr<DcganGenerator> ExportDcgan(const std::string& path) {
  torch::manual_seed(0);
  auto g = MakeDcganGenerator(StandardDcganSpec(32, 1, 4, 8));
  absl::StatusOr<torch::jit::Module> module = TraceGenerator(*g, {2});
  EXPECT_TRUE(module.ok()) << module.status();
  module->save(path);
  return g;
}

TEST(InferenceGeneratorTest, GeneratesTheExportedGeneratorsImagesInBatches) {
  const std::string path = TmpFile("dcgan.pt");
  auto g = ExportDcgan(path);
  absl::StatusOr<InferenceGenerator> loaded = InferenceGenerator::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->latent_dim(), 8);
  EXPECT_EQ(loaded->num_classes(), 0);
  EXPECT_EQ(loaded->image_size(), 32);
  EXPECT_EQ(loaded->image_channels(), 1);
  EXPECT_FALSE(loaded->style_based());
  const torch::Tensor z = torch::randn({5, 8});
  // Batches of 3 (the module's chunks are 2): 3 + 2 rows, then 2 + 1 + 2 inside.
  absl::StatusOr<torch::Tensor> images = loaded->Generate(z, {}, 3);
  ASSERT_TRUE(images.ok()) << images.status();
  torch::NoGradGuard no_grad;
  EXPECT_TRUE(torch::allclose(*images, g->forward(z), 1e-5, 1e-5));
}

TEST(InferenceGeneratorTest, ALatentDependsOnItsSeedAlone) {
  const std::string path = TmpFile("dcgan_seeds.pt");
  ExportDcgan(path);
  absl::StatusOr<InferenceGenerator> loaded = InferenceGenerator::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const torch::Tensor both = loaded->LatentsFromSeeds({3, 7});
  ASSERT_EQ(both.sizes(), (torch::IntArrayRef{2, 8}));
  EXPECT_TRUE(both[1].equal(loaded->LatentsFromSeeds({7})[0]));
  EXPECT_TRUE(both[0].equal(loaded->LatentsFromSeeds({3, 3})[1]));
  EXPECT_FALSE(both[0].equal(both[1]));
  torch::manual_seed(3);  // the global generator plays no part
  EXPECT_TRUE(both.equal(loaded->LatentsFromSeeds({3, 7})));
}

TEST(InferenceGeneratorTest, StyleMethodsReachTheMappingAndADifferentiableSynthesis) {
  StyleGan2Spec spec = *StyleGan2SpecFor(16, 3, /*width=*/2, /*latent_dim=*/8);
  spec.style.mapping_layers = 2;
  torch::manual_seed(0);
  auto g = std::make_shared<StyleGan2Generator>(spec);
  absl::StatusOr<torch::jit::Module> module = TraceGenerator(*g, {2});
  ASSERT_TRUE(module.ok()) << module.status();
  absl::StatusOr<InferenceGenerator> loaded =
      InferenceGenerator::FromModule(*module, "stylegan2", torch::kCPU);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_TRUE(loaded->style_based());
  EXPECT_EQ(loaded->num_ws(), g->num_ws());
  const torch::Tensor z = torch::randn({3, 8});
  absl::StatusOr<torch::Tensor> ws = loaded->Styles(z);
  ASSERT_TRUE(ws.ok()) << ws.status();
  {
    torch::NoGradGuard no_grad;
    EXPECT_TRUE(torch::allclose(*ws, g->Styles(z, {}), 1e-5, 1e-6));
  }
  const torch::Tensor w = ws->detach().requires_grad_(true);
  absl::StatusOr<torch::Tensor> images = loaded->Synthesize(w);
  ASSERT_TRUE(images.ok()) << images.status();
  images->square().sum().backward();
  ASSERT_TRUE(w.grad().defined());
  EXPECT_GT(w.grad().abs().sum().item<double>(), 0.0);
}

TEST(InferenceGeneratorTest, ErrorsNameTheFileAndWhatWasExpected) {
  EXPECT_NE(InferenceGenerator::Load(TmpFile("missing.pt")).status().message().find(
                TmpFile("missing.pt") + ": not a TorchScript module that LibTorch can load"),
            std::string::npos);
  // A file that is no archive: LibTorch's reason, without its C++ backtrace.
  {
    std::FILE* text = std::fopen(TmpFile("text.pt").c_str(), "w");
    ASSERT_NE(text, nullptr);
    std::fputs("not an archive\n", text);
    std::fclose(text);
  }
  const std::string not_archive =
      std::string(InferenceGenerator::Load(TmpFile("text.pt")).status().message());
  EXPECT_EQ(not_archive.rfind(TmpFile("text.pt") + ": not a TorchScript module", 0), 0u)
      << not_archive;
  EXPECT_EQ(not_archive.find("frame #"), std::string::npos) << not_archive;
  EXPECT_EQ(not_archive.find("Exception raised from"), std::string::npos) << not_archive;
  torch::jit::Module plain("__torch__.Plain");
  plain.register_attribute("training", c10::BoolType::get(), false);
  plain.save(TmpFile("plain.pt"));
  EXPECT_NE(InferenceGenerator::Load(TmpFile("plain.pt")).status().message().find(
                "no integer attribute 'latent_dim': not a generator written by the export tool"),
            std::string::npos);

  const std::string path = TmpFile("dcgan_errors.pt");
  ExportDcgan(path);
  absl::StatusOr<InferenceGenerator> loaded = InferenceGenerator::Load(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(loaded->Generate(torch::randn({2, 9})).status().message(),
            path + ": forward: z must be [N, 8] with N > 0");
  EXPECT_EQ(loaded->Generate(torch::randn({2, 8}), torch::zeros({2}, torch::kLong)).status().message(),
            path + " is unconditional: labels must be undefined");
  EXPECT_EQ(loaded->Styles(torch::randn({2, 8})).status().message(),
            path + " has no mapping network (not a StyleGAN-family generator)");
}

}  // namespace
}  // namespace gan
