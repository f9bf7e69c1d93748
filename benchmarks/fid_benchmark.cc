// The cost of FID's two stages at the Inception protocol's size (10,000 samples of 2048-d
// features per set): streaming the features into float64 statistics, and the Fréchet
// distance with each tr sqrtm(S1 S2) method — the symmetric eigh form the metric uses,
// the eigenvalues of the non-symmetric product, and Newton-Schulz. Each FID benchmark
// reports its value ("fid") and its distance from the eigh value ("abs_diff_vs_eigh") so
// the methods can be seen to agree.
//
//   bazel run -c opt //benchmarks:fid_benchmark
#include <cmath>

#include <benchmark/benchmark.h>
#include <torch/utils.h>

#include "gan/core/runtime.h"
#include "gan/metrics/feature_statistics.h"
#include "gan/metrics/fid.h"

namespace gan {
namespace {

constexpr int64_t kSamples = 10000;
constexpr int64_t kDim = 2048;
constexpr int64_t kBatch = 500;

// Non-negative, Inception-pool-like features; the second set is shifted and rescaled.
struct Features {
  torch::Tensor real, fake;
};

const Features& SharedFeatures() {
  static const Features* features = [] {
    SetThreadCount(0);
    torch::manual_seed(0);
    auto* f = new Features;
    f->real = torch::relu(torch::randn({kSamples, kDim}));
    f->fake = torch::relu(torch::randn({kSamples, kDim}) * 1.1 + 0.1);
    return f;
  }();
  return *features;
}

FeatureStatistics Accumulate(const torch::Tensor& features) {
  FeatureStatistics stats;
  for (int64_t begin = 0; begin < features.size(0); begin += kBatch) {
    stats.Add(features.narrow(0, begin, std::min(kBatch, features.size(0) - begin)));
  }
  return stats;
}

struct Gaussians {
  torch::Tensor mu1, sigma1, mu2, sigma2;
  double eigh_fid;
  double fid_without_cross_term;  // ||mu1 - mu2||^2 + tr S1 + tr S2
};

const Gaussians& SharedGaussians() {
  static const Gaussians* gaussians = [] {
    const Features& f = SharedFeatures();
    const FeatureStatistics real = Accumulate(f.real), fake = Accumulate(f.fake);
    auto* g =
        new Gaussians{real.mean(), real.covariance(), fake.mean(), fake.covariance(), 0, 0};
    g->eigh_fid = FrechetDistance(g->mu1, g->sigma1, g->mu2, g->sigma2);
    const torch::Tensor diff = g->mu1 - g->mu2;
    g->fid_without_cross_term = diff.dot(diff).item<double>() +
                                g->sigma1.trace().item<double>() +
                                g->sigma2.trace().item<double>();
    return g;
  }();
  return *gaussians;
}

void BM_FeatureStatisticsAccumulate(benchmark::State& state) {
  const Features& f = SharedFeatures();
  for (auto _ : state) {
    FeatureStatistics stats = Accumulate(f.real);
    benchmark::DoNotOptimize(stats.covariance());
  }
  state.counters["samples/s"] = benchmark::Counter(
      static_cast<double>(state.iterations() * kSamples), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_FeatureStatisticsAccumulate)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(2);

void RunFid(benchmark::State& state, TraceSqrtMethod method) {
  const Gaussians& g = SharedGaussians();
  double fid = 0;
  for (auto _ : state) {
    fid = FrechetDistance(g.mu1, g.sigma1, g.mu2, g.sigma2, method);
    benchmark::DoNotOptimize(fid);
  }
  state.counters["fid"] = fid;
  state.counters["abs_diff_vs_eigh"] = std::abs(fid - g.eigh_fid);
}

void BM_FidSymmetricEigh(benchmark::State& state) {
  RunFid(state, TraceSqrtMethod::kSymmetricEigh);
}
BENCHMARK(BM_FidSymmetricEigh)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(3);

void BM_FidEigvalsOfProduct(benchmark::State& state) {
  RunFid(state, TraceSqrtMethod::kEigvals);
}
BENCHMARK(BM_FidEigvalsOfProduct)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

void BM_FidNewtonSchulz(benchmark::State& state) {
  const Gaussians& g = SharedGaussians();
  // Times tr sqrtm(S1 S2) alone (the rest of FID costs microseconds) to also get the
  // iteration count; the FID is assembled from it.
  int64_t iterations = 0;
  double trace_sqrt = 0;
  for (auto _ : state) {
    trace_sqrt = TraceSqrtProductNewtonSchulz(g.sigma1, g.sigma2, {}, &iterations);
    benchmark::DoNotOptimize(trace_sqrt);
  }
  const double fid = g.fid_without_cross_term - 2.0 * trace_sqrt;
  state.counters["fid"] = fid;
  state.counters["abs_diff_vs_eigh"] = std::abs(fid - g.eigh_fid);
  state.counters["ns_iterations"] = static_cast<double>(iterations);
}
BENCHMARK(BM_FidNewtonSchulz)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(1);

}  // namespace
}  // namespace gan

BENCHMARK_MAIN();
