#include "gan/train/sample_grid_extension.h"

#include <ATen/CPUGeneratorImpl.h>

#include "absl/strings/str_format.h"
#include "gan/core/image_grid.h"

namespace gan {

SampleGridExtension::SampleGridExtension(Generator generator, std::string dir,
                                         SampleGridOptions options, torch::Device device)
    : generator_(std::move(generator)), dir_(std::move(dir)), options_(std::move(options)) {
  at::Generator rng = at::make_generator<at::CPUGeneratorImpl>(options_.seed);
  latent_ = at::randn({options_.count, generator_->latent_dim()}, rng, torch::kFloat).to(device);
  if (options_.labels.defined()) labels_ = options_.labels.to(device);
}

torch::Tensor SampleGridExtension::Sample() {
  torch::NoGradGuard no_grad;
  const bool was_training = generator_->is_training();
  std::vector<torch::Tensor> saved_buffers;
  if (options_.batch_statistics) {
    for (const auto& buffer : generator_->buffers()) saved_buffers.push_back(buffer.clone());
    generator_->train();
  } else {
    generator_->eval();
  }
  const torch::Tensor images = generator_->forward(latent_, labels_).to(torch::kCPU);
  if (options_.batch_statistics) {
    auto buffers = generator_->buffers();
    for (size_t i = 0; i < buffers.size(); ++i) buffers[i].copy_(saved_buffers[i]);
  }
  generator_->train(was_training);
  return images;
}

absl::Status SampleGridExtension::Run(TrainingState& state) {
  return SaveImageGrid(Sample(), options_.columns,
                       absl::StrFormat("%s/iter_%09d.png", dir_, state.iteration));
}

}  // namespace gan
