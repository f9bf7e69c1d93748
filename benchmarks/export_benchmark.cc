// Images per second of an exported generator (gan/export/torchscript_generator.h) against
// the C++ module it was traced from, 64 images at a time, for the traced batch sizes
// (`export --chunk`) 1, 8 and 64: the DCGAN default (32x32x1, width 64) and StyleGAN2 at
// the width of its experiment (32x32x1, width 8). Figures in benchmarks/README.md.
//
//   bazel run -c opt //benchmarks:export_benchmark
#include <memory>

#include <benchmark/benchmark.h>
#include <torch/script.h>
#include <torch/torch.h>

#include "gan/core/runtime.h"
#include "gan/export/torchscript_generator.h"
#include "gan/networks/dcgan/dcgan.h"
#include "gan/networks/stylegan2/stylegan2.h"

namespace gan {
namespace {

constexpr int64_t kImages = 64;

Generator MakeGenerator(bool stylegan2) {
  torch::manual_seed(0);
  if (!stylegan2) return MakeDcganGenerator(StandardDcganSpec(32, 1, 64, 100));
  StyleGan2Spec spec = *StyleGan2SpecFor(32, 1, /*width=*/8, /*latent_dim=*/128);
  spec.style.mapping_layers = 2;
  return std::make_shared<StyleGan2Generator>(spec);
}

// chunk 0: the C++ module itself.
void BM_Generate(benchmark::State& state, bool stylegan2) {
  SetThreadCount(0);
  const int64_t chunk = state.range(0);
  Generator g = MakeGenerator(stylegan2);
  g->eval();
  std::unique_ptr<torch::jit::Module> module;
  if (chunk > 0) {
    module = std::make_unique<torch::jit::Module>(*TraceGenerator(*g, {chunk}));
  }
  torch::NoGradGuard no_grad;
  const torch::Tensor z = torch::randn({kImages, g->latent_dim()});
  for (auto _ : state) {
    const torch::Tensor images = module ? module->forward({z}).toTensor() : g->forward(z);
    benchmark::DoNotOptimize(images.data_ptr<float>());
  }
  state.counters["img/s"] = benchmark::Counter(static_cast<double>(kImages * state.iterations()),
                                               benchmark::Counter::kIsRate);
}

BENCHMARK_CAPTURE(BM_Generate, Dcgan, false)
    ->Arg(0)->Arg(1)->Arg(8)->Arg(64)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_Generate, StyleGan2, true)
    ->Arg(0)->Arg(1)->Arg(8)->Arg(64)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace gan

BENCHMARK_MAIN();
