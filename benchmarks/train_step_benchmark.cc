// Images per second of one full training iteration (D step + G step, exactly as the
// trainer runs them) for the DCGAN variants the experiments use.
//
//   bazel run //benchmarks:train_step_benchmark
#include <benchmark/benchmark.h>

#include "gan/core/runtime.h"
#include "gan/losses/adversarial_loss.h"
#include "gan/networks/dcgan/dcgan.h"
#include "gan/networks/resnet/resnet.h"
#include "gan/train/alternating_updater.h"

namespace gan {
namespace {

void RunIterations(benchmark::State& state, Generator g, Discriminator d, const std::string& loss,
                   int64_t batch_size) {
  const Batch batch{torch::rand({batch_size, g->image_channels(), g->image_size(),
                                 g->image_size()}) * 2 - 1,
                    torch::Tensor()};
  AlternatingUpdater updater(std::move(g), std::move(d), *AdversarialLossByName(loss),
                             AlternatingUpdaterOptions());
  int64_t iteration = 0;
  for (auto _ : state) benchmark::DoNotOptimize(updater.Update(batch, iteration++));
  state.SetItemsProcessed(state.iterations() * batch_size);
  state.counters["images/s"] =
      benchmark::Counter(static_cast<double>(state.iterations() * batch_size),
                         benchmark::Counter::kIsRate);
}

void RunIterations(benchmark::State& state, const DcganSpec& spec, const std::string& loss,
                   int64_t batch_size) {
  SetThreadCount(0);
  torch::manual_seed(0);
  RunIterations(state, MakeDcganGenerator(spec), MakeDcganDiscriminator(spec), loss, batch_size);
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

// The sngan_resnet experiment's networks (width 16, 32x32 Fashion-MNIST), hinge, one D
// and one G step per iteration.
void BM_SnganResnet32(benchmark::State& state) {
  SetThreadCount(0);
  torch::manual_seed(0);
  const ResnetSpec spec = *ResnetSpecByName("resnet", 32, 1, 16, 128);
  RunIterations(state, std::make_shared<ResnetGenerator>(spec),
                std::make_shared<ResnetDiscriminator>(spec), "hinge", 64);
}
BENCHMARK(BM_SnganResnet32)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace gan

BENCHMARK_MAIN();
