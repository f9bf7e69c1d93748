// Images per second of one full training iteration (D step + G step, exactly as the
// trainer runs them, gan::AlternatingUpdater::Update) for the networks the experiments
// use, next to two references measured in the same run:
//   *_PlainLoop rows: the same math written the plain way (benchmarks/plain_loop.h), with
//     the process's default thread count;
//   the floor: the iteration's FLOPs (benchmarks/flop_count.h) at the GFLOP/s of a
//     2048x2048 float32 matmul on all cores, measured at start-up (context line
//     matmul_2048_gflops).
// Counters of the updater rows: images/s; GFLOP/iter; floor_images/s; ratio_to_floor
// (= time / floor time, 1 is the floor); ratio_to_plain_loop (= images/s over the plain
// loop's, from its row, which runs just before).
//
//   bazel run //benchmarks:train_step_benchmark
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <string>

#include <torch/utils.h>

#include "benchmarks/flop_count.h"
#include "benchmarks/plain_loop.h"
#include "gan/augment/ada.h"
#include "gan/augment/diff_augment.h"
#include "gan/core/caching_cpu_allocator.h"
#include "gan/core/runtime.h"
#include "gan/core/tool_main.h"
#include "gan/losses/adversarial_loss.h"
#include "gan/networks/dcgan/dcgan.h"
#include "gan/networks/resnet/resnet.h"
#include "gan/train/alternating_updater.h"

