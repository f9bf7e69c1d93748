// ADA, adaptive discriminator augmentation (Karras et al. 2020, "Training Generative
// Adversarial Networks with Limited Data"), registered as "ada": StyleGAN2-ADA's pipeline
// of transforms, each applied to an image with probability p, and p adapted during
// training so that D's overfitting heuristic r_t = E[sign(D(x_real))] stays near a target.
//
// The pipeline, in the reference's order and with its ranges (augment.py):
//   b (blit)       x-flip; rotation by a multiple of 90 degrees; integer translation by up
//                  to 1/8 of the side
//   g (geometric)  isotropic scaling 2^N(0, 0.2); rotation U(-180, 180) degrees (before or
//                  after the anisotropic scaling, together with probability p); anisotropic
//                  scaling 2^N(0, 0.2); fractional translation N(0, 0.125) of the side
//   c (color)      brightness + N(0, 0.2); contrast x 2^N(0, 0.5); luma flip; hue rotation
//                  U(-180, 180) degrees about the grey axis; saturation x 2^N(0, 1) (hue and
//                  saturation only for 3-channel images)
// The geometric transforms are composed into one matrix and applied as one bilinear
// resampling with edges mirrored back in; the reference resamples at twice the size
// through a wavelet low-pass filter (less aliasing for rotations and scalings), which this
// does not. The colour transforms are composed into one matrix too.
//
// p starts at initial_p; every `interval` D steps, r_t is the mean of sign(D(x_real)) over
// those steps and p moves by sign(r_t - target) x (images in those steps) / speed_images,
// never below 0 (the reference's update). p, and the signs gathered towards the next
// update, are kept in checkpoints; p is logged as "augment_p", the last r_t as
// "augment_rt". target 0 keeps p fixed at initial_p (StyleGAN2-ADA's --aug=fixed).
//
//   "augment": {"name": "ada", "pipeline": "bgc", "target": 0.6}
#ifndef GAN_AUGMENT_ADA_H_
#define GAN_AUGMENT_ADA_H_

#include <map>
#include <string>

#include "gan/augment/augmentation.h"

namespace gan {

struct AdaOptions {
  // Groups of transforms in the pipeline.
  bool blit = true;
  bool geometric = true;
  bool color = true;
  double initial_p = 0.0;
  double target = 0.6;            // 0: p fixed at initial_p
  int64_t interval = 4;           // D steps between updates of p
  double speed_images = 500000;   // images for p to move by 1 (the reference's ada_kimg 500)
};

class AdaptiveAugment : public Augmentation {
 public:
  explicit AdaptiveAugment(AdaOptions options);

  torch::Tensor Apply(const torch::Tensor& images) override;
  void ObserveRealLogits(const torch::Tensor& logits, int64_t global_batch_size,
                         const RankMean& mean_over_ranks) override;
  void Save(torch::serialize::OutputArchive& archive, const std::string& prefix) const override;
  void Load(torch::serialize::InputArchive& archive, const std::string& prefix) override;
  std::map<std::string, torch::Tensor> Logs() const override;

  double p() const { return p_; }

 private:
  AdaOptions options_;
  double p_;
  double sign_sum_ = 0;       // of the per-step mean signs since the last update
  int64_t observed_steps_ = 0;
  int64_t observed_images_ = 0;
  double last_rt_ = 0;
};

}  // namespace gan

#endif  // GAN_AUGMENT_ADA_H_
