// ADA's pipeline on the GPU: the transforms happen with the reference's probabilities
// there too, the augmented images are distributed as on the CPU, and the gradient reaches
// the images. Catches what only CUDA shows: a transform's matrix or filter made on the
// CPU, grid sampling or padding that CUDA computes differently, a random draw that the
// device's generator makes in another shape. Without a GPU it runs on the CPU (the GPU
// check's rehearsal runs it so).
#include <cmath>

#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include "gan/augment/ada.h"
#include "gan/core/runtime.h"

namespace gan {
namespace {

torch::TensorOptions OnTheDevice() { return torch::TensorOptions().device(FirstGpuOrCpu()); }

AdaOptions FullPipeline(double p) {
  AdaOptions options;
  options.initial_p = p;
  return options;
}

TEST(AdaGpuTest, AtPZeroTheImagesPassUnchangedOnTheDevice) {
  AdaptiveAugment augment(FullPipeline(0.0));
  const torch::Tensor images = torch::rand({4, 3, 8, 8}, OnTheDevice());
  EXPECT_TRUE(augment.Apply(images).equal(images));
}

TEST(AdaGpuTest, BlitTransformsHappenWithTheProbabilityOfTheReference) {
  torch::manual_seed(11);
  // As ada_test's CPU form: an image without symmetries; x-flip p/2, quarter turns 3p/4,
  // an integer translation that is not zero p * 63/64.
  const double p = 0.6;
  const torch::Tensor images =
      torch::rand({1, 1, 32, 32}).expand({6000, 1, 32, 32}).contiguous().to(FirstGpuOrCpu());
  AdaOptions options = FullPipeline(p);
  options.geometric = options.color = false;
  AdaptiveAugment augment(options);
  const torch::Tensor out = augment.Apply(images);
  ASSERT_EQ(out.device(), images.device());
  const double unchanged =
      (out - images).abs().amax({1, 2, 3}).lt(1e-5).to(torch::kDouble).mean().item<double>();
  EXPECT_NEAR(unchanged, (1 - p / 2) * (1 - 3 * p / 4) * (1 - p * 63 / 64), 0.02);
}

TEST(AdaGpuTest, TheFullPipelinesImagesAreDistributedAsOnTheCpu) {
  // 4000 augmentations of one image on each device: every pixel's mean over them must
  // agree within Monte-Carlo error (5 standard errors of the difference; the draws are
  // seeded, so the outcome is fixed per device).
  const int64_t n = 4000;
  torch::manual_seed(21);
  const torch::Tensor image = torch::rand({1, 3, 16, 16}) * 2 - 1;
  const torch::Tensor batch = image.expand({n, 3, 16, 16}).contiguous();
  AdaptiveAugment on_cpu(FullPipeline(0.5)), on_device(FullPipeline(0.5));
  torch::manual_seed(22);
  const torch::Tensor cpu = on_cpu.Apply(batch).to(torch::kDouble);
  if (FirstGpuOrCpu().is_cuda()) torch::cuda::manual_seed(22);
  const torch::Tensor device =
      on_device.Apply(batch.to(FirstGpuOrCpu())).cpu().to(torch::kDouble);
  ASSERT_TRUE(torch::isfinite(device).all().item<bool>());
  const torch::Tensor standard_error =
      ((cpu.var(0) + device.var(0)) / n).sqrt().clamp_min(1e-6);
  const torch::Tensor z = (cpu.mean(0) - device.mean(0)).abs() / standard_error;
  EXPECT_LT(z.max().item<double>(), 5.0);
  // And the pipeline does move the images: at p = 0.5 most pixels' spread is far from 0.
  EXPECT_GT(device.std(0).mean().item<double>(), 0.1);
}

TEST(AdaGpuTest, GradientReachesTheImagesThroughEveryTransformOnTheDevice) {
  torch::manual_seed(15);
  AdaptiveAugment augment(FullPipeline(1.0));
  const torch::Tensor images =
      torch::rand({8, 3, 16, 16}, OnTheDevice()).requires_grad_(true);
  augment.Apply(images).pow(2).sum().backward();
  ASSERT_TRUE(images.grad().defined());
  EXPECT_GT(images.grad().abs().sum().item<double>(), 0);
  EXPECT_TRUE(torch::isfinite(images.grad()).all().item<bool>());
}

}  // namespace
}  // namespace gan
