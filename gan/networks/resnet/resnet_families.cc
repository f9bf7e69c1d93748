// The ResNet network families, one per preset of resnet.h, from a model section such as
//   "model": {"family": "biggan", "width": 16, "latent_dim": 80, "num_classes": 10,
//             "head": "projection", "shared_embedding_dim": 128}
//   resnet: SNGAN;  sagan: SAGAN;  biggan: BigGAN-style (the only one with
//   shared_embedding_dim).
// Common keys: width, latent_dim, num_classes (> 0: class-conditional G), head (D's
// output head: unconditional | projection | acgan | reacgan), embedding_dim (the reacgan
// head's hypersphere), attention_resolution (-1: the preset's, 0: none, else the
// resolution after which G and D attend), attention_pool_keys (true: keys and values
// max-pooled 2x2, as SAGAN's and BigGAN's code; false: every position is a key).
// resnet only: d_hidden_channels ("input": D's blocks are as wide inside as at their input,
// the SNGAN authors' code; "output": as at their output) and residual_init_gain (the
// Xavier gain of the residual branches' 3x3 convs; the authors' sqrt(2) by default).
#include <cmath>
#include <memory>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "gan/networks/family.h"
#include "gan/networks/heads/discriminator_head.h"
#include "gan/networks/resnet/resnet.h"

namespace gan {
namespace {

struct ResnetSettings {
  ResnetPreset preset = ResnetPreset::kSngan;
  int64_t width = 64;
  int64_t latent_dim = 100;
  int64_t num_classes = 0;
  HeadKind head = HeadKind::kUnconditional;
  int64_t embedding_dim = 512;
  int64_t shared_embedding_dim = 128;
  int64_t attention_resolution = -1;
  bool attention_pool_keys = true;
  std::optional<double> residual_init_gain;      // else the preset's
  std::optional<bool> d_hidden_from_input;       // else the preset's
};

class ResnetFamily : public NetworkFamily {
 public:
  explicit ResnetFamily(const ResnetSettings& settings) : settings_(settings) {}

  absl::StatusOr<Networks> Build(const ImageShape& shape) const override {
    absl::StatusOr<ResnetSpec> spec = Spec(shape);
    if (!spec.ok()) return spec.status();
    Networks networks;
    networks.generator = std::make_shared<ResnetGenerator>(*spec);
    networks.discriminator = std::make_shared<ResnetDiscriminator>(*spec);
    return networks;
  }

  absl::StatusOr<Generator> BuildGenerator(const ImageShape& shape) const override {
    absl::StatusOr<ResnetSpec> spec = Spec(shape);
    if (!spec.ok()) return spec.status();
    return Generator(std::make_shared<ResnetGenerator>(*spec));
  }

 private:
  absl::StatusOr<ResnetSpec> Spec(const ImageShape& shape) const {
    absl::StatusOr<ResnetSpec> spec = ResnetSpecFor(settings_.preset, shape.size, shape.channels,
                                                    settings_.width, settings_.latent_dim);
    if (!spec.ok()) return spec.status();
    spec->num_classes = settings_.num_classes;
    spec->head = settings_.head;
    spec->embedding_dim = settings_.embedding_dim;
    spec->shared_embedding_dim = settings_.shared_embedding_dim;
    spec->attention_pool_keys = settings_.attention_pool_keys;
    if (settings_.residual_init_gain) spec->residual_init_gain = *settings_.residual_init_gain;
    if (settings_.d_hidden_from_input) spec->d_hidden_from_input = *settings_.d_hidden_from_input;
    if (settings_.attention_resolution >= 0) {
      spec->g_attention_resolution = settings_.attention_resolution;
      spec->d_attention_resolution = settings_.attention_resolution;
    }
    const absl::Status valid = ValidateResnetSpec(*spec);
    if (!valid.ok()) return valid;
    return spec;
  }

  ResnetSettings settings_;
};

absl::StatusOr<std::unique_ptr<NetworkFamily>> ReadResnetFamily(ConfigReader& model,
                                                                ResnetPreset preset) {
  ResnetSettings settings;
  settings.preset = preset;
  std::string head = "unconditional";
  model.Read("width", &settings.width);
  model.Read("latent_dim", &settings.latent_dim);
  model.Read("num_classes", &settings.num_classes);
  model.Read("head", &head);
  model.Read("embedding_dim", &settings.embedding_dim);
  if (preset == ResnetPreset::kBiggan) {
    model.Read("shared_embedding_dim", &settings.shared_embedding_dim);
  }
  model.Read("attention_resolution", &settings.attention_resolution);
  model.Read("attention_pool_keys", &settings.attention_pool_keys);
  if (preset == ResnetPreset::kSngan) {
    double gain = std::sqrt(2.0);
    std::string hidden = "input";
    model.Read("residual_init_gain", &gain);
    model.Read("d_hidden_channels", &hidden);
    if (!(gain > 0)) model.Invalid("residual_init_gain", absl::StrCat("must be > 0, got ", gain));
    if (hidden != "input" && hidden != "output") {
      model.Invalid("d_hidden_channels", "must be input or output, got '" + hidden + "'");
    }
    settings.residual_init_gain = gain;
    settings.d_hidden_from_input = hidden == "input";
  }
  RequirePositive(model, "width", settings.width);
  RequirePositive(model, "latent_dim", settings.latent_dim);
  RequirePositive(model, "embedding_dim", settings.embedding_dim);
  RequirePositive(model, "shared_embedding_dim", settings.shared_embedding_dim);
  RequireNonNegative(model, "num_classes", settings.num_classes);
  if (settings.attention_resolution < -1) {
    model.Invalid("attention_resolution",
                  absl::StrCat("must be -1 (the family's default), 0 (none) or a resolution, got ",
                               settings.attention_resolution));
  }
  if (!ParseHeadKind(head, &settings.head)) {
    model.Invalid("head", "must be one of unconditional, projection, acgan, reacgan, got '" +
                              head + "'");
  } else if (IsConditional(settings.head) && settings.num_classes == 0) {
    model.Invalid("head", "'" + head + "' is conditional: set model.num_classes");
  }
  return std::make_unique<ResnetFamily>(settings);
}

GAN_REGISTER_NETWORK_FAMILY("resnet", [](ConfigReader& model) {
  return ReadResnetFamily(model, ResnetPreset::kSngan);
});
GAN_REGISTER_NETWORK_FAMILY("sagan", [](ConfigReader& model) {
  return ReadResnetFamily(model, ResnetPreset::kSagan);
});
GAN_REGISTER_NETWORK_FAMILY("biggan", [](ConfigReader& model) {
  return ReadResnetFamily(model, ResnetPreset::kBiggan);
});

}  // namespace
}  // namespace gan
