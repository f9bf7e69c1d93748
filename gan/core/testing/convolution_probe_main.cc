// Prints the largest relative error of LibTorch's float32 convolutions (forward and both
// gradients) on gan::GanConvolutionShapes() against direct loops, at two intra-op threads,
// and what the oneDNN cache guard did; for tests that run it on an emulated CPU.
//
//   convolution_probe   ->   max_relative_error=3.1e-07 guard=not needed
#include <algorithm>
#include <cstdio>

#include <ATen/Parallel.h>

#include "gan/core/onednn_cache_guard.h"
#include "gan/core/testing/direct_convolution.h"

int main() {
  at::set_num_threads(2);
  double worst = 0;
  for (const gan::ConvolutionShape& shape : gan::GanConvolutionShapes()) {
    worst = std::max(worst, gan::CompareWithDirectLoops(shape, /*seed=*/0).Max());
  }
  std::printf("max_relative_error=%g guard=%s\n", worst,
              gan::OneDnnCacheGuardActionName(gan::GuardOneDnnCacheSizes()).c_str());
  return 0;
}
