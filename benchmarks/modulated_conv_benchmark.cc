// The two forms of StyleGAN2's modulated convolution (gan/nn/modulated_conv2d.h), forward
// and backward through x, the weight and the styles, at the sizes of a small StyleGAN2 on
// the CPU: batch 32, 64 -> 64 channels, 3x3, at 16x16 and 32x32, with and without 2x
// upsampling (figures in benchmarks/README.md).
//
//   bazel run -c opt //benchmarks:modulated_conv_benchmark
#include <benchmark/benchmark.h>
#include <torch/utils.h>

#include "gan/core/runtime.h"
#include "gan/nn/modulated_conv2d.h"

namespace gan {
namespace {

void BM_ModulatedConv(benchmark::State& state, ModulationForm form, bool upsample) {
  SetThreadCount(0);
  torch::manual_seed(0);
  const int64_t side = state.range(0), batch = 32, channels = 64;
  const torch::Tensor x = torch::randn({batch, channels, side, side}).requires_grad_(true);
  const torch::Tensor weight = (torch::randn({channels, channels, 3, 3}) / 24).requires_grad_(true);
  const torch::Tensor styles = (torch::randn({batch, channels}) + 1).requires_grad_(true);
  for (auto _ : state) {
    const torch::Tensor y = ModulatedConvolution(x, weight, styles, /*demodulate=*/true, upsample, form);
    y.square().mean().backward();
    benchmark::DoNotOptimize(weight.grad().data_ptr<float>());
  }
  state.counters["img/s"] = benchmark::Counter(static_cast<double>(batch * state.iterations()),
                                               benchmark::Counter::kIsRate);
}

BENCHMARK_CAPTURE(BM_ModulatedConv, Grouped, ModulationForm::kGroupedConvolution, false)
    ->Arg(16)->Arg(32)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ModulatedConv, ScaledActivations, ModulationForm::kScaledActivations, false)
    ->Arg(16)->Arg(32)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ModulatedConv, GroupedUpsample, ModulationForm::kGroupedConvolution, true)
    ->Arg(16)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_ModulatedConv, ScaledActivationsUpsample, ModulationForm::kScaledActivations, true)
    ->Arg(16)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace gan

BENCHMARK_MAIN();
