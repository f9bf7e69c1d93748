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
                       int n_dis)
    : inner_(std::move(inner)),
      shadow_(OnDevice(std::move(shadow), inner_->device())),
      ema_(inner_->generator(), shadow_, options),
      n_dis_(n_dis) {
  TORCH_CHECK(n_dis_ >= 1, "EmaUpdater: n_dis must be >= 1, got ", n_dis_);
}

EmaUpdater::EmaUpdater(std::unique_ptr<Updater> inner, Generator shadow, EmaOptions options,
                       EmaHalfLife half_life, int n_dis)
    : EmaUpdater(std::move(inner), std::move(shadow), options, n_dis) {
  TORCH_CHECK(half_life.images > 0 && half_life.rampup >= 0 && half_life.images_per_iteration > 0,
              "EmaUpdater: needs a half-life > 0 images, rampup >= 0 and images per iteration "
              "> 0, got ",
              half_life.images, ", ", half_life.rampup, ", ", half_life.images_per_iteration);
  half_life_ = half_life;
}

std::map<std::string, torch::Tensor> EmaUpdater::Update(const Batch& batch, int64_t iteration) {
  std::map<std::string, torch::Tensor> losses = inner_->Update(batch, iteration);
  // Average only after G moved (with n_dis > 1 most iterations are D's alone).
  if (losses.count("loss_g") == 0) return losses;
  if (!half_life_) {
    ema_.Update(iteration / n_dis_);
    return losses;
  }
  const double images = static_cast<double>(half_life_->images_per_iteration);
  ema_.Update(iteration / n_dis_,
              EmaDecayFromHalfLife(half_life_->images, half_life_->rampup,
                                   static_cast<double>(iteration) * images, n_dis_ * images));
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
