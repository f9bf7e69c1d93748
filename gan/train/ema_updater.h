// Wraps any updater and keeps an exponential moving average of its generator's weights
// (gan/train/ema.h) after every iteration. The average is what samples and metrics use
// (sampling_generator()); it is saved with the updater as "generator_ema", so resumed
// runs continue it exactly and the `sample` tool can pick it.
//
// The average starts after options.start_step G steps (BigGAN-PyTorch's and StudioGAN's
// unit): with G stepping every k-th iteration (k = iterations_per_g_step, the alternating
// scheme's n_dis), iteration i's G step is number i / k.
//
// The decay is options.decay, or set by a half-life in images (StyleGAN2-ADA's rule, see
// EmaDecayFromHalfLife): a G step comes k x images_per_iteration images after the one
// before, and the ramp-up counts the i x images_per_iteration images before iteration i
// (at k = 1, exactly the reference's count).
//
//   auto updater = std::make_unique<gan::EmaUpdater>(std::move(inner), shadow_generator,
//                                                    gan::EmaOptions{0.999, 1000},
//                                                    /*iterations_per_g_step=*/2);
#ifndef GAN_TRAIN_EMA_UPDATER_H_
#define GAN_TRAIN_EMA_UPDATER_H_

#include <memory>
#include <optional>

#include "gan/train/ema.h"
#include "gan/train/updater.h"

namespace gan {

// The key of the averaged generator inside an updater's archive.
inline constexpr char kGeneratorEmaKey[] = "generator_ema";

struct EmaHalfLife {
  double images = 10000;         // > 0
  double rampup = 0;             // > 0: at most rampup x the images seen so far
  int64_t images_per_iteration;  // over all ranks and accumulation steps
};

class EmaUpdater : public Updater {
 public:
  // `shadow`: a second generator built exactly like inner->generator();
  // `iterations_per_g_step`: how often `inner` steps G.
  EmaUpdater(std::unique_ptr<Updater> inner, Generator shadow, EmaOptions options,
             int iterations_per_g_step = 1);
  // The same with the decay set by `half_life` (options.decay is not used).
  EmaUpdater(std::unique_ptr<Updater> inner, Generator shadow, EmaOptions options,
             EmaHalfLife half_life, int iterations_per_g_step = 1);

  std::map<std::string, torch::Tensor> Update(const Batch& batch, int64_t iteration) override;
  void Save(torch::serialize::OutputArchive& archive) const override;
  void Load(torch::serialize::InputArchive& archive) override;
  const Generator& generator() const override { return inner_->generator(); }
  const Generator& sampling_generator() const override { return shadow_; }
  torch::Device device() const override { return inner_->device(); }
  void ResetOptimizerState() override { inner_->ResetOptimizerState(); }

 private:
  std::unique_ptr<Updater> inner_;
  Generator shadow_;
  GeneratorEma ema_;
  int iterations_per_g_step_;
  std::optional<EmaHalfLife> half_life_;
};

}  // namespace gan

#endif  // GAN_TRAIN_EMA_UPDATER_H_
