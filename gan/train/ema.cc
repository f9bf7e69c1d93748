#include "gan/train/ema.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

#include <torch/ordered_dict.h>
#include <torch/utils.h>

#include "gan/core/strict_load.h"

namespace gan {
namespace {

// Names and shapes must agree pairwise and in order, so Update can zip the two lists.
void CheckSameStructure(const torch::OrderedDict<std::string, torch::Tensor>& source,
                        const torch::OrderedDict<std::string, torch::Tensor>& shadow,
                        const char* kind) {
  const size_t common = std::min(source.size(), shadow.size());
  for (size_t i = 0; i < common; ++i) {
    const std::string& source_name = source[i].key();
    const std::string& shadow_name = shadow[i].key();
    TORCH_CHECK(source_name == shadow_name, "GeneratorEma: ", kind, " #", i, " is '",
                source_name, "' in the source but '", shadow_name,
                "' in the shadow; the shadow must have the source's structure");
    TORCH_CHECK(source[i].value().sizes() == shadow[i].value().sizes(), "GeneratorEma: ", kind,
                " '", source_name, "' has shape ", source[i].value().sizes(),
                " in the source but ", shadow[i].value().sizes(), " in the shadow");
  }
  TORCH_CHECK(source.size() <= common, "GeneratorEma: ", kind, " '", source[common].key(),
              "' of the source is missing from the shadow");
  TORCH_CHECK(shadow.size() <= common, "GeneratorEma: ", kind, " '", shadow[common].key(),
              "' of the shadow is missing from the source");
}

void SetNoGrad(torch::nn::Module& module) {
  for (auto& parameter : module.parameters()) parameter.requires_grad_(false);
}

}  // namespace

GeneratorEma::GeneratorEma(std::shared_ptr<torch::nn::Module> source,
                           std::shared_ptr<torch::nn::Module> shadow, EmaOptions options)
    : source_(std::move(source)), shadow_(std::move(shadow)), options_(options) {
  TORCH_CHECK(source_ != nullptr && shadow_ != nullptr, "GeneratorEma: null module");
  TORCH_CHECK(source_ != shadow_, "GeneratorEma: the shadow must be a separate module");
  TORCH_CHECK(options_.decay >= 0.0 && options_.decay <= 1.0,
              "GeneratorEma: decay must be in [0, 1], got ", options_.decay);
  CheckSameStructure(source_->named_parameters(), shadow_->named_parameters(), "parameter");
  CheckSameStructure(source_->named_buffers(), shadow_->named_buffers(), "buffer");
  SetNoGrad(*shadow_);
  CopySource();
}

void GeneratorEma::CopySource() {
  torch::NoGradGuard no_grad;
  const auto source_parameters = source_->parameters();
  auto shadow_parameters = shadow_->parameters();
  for (size_t i = 0; i < shadow_parameters.size(); ++i) {
    shadow_parameters[i].copy_(source_parameters[i]);
  }
  const auto source_buffers = source_->buffers();
  auto shadow_buffers = shadow_->buffers();
  for (size_t i = 0; i < shadow_buffers.size(); ++i) shadow_buffers[i].copy_(source_buffers[i]);
}

double EmaDecayFromHalfLife(double half_life_images, double rampup, double images_seen,
                            double images_per_update) {
  TORCH_CHECK(half_life_images > 0 && rampup >= 0 && images_seen >= 0 && images_per_update > 0,
              "EmaDecayFromHalfLife: needs half_life_images > 0, rampup >= 0, images_seen >= 0 "
              "and images_per_update > 0, got ",
              half_life_images, ", ", rampup, ", ", images_seen, ", ", images_per_update);
  const double half_life =
      rampup > 0 ? std::min(half_life_images, rampup * images_seen) : half_life_images;
  return half_life > 0 ? std::pow(0.5, images_per_update / half_life) : 0.0;
}

void GeneratorEma::Update(int64_t step) { Update(step, options_.decay); }

void GeneratorEma::Update(int64_t step, double decay) {
  TORCH_CHECK(decay >= 0.0 && decay <= 1.0, "GeneratorEma: decay must be in [0, 1], got ", decay);
  if (step < options_.start_step) {
    CopySource();
    return;
  }
  torch::NoGradGuard no_grad;
  const auto source_parameters = source_->parameters();
  auto shadow_parameters = shadow_->parameters();
  for (size_t i = 0; i < shadow_parameters.size(); ++i) {
    torch::Tensor& average = shadow_parameters[i];
    // The shadow may live elsewhere (e.g. on the CPU to save accelerator memory).
    average.mul_(decay)
        .add_(source_parameters[i].to(average.device(), average.scalar_type()),
              1.0 - decay);
  }
  const auto source_buffers = source_->buffers();
  auto shadow_buffers = shadow_->buffers();
  for (size_t i = 0; i < shadow_buffers.size(); ++i) {
    torch::Tensor& buffer = shadow_buffers[i];
    if (options_.average_buffers && buffer.is_floating_point()) {
      buffer.mul_(decay)
          .add_(source_buffers[i].to(buffer.device(), buffer.scalar_type()), 1.0 - decay);
    } else {
      buffer.copy_(source_buffers[i]);
    }
  }
}

void GeneratorEma::Save(torch::serialize::OutputArchive& archive) const {
  torch::serialize::OutputArchive shadow_archive;
  shadow_->save(shadow_archive);
  archive.write("shadow", shadow_archive);
}

void GeneratorEma::Load(torch::serialize::InputArchive& archive) {
  torch::serialize::InputArchive shadow_archive;
  archive.read("shadow", shadow_archive);
  LoadModuleStrictly(*shadow_, shadow_archive, "generator moving average");
  SetNoGrad(*shadow_);
}

}  // namespace gan
