#include "gan/networks/generate.h"

#include <vector>

#include <torch/utils.h>

namespace gan {

torch::Tensor GenerateImages(GeneratorModule& generator, const torch::Tensor& z,
                             const torch::Tensor& labels, bool batch_statistics) {
  torch::NoGradGuard no_grad;
  const bool was_training = generator.is_training();
  std::vector<torch::Tensor> buffers;
  if (batch_statistics) {
    // Training-mode forwards update running statistics and power iterations: keep them.
    for (const auto& buffer : generator.buffers()) buffers.push_back(buffer.clone());
  }
  generator.train(batch_statistics);
  torch::Tensor images = generator.forward(z, labels);
  if (batch_statistics) {
    auto now = generator.buffers();
    for (size_t i = 0; i < now.size(); ++i) now[i].copy_(buffers[i]);
  }
  generator.train(was_training);
  return images;
}

}  // namespace gan
