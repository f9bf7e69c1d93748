// Networks whose gradients and features have closed forms, for the loss-term tests.
#ifndef GAN_LOSSES_TERMS_TERM_TEST_NETWORKS_H_
#define GAN_LOSSES_TERMS_TERM_TEST_NETWORKS_H_

#include <torch/torch.h>

#include "gan/losses/terms/loss_term.h"
#include "gan/networks/gan_modules.h"

namespace gan {

// D(x, y) = w.x + e_y.x (x flattened; e_y only with labels), so that the gradient with
// respect to x is w + e_y everywhere. Features: 2x.
class LinearCritic : public DiscriminatorModule {
 public:
  LinearCritic(int64_t dim, int64_t classes) {
    w = register_parameter("w", torch::randn({dim}, torch::kDouble));
    e = register_parameter("e", torch::randn({classes, dim}, torch::kDouble));
  }
  torch::Tensor forward(const torch::Tensor& images, const torch::Tensor& labels) override {
    const torch::Tensor x = images.flatten(1);
    torch::Tensor logits = x.matmul(w);
    if (labels.defined()) logits = logits + (x * e.index_select(0, labels)).sum(1);
    return logits;
  }
  torch::Tensor features(const torch::Tensor& images, const torch::Tensor&) override {
    return 2 * images.flatten(1);
  }
  torch::Tensor w, e;
};

// G(z) = W z, shaped [N, 1, side, side].
class LinearGenerator : public GeneratorModule {
 public:
  LinearGenerator(int64_t latent, int64_t side) : latent_(latent), side_(side) {
    fc = register_module(
        "fc", torch::nn::Linear(torch::nn::LinearOptions(latent, side * side).bias(false)));
    fc->to(torch::kDouble);
  }
  torch::Tensor forward(const torch::Tensor& z, const torch::Tensor&) override {
    return fc->forward(z).view({-1, 1, side_, side_});
  }
  int64_t latent_dim() const override { return latent_; }
  int64_t image_size() const override { return side_; }
  int64_t image_channels() const override { return 1; }
  torch::nn::Linear fc{nullptr};

 private:
  int64_t latent_, side_;
};

// A step over `real`, `fakes` and `labels` whose D output is `output`.
inline StepContext StepWithOutput(DiscriminatorModule& d, GeneratorModule& g,
                                  const torch::Tensor& real, const torch::Tensor& fakes,
                                  const torch::Tensor& labels, DiscriminatorOutput output) {
  return StepContext(d, g, real, fakes, labels, [output] { return output; });
}

}  // namespace gan

#endif  // GAN_LOSSES_TERMS_TERM_TEST_NETWORKS_H_
