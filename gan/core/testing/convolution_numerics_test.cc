// Whether LibTorch's convolutions compute on this machine what direct loops compute: the
// check that names the machine when a library defect (such as oneDNN's on AMD CPUs that hide
// their caches, gan/core/onednn_cache_guard.h) would otherwise surface as NaN in the tests
// of every network and experiment.
#include <string>

#include <ATen/Parallel.h>
#include <gtest/gtest.h>

#include "gan/core/machine_description.h"
#include "gan/core/testing/direct_convolution.h"

namespace gan {
namespace {

TEST(ConvolutionNumericsTest, FloatConvolutionsAndGradientsMatchDirectLoopsOnThisMachine) {
  // Float32 sums of at most 576 products of unit normals: relative errors near 1e-6.
  constexpr double kTolerance = 1e-4;
  for (int threads : {1, 2}) {
    at::set_num_threads(threads);
    for (const ConvolutionShape& shape : GanConvolutionShapes()) {
      const ConvolutionErrors errors = CompareWithDirectLoops(shape, /*seed=*/threads);
      EXPECT_LT(errors.Max(), kTolerance)
          << Describe(shape) << " at " << threads << " threads: relative error of output "
          << errors.output << ", input gradient " << errors.input_gradient
          << ", weight gradient " << errors.weight_gradient
          << ".\nLibTorch computes convolutions wrongly on this machine, so the tests of every "
             "network and experiment will fail too. The machine: "
          << DescribeMachine();
    }
  }
}

}  // namespace
}  // namespace gan
