#include "gan/inference/projector.h"

#include <cmath>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "gan/export/torchscript_generator.h"
#include "gan/networks/dcgan/dcgan.h"
#include "gan/networks/stylegan2/stylegan2.h"

namespace gan {
namespace {

// A random tiny StyleGAN2 G (16x16 gray), exported and loaded as users load one.
InferenceGenerator TinyStyleGan2() {
  StyleGan2Spec spec = *StyleGan2SpecFor(16, 1, /*width=*/4, /*latent_dim=*/16);
  spec.style.mapping_layers = 2;
  torch::manual_seed(0);
  auto g = std::make_shared<StyleGan2Generator>(spec);
  absl::StatusOr<torch::jit::Module> module = TraceGenerator(*g, {1});
  EXPECT_TRUE(module.ok()) << module.status();
  absl::StatusOr<InferenceGenerator> loaded =
      InferenceGenerator::FromModule(*module, "tiny stylegan2", torch::kCPU);
  EXPECT_TRUE(loaded.ok()) << loaded.status();
  return *loaded;
}

TEST(PeakSignalToNoiseRatioTest, ByHand) {
  // MSE 0.04 in [-1, 1]: 10 log10(4 / 0.04) = 20 dB.
  EXPECT_NEAR(PeakSignalToNoiseRatio(torch::full({1, 4, 4}, 0.2, torch::kDouble),
                                     torch::zeros({1, 4, 4}, torch::kDouble)),
              20.0, 1e-9);
}

// The target is the generator's own image of a latent the projection does not know: W+
// projection from the mean of w finds an image far closer than where it started.
TEST(ProjectorTest, RecoversAGeneratedImageInWPlus) {
  const InferenceGenerator g = TinyStyleGan2();
  torch::manual_seed(5);
  const torch::Tensor target_ws = *g.Styles(torch::randn({1, 16}));
  const torch::Tensor target = g.Synthesize(target_ws, false)->detach().squeeze(0);
  ProjectorOptions options;
  options.steps = 300;
  options.w_plus = true;
  options.average_samples = 1000;
  options.record_every = 100;
  absl::StatusOr<Projection> projection = ProjectImage(g, target, options, {});
  ASSERT_TRUE(projection.ok()) << projection.status();
  const torch::Tensor start_ws = *g.Styles(torch::randn({1000, 16}));
  const double start =
      PeakSignalToNoiseRatio(g.Synthesize(start_ws.mean(0, true), false)->detach().squeeze(0), target);
  std::printf("PSNR from %.2f dB at the mean of w to %.2f dB\n", start, projection->psnr);
  EXPECT_GT(projection->psnr, 30.0);
  EXPECT_GT(projection->psnr, start + 10.0);
  EXPECT_EQ(projection->recorded_at, (std::vector<int64_t>{100, 200, 300}));
  EXPECT_EQ(projection->ws.sizes(), (torch::IntArrayRef{1, g.num_ws(), g.w_dim()}));
  // The last recorded step is the result.
  EXPECT_TRUE(projection->steps.back().equal(projection->image));
}

// In W the rows of the result are one w; a feature loss joins the pixel loss.
TEST(ProjectorTest, WSharesOneStyleAndTakesAFeatureLoss) {
  const InferenceGenerator g = TinyStyleGan2();
  const torch::Tensor target = g.Synthesize(*g.Styles(torch::randn({1, 16})), false)->detach()[0];
  ProjectorOptions options;
  options.steps = 20;
  options.average_samples = 100;
  options.feature_weight = 1.0;
  int calls = 0;
  const ImageFeatures features = [&](const torch::Tensor& images) {
    ++calls;
    return torch::avg_pool2d(images, 4).flatten(1);
  };
  absl::StatusOr<Projection> projection = ProjectImage(g, target, options, features);
  ASSERT_TRUE(projection.ok()) << projection.status();
  EXPECT_EQ(calls, 21);  // the target once, then every step
  EXPECT_TRUE(projection->ws.select(1, 0).equal(projection->ws.select(1, g.num_ws() - 1)));
}

TEST(ProjectorTest, ErrorsSayWhatWasExpected) {
  const InferenceGenerator g = TinyStyleGan2();
  EXPECT_EQ(ProjectImage(g, torch::zeros({1, 8, 8}), {}, {}).status().message(),
            "the target image must be [1, 16, 16] as the generator makes them, got [1, 8, 8]");
  ProjectorOptions options;
  options.feature_weight = 1;
  EXPECT_EQ(ProjectImage(g, torch::zeros({1, 16, 16}), options, {}).status().message(),
            "feature_weight > 0 needs a feature map");
  torch::manual_seed(0);
  auto dcgan = MakeDcganGenerator(StandardDcganSpec(32, 1, 4, 8));
  absl::StatusOr<InferenceGenerator> plain =
      InferenceGenerator::FromModule(*TraceGenerator(*dcgan, {1}), "dcgan", torch::kCPU);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(ProjectImage(*plain, torch::zeros({1, 32, 32}), {}, {}).status().message(),
            "projection needs a StyleGAN-family generator (one with mapping and synthesis)");
}

}  // namespace
}  // namespace gan
