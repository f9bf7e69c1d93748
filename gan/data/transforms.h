// Batch transforms applied by the loader: each takes a [B, C, H, W] batch and the
// loader's per-batch random generator (seeded from the run seed, epoch and batch index,
// so results do not depend on which worker thread ran them).
//
//   gan::TransformPipeline pipeline({gan::ScaleToMinusOneOne(), gan::Pad(2),
//                                    gan::RandomHorizontalFlip(0.5)});
//   torch::Tensor batch = pipeline(uint8_batch, rng);
#ifndef GAN_DATA_TRANSFORMS_H_
#define GAN_DATA_TRANSFORMS_H_

#include <cstdint>
#include <functional>
#include <random>
#include <vector>

#include <torch/types.h>

namespace gan {

using Transform = std::function<torch::Tensor(const torch::Tensor&, std::mt19937_64&)>;

// uint8 [0, 255] -> float x / 127.5 - 1 in [-1, 1].
Transform ScaleToMinusOneOne();
// Pads every side by `pixels` with `value` (-1 is black after scaling), e.g. 28 -> 32.
Transform Pad(int64_t pixels, double value = -1.0);
// Bilinear resize to size x size (float input; align_corners = false).
Transform Resize(int64_t size);
// Mirrors each image left-right with probability p.
Transform RandomHorizontalFlip(double p = 0.5);

class TransformPipeline {
 public:
  TransformPipeline() = default;
  explicit TransformPipeline(std::vector<Transform> transforms)
      : transforms_(std::move(transforms)) {}
  void Add(Transform transform) { transforms_.push_back(std::move(transform)); }
  torch::Tensor operator()(torch::Tensor batch, std::mt19937_64& rng) const;

 private:
  std::vector<Transform> transforms_;
};

}  // namespace gan

#endif  // GAN_DATA_TRANSFORMS_H_
