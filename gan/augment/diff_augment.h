// DiffAugment (Zhao et al. 2020, "Differentiable Augmentation for Data-Efficient GAN
// Training"), registered as "diffaugment": the transforms of its policy, in the policy's
// order, each with its own random draw per image, as the authors' DiffAugment_pytorch.py
// draws them:
//   color        brightness + U(-0.5, 0.5), then saturation x U(0, 2) about each pixel's
//                channel mean, then contrast x U(0.5, 1.5) about the image mean
//   translation  a shift of up to round(translation_ratio x side) pixels (default 1/8) in
//                each direction, uniform over the integers, zeros moved in
//   cutout       a square of round(cutout_ratio x side) (default 1/2) cleared, its centre
//                uniform over the image (it may reach past the edge)
// The paper's recommended policy, the default here, is "color,translation,cutout".
//
//   "augment": {"name": "diffaugment", "policy": "translation,cutout"}
#ifndef GAN_AUGMENT_DIFF_AUGMENT_H_
#define GAN_AUGMENT_DIFF_AUGMENT_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "gan/augment/augmentation.h"

namespace gan {

enum class DiffAugmentTransform { kColor, kTranslation, kCutout };

struct DiffAugmentOptions {
  std::vector<DiffAugmentTransform> policy = {DiffAugmentTransform::kColor,
                                              DiffAugmentTransform::kTranslation,
                                              DiffAugmentTransform::kCutout};
  double translation_ratio = 0.125;
  double cutout_ratio = 0.5;
};

// Parses a comma-separated policy ("color,translation,cutout"); an unknown or repeated
// transform, or an empty policy, is an error naming it.
absl::StatusOr<std::vector<DiffAugmentTransform>> ParseDiffAugmentPolicy(const std::string& policy);

class DiffAugment : public Augmentation {
 public:
  explicit DiffAugment(DiffAugmentOptions options) : options_(std::move(options)) {}
  torch::Tensor Apply(const torch::Tensor& images) override;

 private:
  DiffAugmentOptions options_;
};

}  // namespace gan

#endif  // GAN_AUGMENT_DIFF_AUGMENT_H_
