// The two interfaces trainers, samplers and metrics program against, so that they never
// depend on a concrete network family. A generator maps latent codes (and, for
// conditional networks, class labels) to images in [-1, 1]; a discriminator maps images
// (and labels) to one logit per image.
#ifndef GAN_NETWORKS_GAN_MODULES_H_
#define GAN_NETWORKS_GAN_MODULES_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <torch/nn/module.h>
#include <torch/types.h>

namespace gan {

class StyleBasedGenerator;  // gan/networks/style_based_generator.h

// Networks that grow during training (PGGAN's, Karras et al. 2018): they train at one
// resolution level at a time, the newest fading in with weight alpha; the phase lives in
// their buffers, so checkpoints carry it. gan/train:progressive_updater sets it.
class GrowingNetwork {
 public:
  virtual ~GrowingNetwork() = default;
  virtual int64_t num_levels() const = 0;
  // 0 <= level < num_levels(), alpha in [0, 1] (it only matters for level >= 1).
  virtual void set_phase(int64_t level, double alpha) = 0;
};

class GeneratorModule : public torch::nn::Module {
 public:
  // z: [N, latent_dim]; labels: int64 [N] or undefined for unconditional networks.
  virtual torch::Tensor forward(const torch::Tensor& z, const torch::Tensor& labels) = 0;
  torch::Tensor forward(const torch::Tensor& z) { return forward(z, torch::Tensor()); }
  virtual int64_t latent_dim() const = 0;
  virtual int64_t image_size() const = 0;
  virtual int64_t image_channels() const = 0;
  // > 0 for class-conditional generators, which then require labels in [0, num_classes).
  virtual int64_t num_classes() const { return 0; }

  // Draws a latent batch from the network's prior (standard normal by default).
  virtual torch::Tensor SampleLatent(int64_t n, const torch::Device& device) const {
    return torch::randn({n, latent_dim()}, torch::TensorOptions().device(device));
  }

  // The truncation trick in the generator's own intermediate latent space (StyleGAN's w,
  // toward its running mean): sets psi and returns true where there is one; false means
  // callers truncate z instead.
  virtual bool SetIntermediateTruncation(double psi) { return false; }

  // The generator's style space (a mapping and a synthesis network, StyleGAN's), which
  // path-length regularization, export and projection use; null where there is none.
  virtual StyleBasedGenerator* style_based() { return nullptr; }
  // The generator as a network that grows; null for one of fixed size.
  virtual GrowingNetwork* growing() { return nullptr; }
};

// Everything a discriminator computes for a batch: `logits` always, and the auxiliary
// outputs of heads that have them (gan/networks/heads), by name: ACGAN's "class_logits"
// [N, classes], ReACGAN's L2-normalized "embeddings" [N, d] and "proxies" [N, d] (the
// embeddings of `labels`). The loss terms that train them ask for them by name.
struct DiscriminatorOutput {
  torch::Tensor logits;  // [N] real/fake logits
  std::map<std::string, torch::Tensor> extras;

  // The auxiliary output `name`; undefined when the head has none.
  torch::Tensor extra(const std::string& name) const {
    const auto it = extras.find(name);
    return it == extras.end() ? torch::Tensor() : it->second;
  }
};

class DiscriminatorModule : public torch::nn::Module {
 public:
  // images: [N, C, H, W]; returns logits [N].
  virtual torch::Tensor forward(const torch::Tensor& images, const torch::Tensor& labels) = 0;
  torch::Tensor forward(const torch::Tensor& images) { return forward(images, torch::Tensor()); }

  // The logits and any auxiliary outputs (classifier logits, embeddings) in one pass.
  virtual DiscriminatorOutput forward_all(const torch::Tensor& images, const torch::Tensor& labels) {
    return {forward(images, labels)};
  }

  // The names of the extras forward_all fills, so that an updater can check that its
  // loss terms train them.
  virtual std::vector<std::string> auxiliary_outputs() const { return {}; }

  // The parameters of D's blocks, from the input on, in the units that FreezeD (Mo et al.
  // 2020) counts: update.freeze_d_blocks = N keeps the first N fixed. Empty: D does not
  // offer them.
  virtual std::vector<std::vector<torch::Tensor>> block_parameters() { return {}; }

  // Intermediate features [N, ...] (the input of the last layer), for feature matching.
  virtual torch::Tensor features(const torch::Tensor& images, const torch::Tensor& labels) {
    TORCH_CHECK(false, "this discriminator does not expose its features");
  }

  // The discriminator as a network that grows; null for one of fixed size.
  virtual GrowingNetwork* growing() { return nullptr; }
};

// The discriminator of energy-based GANs (EBGAN, BEGAN): an autoencoder, whose
// reconstruction error of an image is its energy.
class AutoencoderModule : public torch::nn::Module {
 public:
  virtual torch::Tensor Encode(const torch::Tensor& images) = 0;
  virtual torch::Tensor Decode(const torch::Tensor& code) = 0;
  // The reconstruction of `images`.
  torch::Tensor forward(const torch::Tensor& images) { return Decode(Encode(images)); }
};

using Generator = std::shared_ptr<GeneratorModule>;
using Discriminator = std::shared_ptr<DiscriminatorModule>;

}  // namespace gan

#endif  // GAN_NETWORKS_GAN_MODULES_H_
