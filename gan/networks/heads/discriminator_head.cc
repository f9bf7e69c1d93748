#include "gan/networks/heads/discriminator_head.h"

#include <torch/nn/functional/embedding.h>
#include <torch/nn/functional/normalization.h>
#include <torch/nn/init.h>

#include "gan/nn/maybe_spectral_norm.h"
#include "gan/nn/spectral_norm.h"

namespace gan {

bool ParseHeadKind(const std::string& name, HeadKind* kind) {
  if (name == "unconditional") *kind = HeadKind::kUnconditional;
  else if (name == "projection") *kind = HeadKind::kProjection;
  else if (name == "acgan") *kind = HeadKind::kAcgan;
  else if (name == "reacgan") *kind = HeadKind::kReacgan;
  else return false;
  return true;
}

std::vector<std::string> AuxiliaryOutputs(HeadKind kind) {
  switch (kind) {
    case HeadKind::kAcgan:
      return {"class_logits"};
    case HeadKind::kReacgan:
      return {"embeddings", "proxies"};
    case HeadKind::kUnconditional:
    case HeadKind::kProjection:
      return {};
  }
  return {};
}

DiscriminatorHeadImpl::DiscriminatorHeadImpl(DiscriminatorHeadOptions options)
    : options_(options) {
  const int64_t f = options.features();
  const bool sn = options.spectral_norm();
  TORCH_CHECK(!IsConditional(options.kind()) || options.num_classes() > 0,
              "DiscriminatorHead: a conditional head needs num_classes > 0");
  linear_ = MakeLinear(torch::nn::LinearOptions(f, 1), sn);
  register_module("linear", linear_.ptr());
  switch (options.kind()) {
    case HeadKind::kProjection:
      embedding_ = register_module("embedding", torch::nn::Embedding(options.num_classes(), f));
      if (sn) {
        namespace F = torch::nn::functional;
        embedding_u_ = register_buffer(
            "embedding_u", F::normalize(torch::randn({options.num_classes()}), F::NormalizeFuncOptions().dim(0)));
        embedding_v_ = register_buffer(
            "embedding_v", F::normalize(torch::randn({f}), F::NormalizeFuncOptions().dim(0)));
      }
      break;
    case HeadKind::kAcgan:
      classifier_ = MakeLinear(torch::nn::LinearOptions(f, options.num_classes()), sn);
      register_module("classifier", classifier_.ptr());
      break;
    case HeadKind::kReacgan:
      projector_ = MakeLinear(torch::nn::LinearOptions(f, options.embedding_dim()), sn);
      register_module("projector", projector_.ptr());
      embedding_ = register_module(
          "embedding", torch::nn::Embedding(options.num_classes(), options.embedding_dim()));
      break;
    case HeadKind::kUnconditional:
      break;
  }
  // Network-wide initializers leave embeddings alone; LibTorch's N(0, 1) default would
  // make the class terms dwarf the rest at the start.
  if (embedding_) torch::nn::init::xavier_uniform_(embedding_->weight);
}

torch::Tensor DiscriminatorHeadImpl::ClassEmbedding(const torch::Tensor& labels) {
  if (!embedding_u_.defined()) return embedding_->forward(labels);
  const torch::Tensor table =
      SpectralNormalize(embedding_->weight, embedding_u_, embedding_v_, is_training());
  return torch::nn::functional::embedding(labels, table);
}

DiscriminatorOutput DiscriminatorHeadImpl::forward(const torch::Tensor& features,
                                                   const torch::Tensor& labels) {
  TORCH_CHECK(features.dim() == 2 && features.size(1) == options_.features(),
              "DiscriminatorHead: expected features [N, ", options_.features(), "], got ",
              features.sizes());
  if (IsConditional(options_.kind())) {
    TORCH_CHECK(labels.defined() && labels.dim() == 1 && labels.size(0) == features.size(0),
                "DiscriminatorHead: a conditional head needs int64 labels [N]");
  }
  DiscriminatorOutput out;
  out.logits = linear_.forward(features).squeeze(1);
  namespace F = torch::nn::functional;
  switch (options_.kind()) {
    case HeadKind::kProjection:
      out.logits = out.logits + (ClassEmbedding(labels) * features).sum(1);
      break;
    case HeadKind::kAcgan:
      out.extras["class_logits"] = classifier_.forward(features);
      break;
    case HeadKind::kReacgan:
      out.extras["embeddings"] =
          F::normalize(projector_.forward(features), F::NormalizeFuncOptions().dim(1));
      out.extras["proxies"] =
          F::normalize(embedding_->forward(labels), F::NormalizeFuncOptions().dim(1));
      break;
    case HeadKind::kUnconditional:
      break;
  }
  return out;
}

}  // namespace gan