namespace gan {
namespace {

constexpr int64_t kBatchSize = 64;

int default_threads = 1;         // OpenMP's count at process start, set in main()
c10::Allocator* default_allocator = nullptr;  // LibTorch's CPU allocator, set in main()
double matmul_flops_per_s = 0;   // set in main()
std::map<std::string, double> plain_loop_images_per_s;  // by network, from the plain rows

struct Networks {
  Generator g;
  Discriminator d;
};

Networks MakeDcgan(const DcganSpec& spec) {
  return {MakeDcganGenerator(spec), MakeDcganDiscriminator(spec)};
}

Networks MakeSnganResnet() {
  const ResnetSpec spec = *ResnetSpecFor(ResnetPreset::kSngan, 32, 1, 16, 128);
  return {std::make_shared<ResnetGenerator>(spec), std::make_shared<ResnetDiscriminator>(spec)};
}

torch::Tensor RealBatch(const Generator& g) {
  return torch::rand({kBatchSize, g->image_channels(), g->image_size(), g->image_size()}) * 2 - 1;
}

// Runs `iteration` once untimed (first-call set-up), then in the benchmark loop; returns
// images/s of the loop and sets the images/s counter.
template <typename Iteration>
double Measure(benchmark::State& state, Iteration iteration) {
  iteration();
  const auto start = std::chrono::steady_clock::now();
  for (auto _ : state) iteration();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const double images_per_s = static_cast<double>(state.iterations() * kBatchSize) / seconds;
  state.SetItemsProcessed(state.iterations() * kBatchSize);
  state.counters["images/s"] = images_per_s;
  return images_per_s;
}

// The updater as the trainer runs it, on all cores, with the floor and plain-loop ratios.
// `options` carries the variant (memory format, mixed precision); generator_first is set here.
void RunUpdater(benchmark::State& state, const std::string& network, Networks (*make)(),
                const std::string& loss, bool generator_first,
                AlternatingUpdaterOptions options = {}) {
  SetThreadCount(0);
  UseCachingCpuAllocator();  // as the experiments do
  torch::manual_seed(0);
  Networks nets = make();
  static std::map<std::string, int64_t> flops_by_network;
  if (!flops_by_network.count(network)) {
    flops_by_network[network] =
        CountIterationFlops(*nets.g, *nets.d, kBatchSize).Total(generator_first);
  }
  const double flops = static_cast<double>(flops_by_network[network]);
  const Batch batch{RealBatch(nets.g), torch::Tensor()};
  options.generator_first = generator_first;
  AlternatingUpdater updater(nets.g, nets.d, *AdversarialLossByName(loss), options);
  int64_t i = 0;
  const double images_per_s =
      Measure(state, [&] { benchmark::DoNotOptimize(updater.Update(batch, i++)); });
  const double floor_images_per_s = kBatchSize * matmul_flops_per_s / flops;
  state.counters["GFLOP/iter"] = flops / 1e9;
  state.counters["floor_images/s"] = floor_images_per_s;
  state.counters["ratio_to_floor"] = floor_images_per_s / images_per_s;
  const auto plain = plain_loop_images_per_s.find(network);
  if (plain != plain_loop_images_per_s.end()) {
    state.counters["ratio_to_plain_loop"] = images_per_s / plain->second;
  }
}

// The plain loop (benchmarks/plain_loop.h) on the same networks, at the thread count the
// process started with.
void RunPlainLoop(benchmark::State& state, const std::string& network, Networks (*make)(),
                  const std::string& loss, bool generator_first) {
  torch::set_num_threads(default_threads);
  c10::SetAllocator(c10::DeviceType::CPU, default_allocator, /*priority=*/255);
  torch::manual_seed(0);
  Networks nets = make();
  const torch::Tensor real = RealBatch(nets.g);
  PlainLoop loop(nets.g, nets.d, *AdversarialLossByName(loss), generator_first);
  plain_loop_images_per_s[network] =
      Measure(state, [&] { benchmark::DoNotOptimize(loop.Iteration(real)); });
}

Networks FashionMnist32() { return MakeDcgan(StandardDcganSpec(32, 1, 32)); }
Networks LibtorchExample28() { return MakeDcgan(LibtorchExampleDcganSpec()); }
Networks Stl10Dcgan96() { return MakeDcgan(Stl10DcganSpec()); }

// Standard DCGAN, width 32, 32x32x1, hinge, D first.
void BM_DcganFashionMnist32(benchmark::State& state) {
  RunUpdater(state, "dcgan32", FashionMnist32, "hinge", false);
}
BENCHMARK(BM_DcganFashionMnist32)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same with DiffAugment's color,translation,cutout on every image D sees.
void BM_DcganFashionMnist32_DiffAugment(benchmark::State& state) {
  AlternatingUpdaterOptions options;
  options.augmentation = std::make_shared<DiffAugment>(DiffAugmentOptions());
  RunUpdater(state, "dcgan32", FashionMnist32, "hinge", false, options);
}
BENCHMARK(BM_DcganFashionMnist32_DiffAugment)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same with ADA's bgc pipeline at p = 0.5, held fixed (any p > 0 pays for every
// transform: the images not chosen go through the identity).
void BM_DcganFashionMnist32_Ada(benchmark::State& state) {
  AdaOptions ada;
  ada.initial_p = 0.5;
  ada.target = 0;
  AlternatingUpdaterOptions options;
  options.augmentation = std::make_shared<AdaptiveAugment>(ada);
  RunUpdater(state, "dcgan32", FashionMnist32, "hinge", false, options);
}
BENCHMARK(BM_DcganFashionMnist32_Ada)->Unit(benchmark::kMillisecond)->UseRealTime();

// LibTorch's C++ DCGAN example, 28x28x1, BCE, D first (as the example).
void BM_LibtorchExampleDcgan28_PlainLoop(benchmark::State& state) {
  RunPlainLoop(state, "libtorch28", LibtorchExample28, "bce", false);
}
BENCHMARK(BM_LibtorchExampleDcgan28_PlainLoop)->Unit(benchmark::kMillisecond)->UseRealTime();
void BM_LibtorchExampleDcgan28(benchmark::State& state) {
  RunUpdater(state, "libtorch28", LibtorchExample28, "bce", false);
}
BENCHMARK(BM_LibtorchExampleDcgan28)->Unit(benchmark::kMillisecond)->UseRealTime();

// The STL-10 DCGAN, 96x96x3, hinge, G first (as configs/dcgan_stl10_*.json).
void BM_Stl10Dcgan96_PlainLoop(benchmark::State& state) {
  RunPlainLoop(state, "stl10_96", Stl10Dcgan96, "hinge", true);
}
BENCHMARK(BM_Stl10Dcgan96_PlainLoop)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(5.0);
void BM_Stl10Dcgan96(benchmark::State& state) {
  RunUpdater(state, "stl10_96", Stl10Dcgan96, "hinge", true);
}
BENCHMARK(BM_Stl10Dcgan96)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(5.0);
// The same with G, D and the batch in channels-last memory format (precision.channels_last).
void BM_Stl10Dcgan96_ChannelsLast(benchmark::State& state) {
  AlternatingUpdaterOptions options;
  options.channels_last = true;
  RunUpdater(state, "stl10_96", Stl10Dcgan96, "hinge", true, options);
}
BENCHMARK(BM_Stl10Dcgan96_ChannelsLast)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(5.0);
// The same under CPU autocast to bfloat16 (precision.mixed_precision = "bf16"); the floor is
// still float32 matmul's.
void BM_Stl10Dcgan96_Bf16(benchmark::State& state) {
  AlternatingUpdaterOptions options;
  options.mixed_precision = MixedPrecision::kBfloat16;
  RunUpdater(state, "stl10_96", Stl10Dcgan96, "hinge", true, options);
}
BENCHMARK(BM_Stl10Dcgan96_Bf16)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(5.0);
// Both: what configs/dcgan_stl10_*.json run with --set=precision.mixed_precision=bf16.
void BM_Stl10Dcgan96_Bf16ChannelsLast(benchmark::State& state) {
  AlternatingUpdaterOptions options;
  options.mixed_precision = MixedPrecision::kBfloat16;
  options.channels_last = true;
  RunUpdater(state, "stl10_96", Stl10Dcgan96, "hinge", true, options);
}
BENCHMARK(BM_Stl10Dcgan96_Bf16ChannelsLast)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MinTime(5.0);

// The sngan_resnet experiment's networks (width 16, 32x32 Fashion-MNIST), hinge, D first.
void BM_SnganResnet32_PlainLoop(benchmark::State& state) {
  RunPlainLoop(state, "sngan32", MakeSnganResnet, "hinge", false);
}
BENCHMARK(BM_SnganResnet32_PlainLoop)->Unit(benchmark::kMillisecond)->UseRealTime();
void BM_SnganResnet32(benchmark::State& state) {
  RunUpdater(state, "sngan32", MakeSnganResnet, "hinge", false);
}
BENCHMARK(BM_SnganResnet32)->Unit(benchmark::kMillisecond)->UseRealTime();

// Best FLOP/s of a 2048x2048 float32 matmul on all cores over about a second.
double MeasureMatmulFlopsPerSecond() {
  SetThreadCount(0);
  const int64_t n = 2048;
  const torch::Tensor a = torch::randn({n, n});
  const torch::Tensor b = torch::randn({n, n});
  torch::Tensor c = torch::mm(a, b);  // warm-up
  double best = 0, total = 0;
  for (int rep = 0; rep < 5 || total < 1.0; ++rep) {
    const auto start = std::chrono::steady_clock::now();
    torch::mm_out(c, a, b);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    total += seconds;
    best = std::max(best, 2.0 * n * n * n / seconds);
  }
  return best;
}

}  // namespace
}  // namespace gan

int main(int argc, char** argv) {
  gan::PreferPassiveOpenMpWaiting(argv);  // as the experiments do
  // Before anything changes it: the plain loops run at this count.
  gan::default_threads = at::get_num_threads();
  gan::default_allocator = c10::GetAllocator(c10::DeviceType::CPU);
  gan::matmul_flops_per_s = gan::MeasureMatmulFlopsPerSecond();
  benchmark::AddCustomContext("default_threads", std::to_string(gan::default_threads));
  benchmark::AddCustomContext("all_core_threads", std::to_string(gan::SetThreadCount(0)));
  benchmark::AddCustomContext("matmul_2048_gflops", std::to_string(gan::matmul_flops_per_s / 1e9));
  const char* wait_policy = std::getenv("OMP_WAIT_POLICY");
  benchmark::AddCustomContext("OMP_WAIT_POLICY", wait_policy != nullptr ? wait_policy : "(unset)");
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
