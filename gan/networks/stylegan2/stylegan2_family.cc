// The "stylegan2" network family (stylegan2.h), from a model section such as
//   "model": {"family": "stylegan2", "width": 8, "latent_dim": 128, "mapping_layers": 8,
//             "style_mixing_probability": 0.9, "num_classes": 0}
// num_classes > 0: the ADA paper's conditional G (class embedding into the mapping) and
// projection D.
#include <memory>

#include "absl/strings/str_cat.h"
#include "gan/networks/family.h"
#include "gan/networks/stylegan2/stylegan2.h"
#include "gan/nn/minibatch_stddev.h"

namespace gan {
namespace {

class StyleGan2Family : public NetworkFamily {
 public:
  explicit StyleGan2Family(ConfigReader& model) {
    model.Read("width", &width_);
    model.Read("latent_dim", &latent_dim_);
    model.Read("mapping_layers", &mapping_layers_);
    model.Read("style_mixing_probability", &style_mixing_probability_);
    model.Read("num_classes", &num_classes_);
    RequirePositive(model, "width", width_);
    RequirePositive(model, "latent_dim", latent_dim_);
    RequirePositive(model, "mapping_layers", mapping_layers_);
    RequireNonNegative(model, "num_classes", num_classes_);
    if (style_mixing_probability_ < 0 || style_mixing_probability_ > 1) {
      model.Invalid("style_mixing_probability",
                    absl::StrCat("must be in [0, 1], got ", style_mixing_probability_));
    }
  }

  absl::StatusOr<Networks> Build(const ImageShape& shape) const override {
    absl::StatusOr<StyleGan2Spec> spec = Spec(shape);
    if (!spec.ok()) return spec.status();
    Networks networks;
    networks.generator = std::make_shared<StyleGan2Generator>(*spec);
    networks.discriminator = std::make_shared<StyleGan2Discriminator>(*spec);
    return networks;
  }

  absl::StatusOr<Generator> BuildGenerator(const ImageShape& shape) const override {
    absl::StatusOr<StyleGan2Spec> spec = Spec(shape);
    if (!spec.ok()) return spec.status();
    return Generator(std::make_shared<StyleGan2Generator>(*spec));
  }

  absl::Status CheckBatchSize(int64_t batch_size) const override {
    return CheckMinibatchStdDevGroups(StyleGan2Spec().minibatch_group_size, batch_size);
  }

 private:
  absl::StatusOr<StyleGan2Spec> Spec(const ImageShape& shape) const {
    absl::StatusOr<StyleGan2Spec> spec = StyleGan2SpecFor(shape.size, shape.channels, width_, latent_dim_);
    if (!spec.ok()) return spec.status();
    spec->style.mapping_layers = mapping_layers_;
    spec->style.style_mixing_probability = style_mixing_probability_;
    spec->num_classes = num_classes_;
    const absl::Status valid = ValidateStyleGan2Spec(*spec);
    if (!valid.ok()) return valid;
    return spec;
  }

  int64_t width_ = 8;
  int64_t latent_dim_ = 128;
  int64_t mapping_layers_ = StyleGanSpec().mapping_layers;
  double style_mixing_probability_ = StyleGanSpec().style_mixing_probability;
  int64_t num_classes_ = 0;
};

GAN_REGISTER_NETWORK_FAMILY("stylegan2", [](ConfigReader& model)
                                             -> absl::StatusOr<std::unique_ptr<NetworkFamily>> {
  return std::make_unique<StyleGan2Family>(model);
});

}  // namespace
}  // namespace gan
