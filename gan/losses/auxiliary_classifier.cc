#include "gan/losses/auxiliary_classifier.h"

#include <torch/nn/functional/loss.h>

namespace gan {

torch::Tensor AuxiliaryClassifierLoss(const torch::Tensor& class_logits,
                                      const torch::Tensor& labels) {
  TORCH_CHECK(class_logits.dim() == 2, "AuxiliaryClassifierLoss: class_logits must be [N, C], got ",
              class_logits.sizes());
  TORCH_CHECK(labels.dim() == 1 && labels.size(0) == class_logits.size(0),
              "AuxiliaryClassifierLoss: labels must be [N] with N = ", class_logits.size(0),
              ", got ", labels.sizes());
  TORCH_CHECK(labels.scalar_type() == torch::kLong,
              "AuxiliaryClassifierLoss: labels must be int64, got ", labels.scalar_type());
  return torch::nn::functional::cross_entropy(class_logits, labels);
}

}  // namespace gan
