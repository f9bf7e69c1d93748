// Export on the GPU: a generator traced on CUDA, saved, and loaded back through the C++
// inference API on CUDA, generates G's own images; and the same file loaded on the CPU
// generates them too (the deterministic paths: DCGAN's forward, StyleGAN2's synthesis
// without noise). Catches a traced constant left on the tracing device, a chunk or pad
// tensor made on the CPU, or a device the loader forgets to map. Without a GPU it exports
// and loads on the CPU (the GPU check's rehearsal runs it so).
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "gan/core/runtime.h"
#include "gan/export/torchscript_generator.h"
#include "gan/inference/generator.h"
#include "gan/networks/dcgan/dcgan.h"
#include "gan/networks/stylegan2/stylegan2.h"

namespace gan {
namespace {

std::string TmpFile(const std::string& name) {
  const char* directory = std::getenv("TEST_TMPDIR");
  return std::string(directory != nullptr ? directory : "/tmp") + "/" + name;
}

// Float32 on different devices: reductions in another order, so not bit-equal.
void ExpectClose(const torch::Tensor& actual, const torch::Tensor& expected) {
  EXPECT_TRUE(torch::allclose(actual.cpu(), expected.cpu(), 1e-4, 1e-5))
      << "max difference " << (actual.cpu() - expected.cpu()).abs().max().item<double>();
}

TEST(ExportGpuTest, ADcganExportedOnTheDeviceGeneratesItsImagesThereAndOnTheCpu) {
  const torch::Device device = FirstGpuOrCpu();
  torch::manual_seed(0);
  auto g = MakeDcganGenerator(StandardDcganSpec(32, 3, 8, 16));
  g->to(device);
  absl::StatusOr<torch::jit::Module> module = TraceGenerator(*g, {4});
  ASSERT_TRUE(module.ok()) << module.status();
  const std::string path = TmpFile("dcgan_gpu.pt");
  module->save(path);
  const torch::Tensor z = torch::randn({6, 16});
  torch::Tensor expected;
  {
    torch::NoGradGuard no_grad;
    expected = g->forward(z.to(device));
  }
  for (const torch::Device& load_on : {device, torch::Device(torch::kCPU)}) {
    absl::StatusOr<InferenceGenerator> loaded = InferenceGenerator::Load(path, load_on);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    absl::StatusOr<torch::Tensor> images = loaded->Generate(z, {}, 5);  // 5 + 1 rows, chunks of 4
    ASSERT_TRUE(images.ok()) << images.status();
    EXPECT_EQ(images->device(), load_on);
    ExpectClose(*images, expected);
  }
}

TEST(ExportGpuTest, AStyleGan2ExportedOnTheDeviceSynthesizesItsImagesWithoutNoise) {
  const torch::Device device = FirstGpuOrCpu();
  StyleGan2Spec spec = *StyleGan2SpecFor(16, 3, /*width=*/4, /*latent_dim=*/16);
  spec.style.mapping_layers = 2;
  torch::manual_seed(0);
  auto g = std::make_shared<StyleGan2Generator>(spec);
  g->to(device);
  absl::StatusOr<torch::jit::Module> module = TraceGenerator(*g, {2});
  ASSERT_TRUE(module.ok()) << module.status();
  const std::string path = TmpFile("stylegan2_gpu.pt");
  module->save(path);
  const torch::Tensor z = torch::randn({3, 16});
  torch::Tensor ws, expected;
  {
    torch::NoGradGuard no_grad;
    ws = g->Styles(z.to(device), {});
    std::vector<torch::Tensor> zeros;
    for (const torch::Tensor& n : g->SampleNoise(3, device)) zeros.push_back(torch::zeros_like(n));
    expected = g->Synthesize(ws, zeros);
  }
  for (const torch::Device& load_on : {device, torch::Device(torch::kCPU)}) {
    absl::StatusOr<InferenceGenerator> loaded = InferenceGenerator::Load(path, load_on);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    absl::StatusOr<torch::Tensor> styles = loaded->Styles(z);
    ASSERT_TRUE(styles.ok()) << styles.status();
    ExpectClose(*styles, ws);
    absl::StatusOr<torch::Tensor> images = loaded->Synthesize(ws.to(load_on), /*noise=*/false);
    ASSERT_TRUE(images.ok()) << images.status();
    EXPECT_EQ(images->device(), load_on);
    ExpectClose(*images, expected);
  }
}

}  // namespace
}  // namespace gan
