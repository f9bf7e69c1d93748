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

std::map<std::string, torch::Tensor> EmaUpdater::Update(const Batch& batch, int64_t iteration) {
  std::map<std::string, torch::Tensor> losses = inner_->Update(batch, iteration);
  // Average only after G moved (with n_dis > 1 most iterations are D's alone).
  if (losses.count("loss_g") > 0) ema_.Update(iteration / n_dis_);
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
