// Output heads for discriminators that end in a feature vector h = phi(x) [N, F], for
// unconditional and class-conditional GANs:
//   unconditional  logit = w.h + b
//   projection     logit = w.h + b + embed(y).h                  (Miyato & Koyama 2018)
//                  (embed spectrally normalized when the head is)
//   acgan          logit = w.h + b; class_logits = W_c h + b_c   (Odena et al. 2017)
//   reacgan        logit = w.h + b; embeddings = normalize(W_e h); proxies =
//                  normalize(embed(y))   (Kang et al. 2021; D2D-CE in gan/losses:d2d_ce)
//
//   gan::DiscriminatorHead head(gan::DiscriminatorHeadOptions(512, gan::HeadKind::kProjection)
//                                   .num_classes(10));
//   gan::DiscriminatorOutput out = head->forward(h, labels);
#ifndef GAN_NETWORKS_HEADS_DISCRIMINATOR_HEAD_H_
#define GAN_NETWORKS_HEADS_DISCRIMINATOR_HEAD_H_

#include <cstdint>
#include <string>
#include <vector>

#include <torch/nn/modules/container/any.h>
#include <torch/nn/modules/embedding.h>

#include "gan/networks/gan_modules.h"

namespace gan {

enum class HeadKind { kUnconditional, kProjection, kAcgan, kReacgan };

// "unconditional", "projection", "acgan", "reacgan"; false for anything else.
bool ParseHeadKind(const std::string& name, HeadKind* kind);

// Whether the head reads class labels (all but unconditional).
inline bool IsConditional(HeadKind kind) { return kind != HeadKind::kUnconditional; }

// The DiscriminatorOutput fields a head of this kind fills besides the logits.
std::vector<std::string> AuxiliaryOutputs(HeadKind kind);

struct DiscriminatorHeadOptions {
  DiscriminatorHeadOptions(int64_t features, HeadKind kind) : features_(features), kind_(kind) {}
  TORCH_ARG(int64_t, features);
  TORCH_ARG(HeadKind, kind);
  TORCH_ARG(int64_t, num_classes) = 0;
  TORCH_ARG(int64_t, embedding_dim) = 512;  // reacgan: dimension of the hypersphere
  TORCH_ARG(bool, spectral_norm) = true;    // on the linear layers
};

class DiscriminatorHeadImpl : public torch::nn::Module {
 public:
  explicit DiscriminatorHeadImpl(DiscriminatorHeadOptions options);
  // features: [N, F]; labels: int64 [N] (required by conditional heads).
  DiscriminatorOutput forward(const torch::Tensor& features, const torch::Tensor& labels);

  const DiscriminatorHeadOptions& options() const { return options_; }

 private:
  DiscriminatorHeadOptions options_;
  torch::nn::AnyModule linear_;
  torch::nn::AnyModule classifier_;  // acgan
  torch::nn::AnyModule projector_;   // reacgan
  torch::nn::Embedding embedding_{nullptr};  // projection, reacgan
  // Projection with spectral_norm: the class embedding is spectrally normalized too (as
  // SNGAN-projection's SNEmbedID), so the projection term cannot outgrow the linear one.
  torch::Tensor embedding_u_, embedding_v_;

  torch::Tensor ClassEmbedding(const torch::Tensor& labels);
};
TORCH_MODULE(DiscriminatorHead);

}  // namespace gan

#endif  // GAN_NETWORKS_HEADS_DISCRIMINATOR_HEAD_H_
