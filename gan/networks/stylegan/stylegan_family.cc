// The "stylegan" network family: StyleGAN's generator against PGGAN's discriminator at
// its full-resolution phase, as StyleGAN v1 trained it, from a model section such as
//   "model": {"family": "stylegan", "width": 8, "latent_dim": 128, "mapping_layers": 8,
//             "style_mixing_probability": 0.9}
// Unconditional.
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "gan/networks/family.h"
#include "gan/networks/progressive/progressive.h"
#include "gan/networks/progressive/progressive_family.h"
#include "gan/networks/stylegan/stylegan.h"

namespace gan {
namespace {

class StyleGanFamily : public ProgressiveDiscriminatorFamily {
 public:
  explicit StyleGanFamily(ConfigReader& model) : ProgressiveDiscriminatorFamily(model) {
    model.Read("mapping_layers", &mapping_layers_);
    model.Read("style_mixing_probability", &style_mixing_probability_);
    RequirePositive(model, "mapping_layers", mapping_layers_);
    if (style_mixing_probability_ < 0 || style_mixing_probability_ > 1) {
      model.Invalid("style_mixing_probability",
                    absl::StrCat("must be in [0, 1], got ", style_mixing_probability_));
    }
  }

  absl::StatusOr<Networks> Build(const ImageShape& shape) const override {
    absl::StatusOr<ProgressiveSpec> progressive = Spec(shape);
    if (!progressive.ok()) return progressive.status();
    Networks networks;
    networks.discriminator = std::make_shared<ProgressiveDiscriminator>(*progressive);
    absl::StatusOr<Generator> generator = BuildGenerator(shape);
    if (!generator.ok()) return generator.status();
    networks.generator = std::move(*generator);
    return networks;
  }

  absl::StatusOr<Generator> BuildGenerator(const ImageShape& shape) const override {
    absl::StatusOr<StyleGanSpec> style =
        StyleGanSpecFor(shape.size, shape.channels, width_, latent_dim_);
    if (!style.ok()) return style.status();
    style->mapping_layers = mapping_layers_;
    style->style_mixing_probability = style_mixing_probability_;
    const absl::Status valid = ValidateStyleGanSpec(*style);
    if (!valid.ok()) return valid;
    return Generator(std::make_shared<StyleGanGenerator>(*style));
  }

 private:
  int64_t mapping_layers_ = StyleGanSpec().mapping_layers;  // depth of the z -> w mapping
  // The probability that a training batch mixes the styles of two latents.
  double style_mixing_probability_ = StyleGanSpec().style_mixing_probability;
};

absl::StatusOr<std::unique_ptr<NetworkFamily>> ReadStyleGanFamily(ConfigReader& model) {
  return std::make_unique<StyleGanFamily>(model);
}

GAN_REGISTER_NETWORK_FAMILY("stylegan", ReadStyleGanFamily);

}  // namespace
}  // namespace gan
