#include "gan/augment/diff_augment.h"

#include <algorithm>
#include <utility>

#include <torch/torch.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gan/nn/image_augment.h"

namespace gan {
namespace {

// round(ratio x side), rounding halves up as the reference's int(side * ratio + 0.5).
int64_t Pixels(int64_t side, double ratio) { return static_cast<int64_t>(side * ratio + 0.5); }

// n integers uniform over [low, high], on `device`.
torch::Tensor UniformIntegers(int64_t low, int64_t high, int64_t n, const torch::Device& device) {
  return torch::randint(low, high + 1, {n}, torch::TensorOptions().dtype(torch::kLong).device(device));
}

absl::StatusOr<std::unique_ptr<Augmentation>> ReadDiffAugment(ConfigReader& options) {
  DiffAugmentOptions diff_augment;
  std::string policy = "color,translation,cutout";
  options.Read("policy", &policy);
  options.Read("translation_ratio", &diff_augment.translation_ratio);
  options.Read("cutout_ratio", &diff_augment.cutout_ratio);
  for (const auto& [key, ratio] : {std::pair{"translation_ratio", diff_augment.translation_ratio},
                                   {"cutout_ratio", diff_augment.cutout_ratio}}) {
    if (!(ratio > 0 && ratio <= 1)) {
      options.Invalid(key, absl::StrCat("must be in (0, 1], got ", ratio));
    }
  }
  absl::StatusOr<std::vector<DiffAugmentTransform>> transforms = ParseDiffAugmentPolicy(policy);
  if (!transforms.ok()) {
    options.Invalid("policy", absl::StrCat("is not a DiffAugment policy: ", transforms.status().message()));
    return std::unique_ptr<Augmentation>();
  }
  diff_augment.policy = std::move(*transforms);
  return std::unique_ptr<Augmentation>(std::make_unique<DiffAugment>(std::move(diff_augment)));
}

GAN_REGISTER_AUGMENTATION("diffaugment", ReadDiffAugment);

}  // namespace

absl::StatusOr<std::vector<DiffAugmentTransform>> ParseDiffAugmentPolicy(const std::string& policy) {
  constexpr std::pair<const char*, DiffAugmentTransform> kTransforms[] = {
      {"color", DiffAugmentTransform::kColor},
      {"translation", DiffAugmentTransform::kTranslation},
      {"cutout", DiffAugmentTransform::kCutout}};
  std::vector<DiffAugmentTransform> transforms;
  for (const absl::string_view name : absl::StrSplit(policy, ',')) {
    const auto* found = std::find_if(std::begin(kTransforms), std::end(kTransforms),
                                     [&](const auto& entry) { return name == entry.first; });
    if (found == std::end(kTransforms)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "'", policy, "' names '", name, "'; a policy lists some of color, translation, ",
          "cutout, separated by commas"));
    }
    if (std::find(transforms.begin(), transforms.end(), found->second) != transforms.end()) {
      return absl::InvalidArgumentError(absl::StrCat("'", policy, "' names '", name, "' twice"));
    }
    transforms.push_back(found->second);
  }
  return transforms;
}

torch::Tensor DiffAugment::Apply(const torch::Tensor& images) {
  TORCH_CHECK(images.dim() == 4, "DiffAugment: expected images [N, C, H, W], got ", images.sizes());
  const int64_t n = images.size(0), height = images.size(2), width = images.size(3);
  const torch::Device device = images.device();
  const auto uniform = [&] { return torch::rand({n}, images.options()); };
  torch::Tensor x = images;
  for (const DiffAugmentTransform transform : options_.policy) {
    switch (transform) {
      case DiffAugmentTransform::kColor:
        x = AdjustBrightness(x, uniform() - 0.5);
        x = AdjustSaturation(x, uniform() * 2);
        x = AdjustContrast(x, uniform() + 0.5);
        break;
      case DiffAugmentTransform::kTranslation: {
        const int64_t rows = Pixels(height, options_.translation_ratio);
        const int64_t cols = Pixels(width, options_.translation_ratio);
        const torch::Tensor dy = UniformIntegers(-rows, rows, n, device);
        const torch::Tensor dx = UniformIntegers(-cols, cols, n, device);
        x = Translate(x, dy, dx);
        break;
      }
      case DiffAugmentTransform::kCutout: {
        const int64_t rows = Pixels(height, options_.cutout_ratio);
        const int64_t cols = Pixels(width, options_.cutout_ratio);
        // The reference's centre range: one position fewer for odd sizes.
        const torch::Tensor center_y = UniformIntegers(0, height - rows % 2, n, device);
        const torch::Tensor center_x = UniformIntegers(0, width - cols % 2, n, device);
        x = Cutout(x, center_y - rows / 2, center_x - cols / 2, rows, cols);
        break;
      }
    }
  }
  return x;
}

}  // namespace gan
