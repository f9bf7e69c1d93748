#include "gan/data/transforms.h"

#include <torch/nn/functional/upsampling.h>

namespace gan {

Transform ScaleToMinusOneOne() {
  return [](const torch::Tensor& batch, std::mt19937_64&) {
    return batch.to(torch::kFloat).div_(127.5).sub_(1.0);
  };
}

Transform Pad(int64_t pixels, double value) {
  return [pixels, value](const torch::Tensor& batch, std::mt19937_64&) {
    return torch::constant_pad_nd(batch, {pixels, pixels, pixels, pixels}, value);
  };
}

Transform Resize(int64_t size) {
  return [size](const torch::Tensor& batch, std::mt19937_64&) {
    if (batch.size(2) == size && batch.size(3) == size) return batch;
    return torch::nn::functional::interpolate(
        batch, torch::nn::functional::InterpolateFuncOptions()
                   .size(std::vector<int64_t>{size, size})
                   .mode(torch::kBilinear)
                   .align_corners(false));
  };
}

Transform RandomHorizontalFlip(double p) {
  return [p](const torch::Tensor& batch, std::mt19937_64& rng) {
    std::bernoulli_distribution flip(p);
    std::vector<int64_t> flipped;
    for (int64_t i = 0; i < batch.size(0); ++i) {
      if (flip(rng)) flipped.push_back(i);
    }
    if (flipped.empty()) return batch;
    torch::Tensor out = batch.clone();
    const torch::Tensor index = torch::tensor(flipped, torch::kLong);
    out.index_copy_(0, index, batch.index_select(0, index).flip({3}));
    return out;
  };
}

torch::Tensor TransformPipeline::operator()(torch::Tensor batch, std::mt19937_64& rng) const {
  for (const Transform& transform : transforms_) batch = transform(batch, rng);
  return batch;
}

}  // namespace gan
