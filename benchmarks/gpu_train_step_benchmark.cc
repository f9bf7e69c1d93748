// Images per second of one full training iteration (gan::AlternatingUpdater::Update, as the
// trainer runs it) on the first GPU, for the networks GANs are trained with there, in
// float32, bfloat16 and float16 autocast (float16 with dynamic loss scaling, as the
// experiments run precision.mixed_precision=fp16):
//   Dcgan96: the STL-10 DCGAN (96x96x3, hinge, G first), as configs/dcgan_stl10_*.json;
//   StyleGan2_32, StyleGan2_64: StyleGAN2 at width 64 (512 channels at 4x4 and 8x8, halved
//     per doubling), w = z of 512, non-saturating logistic loss, D first.
// Batch 64. tools/gpu_check/pytorch_train_step.py times the same networks and step in
// PyTorch; tools/gpu_check/run.sh prints both in one table. Counters: images/s, and the
// networks' parameter counts (g_params, d_params), which the PyTorch side must equal.
// Without a GPU it runs on the CPU (float16 rows are then skipped): the rehearsal of the
// GPU check uses that.
//
//   bazel run //benchmarks:gpu_train_step_benchmark -- --benchmark_filter=Dcgan96
#include <benchmark/benchmark.h>

#include <chrono>
#include <string>

#include <torch/cuda.h>

#include "gan/core/runtime.h"
#include "gan/core/tool_main.h"
#include "gan/losses/adversarial_loss.h"
#include "gan/networks/dcgan/dcgan.h"
#include "gan/networks/stylegan2/stylegan2.h"
#include "gan/train/alternating_updater.h"

namespace gan {
namespace {

constexpr int64_t kBatchSize = 64;

// Waits for the device's queued work, so that a timer around it measures the work.
void Synchronize(const torch::Device& device) {
  if (device.is_cuda()) torch::cuda::synchronize(device.index());
}

int64_t ParameterCount(torch::nn::Module& module) {
  int64_t count = 0;
  for (const auto& p : module.parameters()) count += p.numel();
  return count;
}

struct Networks {
  Generator g;
  Discriminator d;
};

Networks Stl10Dcgan96() {
  const DcganSpec spec = Stl10DcganSpec();
  return {MakeDcganGenerator(spec), MakeDcganDiscriminator(spec)};
}

template <int64_t kImageSize>
Networks StyleGan2() {
  const StyleGan2Spec spec = *StyleGan2SpecFor(kImageSize, 3, /*width=*/64, /*latent_dim=*/512);
  return {std::make_shared<StyleGan2Generator>(spec),
          std::make_shared<StyleGan2Discriminator>(spec)};
}

// state.range(0): 0 float32, 1 bfloat16, 2 float16 with loss scaling.
void RunUpdater(benchmark::State& state, Networks (*make)(), const std::string& loss,
                bool generator_first) {
  const torch::Device device = FirstGpuOrCpu();
  AlternatingUpdaterOptions options;
  options.device = device;
  options.generator_first = generator_first;
  options.mixed_precision = state.range(0) == 0   ? MixedPrecision::kNone
                            : state.range(0) == 1 ? MixedPrecision::kBfloat16
                                                  : MixedPrecision::kFloat16;
  options.loss_scaling = options.mixed_precision == MixedPrecision::kFloat16;
  if (options.mixed_precision == MixedPrecision::kFloat16 && !device.is_cuda()) {
    state.SkipWithError("float16 autocast needs a GPU");
    return;
  }
  SetThreadCount(0);
  torch::manual_seed(0);
  Networks nets = make();
  nets.g->to(device);
  nets.d->to(device);
  const Batch batch{
      torch::rand({kBatchSize, nets.g->image_channels(), nets.g->image_size(),
                   nets.g->image_size()},
                  torch::TensorOptions().device(device)) * 2 - 1,
      torch::Tensor()};
  AlternatingUpdater updater(nets.g, nets.d, *AdversarialLossByName(loss), options);
  int64_t i = 0;
  for (int warm_up = 0; warm_up < 3; ++warm_up) updater.Update(batch, i++);  // cuDNN's choices
  Synchronize(device);
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) benchmark::DoNotOptimize(updater.Update(batch, i++));
  Synchronize(device);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  state.SetItemsProcessed(state.iterations() * kBatchSize);
  state.counters["images/s"] = static_cast<double>(state.iterations() * kBatchSize) / seconds;
  state.counters["g_params"] = static_cast<double>(ParameterCount(*nets.g));
  state.counters["d_params"] = static_cast<double>(ParameterCount(*nets.d));
}

void BM_Dcgan96(benchmark::State& state) { RunUpdater(state, Stl10Dcgan96, "hinge", true); }
void BM_StyleGan2_32(benchmark::State& state) { RunUpdater(state, StyleGan2<32>, "bce", false); }
void BM_StyleGan2_64(benchmark::State& state) { RunUpdater(state, StyleGan2<64>, "bce", false); }

// Arg 0/1/2: fp32, bf16, fp16 (the row names end /0, /1, /2).
BENCHMARK(BM_Dcgan96)->DenseRange(0, 2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_StyleGan2_32)->DenseRange(0, 2)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_StyleGan2_64)->DenseRange(0, 2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace gan

int main(int argc, char** argv) {
  gan::PreferPassiveOpenMpWaiting(argv);  // as the experiments do
  const torch::Device device = gan::FirstGpuOrCpu();
  benchmark::AddCustomContext("device", device.str());
  benchmark::AddCustomContext("cuda_devices", std::to_string(torch::cuda::device_count()));
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
