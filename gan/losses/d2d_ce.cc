#include "gan/losses/d2d_ce.h"

#include <limits>

namespace gan {
namespace {

void CheckLabels(const torch::Tensor& labels, const char* caller) {
  TORCH_CHECK(labels.defined(), caller, ": labels are undefined");
  TORCH_CHECK(labels.dim() == 1, caller, ": labels must be [N], got ", labels.sizes());
  TORCH_CHECK(!at::isFloatingType(labels.scalar_type()) && !at::isComplexType(labels.scalar_type()),
              caller, ": labels must be integer, got ", labels.scalar_type());
}

}  // namespace

torch::Tensor FalseNegativeMask(const torch::Tensor& labels) {
  CheckLabels(labels, "FalseNegativeMask");
  // Different labels already rule out j == i.
  return labels.unsqueeze(0) != labels.unsqueeze(1);
}

torch::Tensor D2dCrossEntropy(const torch::Tensor& embeddings, const torch::Tensor& proxies,
                              const torch::Tensor& labels, const D2dCrossEntropyOptions& options) {
  CheckLabels(labels, "D2dCrossEntropy");
  TORCH_CHECK(embeddings.dim() == 2, "D2dCrossEntropy: embeddings must be [N, d], got ",
              embeddings.sizes());
  TORCH_CHECK(proxies.sizes() == embeddings.sizes(),
              "D2dCrossEntropy: proxies must have the embeddings' shape ", embeddings.sizes(),
              " (one proxy per sample), got ", proxies.sizes());
  TORCH_CHECK(labels.size(0) == embeddings.size(0), "D2dCrossEntropy: labels must be [N] with N = ",
              embeddings.size(0), ", got ", labels.sizes());
  TORCH_CHECK(embeddings.size(0) > 0, "D2dCrossEntropy: empty batch");
  TORCH_CHECK(options.temperature > 0, "D2dCrossEntropy: temperature must be > 0, got ",
              options.temperature);
  const double positive_margin = options.margin;
  const double negative_margin = 1.0 - options.margin;

  // [N]: the positive logit P_i (never above 0: no reward beyond the margin).
  const torch::Tensor positive =
      torch::clamp_max((embeddings * proxies).sum(1) - positive_margin, 0.0) / options.temperature;
  // [N, N]: negative logits; false negatives (and i itself) are -inf so they add e^-inf = 0.
  const torch::Tensor similarity =
      (torch::mm(embeddings, embeddings.t()) - negative_margin) / options.temperature;
  torch::Tensor negative = torch::relu(similarity);
  if (options.form == D2dCrossEntropyOptions::Form::kStudioGan && embeddings.size(0) > 1) {
    const torch::Tensor diagonal = torch::eye(
        embeddings.size(0), torch::TensorOptions().dtype(torch::kBool).device(embeddings.device()));
    const torch::Tensor off_diagonal =
        similarity.detach().masked_fill(diagonal, -std::numeric_limits<double>::infinity());
    negative = negative - std::get<0>(off_diagonal.max(1, /*keepdim=*/true));
  }
  const torch::Tensor masked_negative = negative.masked_fill(
      FalseNegativeMask(labels).logical_not(), -std::numeric_limits<double>::infinity());
  // -log(e^P / (e^P + sum e^N)) = logsumexp([P, N...]) - P; the P column keeps it finite.
  const torch::Tensor all_logits = torch::cat({positive.unsqueeze(1), masked_negative}, 1);
  return (torch::logsumexp(all_logits, 1) - positive).mean();
}

}  // namespace gan
