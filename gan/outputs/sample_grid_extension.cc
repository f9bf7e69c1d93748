#include "gan/outputs/sample_grid_extension.h"

#include <ATen/CPUGeneratorImpl.h>

#include "absl/strings/str_format.h"
#include "gan/core/image_grid.h"
#include "gan/core/random_state.h"
#include "gan/networks/generate.h"

namespace gan {

SampleGridExtension::SampleGridExtension(Generator generator, std::string dir,
                                         SampleGridOptions options, torch::Device device)
    : generator_(std::move(generator)), dir_(std::move(dir)), options_(std::move(options)) {
  at::Generator rng = at::make_generator<at::CPUGeneratorImpl>(options_.seed);
  latent_ = at::randn({options_.count, generator_->latent_dim()}, rng, torch::kFloat).to(device);
  if (options_.labels.defined()) labels_ = options_.labels.to(device);
}

torch::Tensor SampleGridExtension::Sample() {
  // Generators that draw (StyleGAN's noise inputs) draw the same numbers for every grid,
  // and not from the training's generators, which a sample would otherwise move on.
  RandomStateGuard guard(latent_.device());
  torch::manual_seed(options_.seed);
  return GenerateImages(*generator_, latent_, labels_, options_.batch_statistics).to(torch::kCPU);
}

absl::Status SampleGridExtension::Run(TrainingState& state) {
  return SaveImageGrid(Sample(), options_.columns,
                       absl::StrFormat("%s/iter_%09d.png", dir_, state.iteration));
}

}  // namespace gan
