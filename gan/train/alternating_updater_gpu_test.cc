// fp16 autocast with dynamic loss scaling on a GPU: what CUDA training with
// precision.mixed_precision=fp16 runs.
#include <vector>

#include <gtest/gtest.h>
#include <torch/cuda.h>

#include "gan/losses/adversarial_loss.h"
#include "gan/networks/dcgan/dcgan.h"
#include "gan/train/alternating_updater.h"

namespace gan {
namespace {

struct TrainedRun {
  torch::Tensor start, end;  // G's and D's parameters, flattened, on the CPU
  double loss_scale = 0;
};

torch::Tensor Flat(torch::nn::Module& g, torch::nn::Module& d) {
  std::vector<torch::Tensor> flat;
  for (const auto& p : g.parameters()) flat.push_back(p.detach().reshape(-1));
  for (const auto& p : d.parameters()) flat.push_back(p.detach().reshape(-1));
  return torch::cat(flat).cpu();
}

// Five iterations of a tiny DCGAN on the first GPU, from the same start each time.
TrainedRun TrainOnGpu(AlternatingUpdaterOptions options) {
  const torch::Device gpu(torch::kCUDA, 0);
  torch::manual_seed(3);
  const DcganSpec spec = StandardDcganSpec(32, 1, 4, 8);
  auto g = MakeDcganGenerator(spec);
  auto d = MakeDcganDiscriminator(spec);
  g->to(gpu);
  d->to(gpu);
  options.device = gpu;
  AlternatingUpdater updater(g, d, *AdversarialLossByName("hinge"), options);
  TrainedRun run;
  run.start = Flat(*g, *d);
  torch::manual_seed(11);
  const Batch batch{torch::rand({8, 1, 32, 32}) * 2 - 1, torch::Tensor()};
  for (int step = 0; step < 5; ++step) updater.Update(batch, step);
  run.end = Flat(*g, *d);
  run.loss_scale = updater.loss_scaler_d().scale();
  return run;
}

TEST(AlternatingUpdaterGpuTest, Float16WithLossScalingStaysCloseToFloat32) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << "no GPU";
  const TrainedRun fp32 = TrainOnGpu({});
  AlternatingUpdaterOptions options;
  options.mixed_precision = MixedPrecision::kFloat16;
  options.loss_scaling = true;
  const TrainedRun fp16 = TrainOnGpu(options);
  EXPECT_EQ(fp16.end.scalar_type(), torch::kFloat);  // parameters stay float32
  EXPECT_TRUE(torch::isfinite(fp16.end).all().item<bool>());
  // 2^16 at the start, halved on each overflow, not grown before 2000 clean steps.
  EXPECT_LE(fp16.loss_scale, 65536.0);
  EXPECT_GE(fp16.loss_scale, 65536.0 / 16);
  // fp16 keeps 11 significant bits; bf16 (8) stays within a quarter of the distance
  // trained on the CPU (alternating_updater_test), so fp16 must too.
  const double moved = (fp32.end - fp32.start).norm().item<double>();
  const double apart = (fp16.end - fp32.end).norm().item<double>();
  EXPECT_GT(moved, 0.0);
  EXPECT_LT(apart, 0.25 * moved) << "moved " << moved << ", apart " << apart;
}

}  // namespace
}  // namespace gan
