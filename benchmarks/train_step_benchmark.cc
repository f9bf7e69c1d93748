// Images per second of one full training iteration (D step + G step, exactly as the
// trainer runs them) for the DCGAN variants the experiments use.
//
//   bazel run //benchmarks:train_step_benchmark
#include <benchmark/benchmark.h>

#include "gan/core/runtime.h"
#include "gan/losses/adversarial_loss.h"
#include "gan/networks/dcgan/dcgan.h"
#include "gan/train/alternating_updater.h"

namespace gan {
namespace {

void RunIterations(benchmark::State& state, const DcganSpec& spec, const std::string& loss,
                   int64_t batch_size) {
  SetThreadCount(0);
  torch::manual_seed(0);
  AlternatingUpdater updater(MakeDcganGenerator(spec), MakeDcganDiscriminator(spec),
                             *AdversarialLossByName(loss), AlternatingUpdaterOptions());
  const Batch batch{torch::rand({batch_size, spec.image_channels, spec.image_size,
                                 spec.image_size}) * 2 - 1,
                    torch::Tensor()};
  int64_t iteration = 0;
  for (auto _ : state) benchmark::DoNotOptimize(updater.Update(batch, iteration++));
  state.SetItemsProcessed(state.iterations() * batch_size);
  state.counters["images/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * batch_size),
                         benchmark::Counter::kIsRate);
}

void BM_DcganFashionMnist32(benchmark::State& state) {
  RunIterations(state, StandardDcganSpec(32, 1, 32), "hinge", 64);
}
BENCHMARK(BM_DcganFashionMnist32)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_LibtorchExampleDcgan28(benchmark::State& state) {
  RunIterations(state, LibtorchExampleDcganSpec(), "bce", 64);
}
BENCHMARK(BM_LibtorchExampleDcgan28)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_Seed000Dcgan96(benchmark::State& state) {
  RunIterations(state, Seed000DcganSpec(), "hinge", 64);
}
BENCHMARK(BM_Seed000Dcgan96)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(5.0);

}  // namespace
}  // namespace gan

BENCHMARK_MAIN();
