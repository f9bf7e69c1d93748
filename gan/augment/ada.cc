#include "gan/augment/ada.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include <torch/torch.h>

#include "absl/strings/str_cat.h"
#include "gan/core/strict_load.h"
#include "gan/nn/image_augment.h"

namespace gan {
namespace {

using torch::Tensor;

constexpr double kPi = 3.14159265358979323846;

// Homogeneous 2-D matrices, one per image, [N, 3, 3], from [N] entries of their top rows.
Tensor Matrix2d(const Tensor& a, const Tensor& b, const Tensor& c, const Tensor& d,
                const Tensor& e, const Tensor& f) {
  const Tensor zero = torch::zeros_like(a), one = torch::ones_like(a);
  return torch::stack({a, b, c, d, e, f, zero, zero, one}, 1).view({-1, 3, 3});
}

Tensor Scale2d(const Tensor& sx, const Tensor& sy) {
  const Tensor zero = torch::zeros_like(sx);
  return Matrix2d(sx, zero, zero, zero, sy, zero);
}

Tensor Translate2d(const Tensor& tx, const Tensor& ty) {
  const Tensor zero = torch::zeros_like(tx), one = torch::ones_like(tx);
  return Matrix2d(one, zero, tx, zero, one, ty);
}

Tensor Rotate2d(const Tensor& theta) {
  const Tensor zero = torch::zeros_like(theta);
  return Matrix2d(theta.cos(), -theta.sin(), zero, theta.sin(), theta.cos(), zero);
}

// [N, 1, 1] for broadcasting over [N, 4, 4].
Tensor PerMatrix(const Tensor& values) { return values.view({-1, 1, 1}); }

double ReadNumber(torch::serialize::InputArchive& archive, const std::string& key) {
  const Tensor value = ReadTensorStrictly(archive, key, "checkpoint");
  TORCH_CHECK(value.numel() == 1 && value.is_floating_point(), "checkpoint: '", key,
              "' must be one number, got a tensor of shape ", value.sizes());
  return value.item<double>();
}

absl::StatusOr<std::unique_ptr<Augmentation>> ReadAda(ConfigReader& options) {
  AdaOptions ada;
  std::string pipeline = "bgc";
  options.Read("pipeline", &pipeline);
  options.Read("initial_p", &ada.initial_p);
  options.Read("target", &ada.target);
  options.Read("interval", &ada.interval);
  options.Read("speed_images", &ada.speed_images);
  if (pipeline != "b" && pipeline != "bg" && pipeline != "bgc" && pipeline != "g" &&
      pipeline != "gc" && pipeline != "c" && pipeline != "bc") {
    options.Invalid("pipeline", absl::StrCat("must list some of b (blit), g (geometric), c ",
                                             "(color) in that order, as \"bgc\"; got '",
                                             pipeline, "'"));
  }
  ada.blit = pipeline.find('b') != std::string::npos;
  ada.geometric = pipeline.find('g') != std::string::npos;
  ada.color = pipeline.find('c') != std::string::npos;
  if (ada.initial_p < 0 || ada.initial_p > 1) {
    options.Invalid("initial_p", absl::StrCat("must be in [0, 1], got ", ada.initial_p));
  }
  if (ada.target < 0 || ada.target >= 1) {
    options.Invalid("target", absl::StrCat("must be in [0, 1) (0: p fixed), got ", ada.target));
  }
  RequirePositive(options, "interval", ada.interval);
  RequirePositive(options, "speed_images", ada.speed_images);
  return std::unique_ptr<Augmentation>(std::make_unique<AdaptiveAugment>(ada));
}

GAN_REGISTER_AUGMENTATION("ada", ReadAda);

}  // namespace

AdaptiveAugment::AdaptiveAugment(AdaOptions options)
    : options_(options), p_(options.initial_p) {}

Tensor AdaptiveAugment::Apply(const Tensor& images) {
  TORCH_CHECK(images.dim() == 4, "ADA: expected images [N, C, H, W], got ", images.sizes());
  if (p_ <= 0) return images;  // exactly the identity, as the reference's pipeline at p = 0
  const int64_t n = images.size(0);
  const double width = static_cast<double>(images.size(3));
  const double height = static_cast<double>(images.size(2));
  const auto options = torch::TensorOptions().dtype(torch::kFloat).device(images.device());
  const double p = p_;
  const auto uniform = [&] { return torch::rand({n}, options); };
  const auto normal = [&] { return torch::randn({n}, options); };
  // `value` where a draw falls under `probability`, `otherwise` elsewhere.
  const auto sometimes = [&](double probability, const Tensor& value, const Tensor& otherwise) {
    return torch::where(uniform() < probability, value, otherwise);
  };
  const Tensor zeros = torch::zeros({n}, options), ones = torch::ones({n}, options);

  Tensor out = images;
  if (options_.blit || options_.geometric) {
    // The inverse of the composed transform: output position -> input position. Each
    // transform appends its inverse on the right, as augment.py's G_inv.
    Tensor inverse = torch::eye(3, options).expand({n, 3, 3});
    if (options_.blit) {
      const Tensor flip = sometimes(p, torch::floor(uniform() * 2), zeros);
      inverse = inverse.matmul(Scale2d(1 - 2 * flip, ones));
      const Tensor quarter_turns = sometimes(p, torch::floor(uniform() * 4), zeros);
      inverse = inverse.matmul(Rotate2d(kPi / 2 * quarter_turns));
      Tensor shift = (torch::rand({n, 2}, options) * 2 - 1) * 0.125;
      shift = torch::where((uniform() < p).unsqueeze(1), shift, torch::zeros_like(shift));
      inverse = inverse.matmul(Translate2d(-torch::round(shift.select(1, 0) * width),
                                           -torch::round(shift.select(1, 1) * height)));
    }
    if (options_.geometric) {
      const Tensor scale = sometimes(p, torch::exp2(normal() * 0.2), ones);
      inverse = inverse.matmul(Scale2d(1 / scale, 1 / scale));
      // Rotated before or after the anisotropic scaling: P(either) = p.
      const double p_rotation = 1 - std::sqrt(std::clamp(1 - p, 0.0, 1.0));
      const Tensor pre_rotation = sometimes(p_rotation, (uniform() * 2 - 1) * kPi, zeros);
      inverse = inverse.matmul(Rotate2d(pre_rotation));
      const Tensor aniso = sometimes(p, torch::exp2(normal() * 0.2), ones);
      inverse = inverse.matmul(Scale2d(1 / aniso, aniso));
      const Tensor post_rotation = sometimes(p_rotation, (uniform() * 2 - 1) * kPi, zeros);
      inverse = inverse.matmul(Rotate2d(post_rotation));
      Tensor shift = torch::randn({n, 2}, options) * 0.125;
      shift = torch::where((uniform() < p).unsqueeze(1), shift, torch::zeros_like(shift));
      inverse = inverse.matmul(
          Translate2d(-shift.select(1, 0) * width, -shift.select(1, 1) * height));
    }
    out = WarpImages(out, inverse);
  }
  if (options_.color) {
    // Composed on the left, acting on (r, g, b, 1); v is the grey (luma) axis.
    const Tensor eye = torch::eye(4, options);
    const Tensor v = torch::tensor({1.0f, 1.0f, 1.0f, 0.0f}, options) / std::sqrt(3.0f);
    const Tensor grey = torch::outer(v, v);
    Tensor color = eye.expand({n, 4, 4});
    const Tensor brightness = sometimes(p, normal() * 0.2, zeros);
    Tensor shift = torch::zeros({n, 4, 4}, options);
    shift.select(2, 3).slice(1, 0, 3).copy_(brightness.view({-1, 1}).expand({n, 3}));
    color = (eye + shift).matmul(color);
    const Tensor contrast = sometimes(p, torch::exp2(normal() * 0.5), ones);
    const Tensor rgb = torch::tensor({1.0f, 1.0f, 1.0f, 0.0f}, options).diag();
    color = (eye + rgb * (PerMatrix(contrast) - 1)).matmul(color);
    const Tensor luma_flip = sometimes(p, torch::floor(uniform() * 2), zeros);
    color = (eye - 2 * grey * PerMatrix(luma_flip)).matmul(color);  // a Householder reflection
    if (images.size(1) > 1) {
      const Tensor hue = PerMatrix(sometimes(p, (uniform() * 2 - 1) * kPi, zeros));
      // Rodrigues' rotation about v: cos I + sin [v]x + (1 - cos) v v^T on (r, g, b).
      const float a = 1 / std::sqrt(3.0f);
      const Tensor cross = torch::tensor({0.0f, -a, a, 0.0f, a, 0.0f, -a, 0.0f, -a, a, 0.0f, 0.0f,
                                          0.0f, 0.0f, 0.0f, 0.0f},
                                         options)
                               .view({4, 4});
      const Tensor rotation = hue.cos() * rgb + hue.sin() * cross + (1 - hue.cos()) * grey +
                              (eye - rgb);
      color = rotation.matmul(color);
      const Tensor saturation = PerMatrix(sometimes(p, torch::exp2(normal()), ones));
      color = (grey + (eye - grey) * saturation).matmul(color);
    }
    out = TransformColors(out, color);
  }
  return out;
}

void AdaptiveAugment::ObserveRealLogits(const Tensor& logits, int64_t global_batch_size,
                                        const RankMean& mean_over_ranks) {
  if (options_.target <= 0) return;  // p fixed
  const Tensor mean_sign = torch::sign(logits.detach()).to(torch::kFloat).mean();
  sign_sum_ += (mean_over_ranks ? mean_over_ranks(mean_sign) : mean_sign).item<double>();
  observed_images_ += global_batch_size;
  if (++observed_steps_ < options_.interval) return;
  last_rt_ = sign_sum_ / static_cast<double>(observed_steps_);
  const double direction = (last_rt_ > options_.target) - (last_rt_ < options_.target);
  p_ = std::max(p_ + direction * static_cast<double>(observed_images_) / options_.speed_images, 0.0);
  sign_sum_ = 0;
  observed_steps_ = 0;
  observed_images_ = 0;
}

void AdaptiveAugment::Save(torch::serialize::OutputArchive& archive,
                           const std::string& prefix) const {
  archive.write(prefix + "p", torch::tensor(p_, torch::kDouble));
  archive.write(prefix + "sign_sum", torch::tensor(sign_sum_, torch::kDouble));
  archive.write(prefix + "last_rt", torch::tensor(last_rt_, torch::kDouble));
  archive.write(prefix + "observed_steps", torch::tensor(observed_steps_));
  archive.write(prefix + "observed_images", torch::tensor(observed_images_));
}

void AdaptiveAugment::Load(torch::serialize::InputArchive& archive, const std::string& prefix) {
  p_ = ReadNumber(archive, prefix + "p");
  sign_sum_ = ReadNumber(archive, prefix + "sign_sum");
  last_rt_ = ReadNumber(archive, prefix + "last_rt");
  observed_steps_ = ReadIntStrictly(archive, prefix + "observed_steps", "checkpoint");
  observed_images_ = ReadIntStrictly(archive, prefix + "observed_images", "checkpoint");
}

std::map<std::string, Tensor> AdaptiveAugment::Logs() const {
  return {{"augment_p", torch::tensor(static_cast<float>(p_))},
          {"augment_rt", torch::tensor(static_cast<float>(last_rt_))}};
}

}  // namespace gan
