// Convolutions by plain loops in double precision: the oracle that LibTorch's float32
// convolutions (oneDNN's kernels, ATen's) are checked against, forward and both gradients.
//
//   const gan::ConvolutionErrors errors = gan::CompareWithDirectLoops(shape, /*seed=*/0);
//   EXPECT_LT(errors.Max(), 1e-4) << gan::Describe(shape);
#ifndef GAN_CORE_TESTING_DIRECT_CONVOLUTION_H_
#define GAN_CORE_TESTING_DIRECT_CONVOLUTION_H_

#include <cstdint>
#include <string>
#include <vector>

namespace gan {

// A square 2-d convolution (or transposed convolution) of a square batch.
struct ConvolutionShape {
  int64_t batch;
  int64_t in_channels;
  int64_t out_channels;
  int64_t size;  // input height and width
  int64_t kernel;
  int64_t stride;
  int64_t padding;
  bool transposed;
};

// Largest absolute error over the largest magnitude of the loops' result.
struct ConvolutionErrors {
  double output = 0;
  double input_gradient = 0;
  double weight_gradient = 0;
  double Max() const;
};

// LibTorch's float32 convolution of random inputs, weights and output gradient (seeded)
// against the loops' results in double precision.
ConvolutionErrors CompareWithDirectLoops(const ConvolutionShape& shape, uint64_t seed);

// The shapes that caught oneDNN's cache-size defect (gan/core/onednn_cache_guard.h): small
// 3x3 convolutions of GAN blocks, 1x1 shortcuts, and DCGAN's strided and transposed layers.
std::vector<ConvolutionShape> GanConvolutionShapes();

// "conv 2x8->8 16px k3 s1 p1", "transposed conv ...".
std::string Describe(const ConvolutionShape& shape);

}  // namespace gan

#endif  // GAN_CORE_TESTING_DIRECT_CONVOLUTION_H_
