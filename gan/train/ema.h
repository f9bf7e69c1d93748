// An exponential moving average of the generator's weights (BigGAN, StudioGAN): samples
// and metrics from the averaged generator are smoother and usually better than from the
// raw one. The shadow is a second module of the same structure, built by the caller.
//
//   auto g = std::make_shared<MyGenerator>(spec);
//   auto g_ema = std::make_shared<MyGenerator>(spec);
//   GeneratorEma ema(g, g_ema, {/*decay=*/0.9999, /*start_step=*/1000});
//   ... after each generator step:  ema.Update(step);
//   ... sample with g_ema; checkpoint with ema.Save(archive) / ema.Load(archive).
#ifndef GAN_TRAIN_EMA_H_
#define GAN_TRAIN_EMA_H_

#include <cstdint>
#include <memory>

#include <torch/nn/module.h>
#include <torch/serialize/archive.h>
#include <torch/types.h>

namespace gan {

struct EmaOptions {
  double decay = 0.9999;   // in [0, 1]
  int64_t start_step = 0;  // before this step the shadow tracks the source exactly
  // Floating-point buffers (BatchNorm running statistics, spectral-norm vectors) are
  // averaged like the parameters (PyTorch-StudioGAN, BigGAN-PyTorch), or copied from the
  // source (StyleGAN). Integer buffers (BatchNorm's batch count) are always copied.
  bool average_buffers = false;
};

// StyleGAN2-ADA's form of the decay (training_loop.py): the average's half-life is given in
// images shown to D, so it does not depend on the batch size, and with a ramp-up the
// half-life is at most rampup x the images seen so far, so the random initial weights are
// forgotten quickly. The decay of an update that follows `images_per_update` images, with
// `images_seen` images before them: 0.5^(images_per_update / min(half_life_images,
// rampup x images_seen)), and 0 (a plain copy) while that half-life is 0. rampup 0: none.
double EmaDecayFromHalfLife(double half_life_images, double rampup, double images_seen,
                            double images_per_update);

class GeneratorEma {
 public:
  // `shadow` must have the same parameter and buffer names and shapes as `source`
  // (checked; the error names the first mismatch). It receives an exact copy of
  // `source`, and its parameters stop requiring grad. Train/eval mode is left to callers.
  GeneratorEma(std::shared_ptr<torch::nn::Module> source,
               std::shared_ptr<torch::nn::Module> shadow, EmaOptions options = {});

  // step < start_step: shadow = source. Otherwise, per parameter (and floating-point
  // buffer with average_buffers), shadow = decay * shadow + (1 - decay) * source; other
  // buffers are copied. In place, no autograd.
  void Update(int64_t step);
  // The same with this update's decay in [0, 1] instead of options().decay.
  void Update(int64_t step, double decay);

  // The shadow's parameters and buffers, under the key "shadow". Load restores them in
  // place (tensors land on the archive's map location, as with Module::load).
  void Save(torch::serialize::OutputArchive& archive) const;
  void Load(torch::serialize::InputArchive& archive);

  const std::shared_ptr<torch::nn::Module>& shadow() const { return shadow_; }
  const EmaOptions& options() const { return options_; }

 private:
  void CopySource();

  std::shared_ptr<torch::nn::Module> source_;
  std::shared_ptr<torch::nn::Module> shadow_;
  EmaOptions options_;
};

}  // namespace gan

#endif  // GAN_TRAIN_EMA_H_
