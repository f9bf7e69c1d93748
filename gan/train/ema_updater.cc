#include "gan/train/ema_updater.h"

#include <utility>

namespace gan {
namespace {

Generator OnDevice(Generator shadow, const torch::Device& device) {
  shadow->to(device);
  return shadow;
}

}  // namespace

EmaUpdater::EmaUpdater(std::unique_ptr<Updater> inner, Generator shadow, EmaOptions options,
                       int iterations_per_g_step)
    : inner_(std::move(inner)),
      shadow_(OnDevice(std::move(shadow), inner_->device())),
      ema_(inner_->generator(), shadow_, options),
      iterations_per_g_step_(iterations_per_g_step) {
  TORCH_CHECK(iterations_per_g_step_ >= 1, "EmaUpdater: iterations_per_g_step must be >= 1, got ",
              iterations_per_g_step_);
}

EmaUpdater::EmaUpdater(std::unique_ptr<Updater> inner, Generator shadow, EmaOptions options,
                       EmaHalfLife half_life, int iterations_per_g_step)
    : EmaUpdater(std::move(inner), std::move(shadow), options, iterations_per_g_step) {
  TORCH_CHECK(half_life.images > 0 && half_life.rampup >= 0 && half_life.images_per_iteration > 0,
              "EmaUpdater: needs a half-life > 0 images, rampup >= 0 and images per iteration "
              "> 0, got ",
              half_life.images, ", ", half_life.rampup, ", ", half_life.images_per_iteration);
  half_life_ = half_life;
}

std::map<std::string, torch::Tensor> EmaUpdater::Update(const Batch& batch, int64_t iteration) {
  std::map<std::string, torch::Tensor> losses = inner_->Update(batch, iteration);
  // Average only after G moved (most iterations are D's alone when
  // G steps less often).
  if (losses.count("loss_g") == 0) return losses;
  if (!half_life_) {
    ema_.Update(iteration / iterations_per_g_step_);
    return losses;
  }
  const double images = static_cast<double>(half_life_->images_per_iteration);
  ema_.Update(iteration / iterations_per_g_step_,
              EmaDecayFromHalfLife(half_life_->images, half_life_->rampup,
                                   static_cast<double>(iteration) * images,
                                   iterations_per_g_step_ * images));
  return losses;
}

void EmaUpdater::Save(torch::serialize::OutputArchive& archive) const {
  inner_->Save(archive);
  torch::serialize::OutputArchive ema;
  ema_.Save(ema);
  archive.write(kGeneratorEmaKey, ema);
}

void EmaUpdater::Load(torch::serialize::InputArchive& archive) {
  inner_->Load(archive);
  torch::serialize::InputArchive ema;
  archive.read(kGeneratorEmaKey, ema);
  ema_.Load(ema);
}

}  // namespace gan
