// ReACGAN's Data-to-Data Cross-Entropy (Kang et al. 2021, "Rebooting ACGAN").
// For L2-normalized sample embeddings f_i, the normalized proxy v_{y_i} of each sample's
// class, temperature tau and positive margin m_p (negative margin m_n = 1 - m_p):
//
//   L = -(1/N) sum_i log( e^{P_i} / (e^{P_i} + sum_{j: y_j != y_i} e^{N_ij}) ),
//   P_i  = min(f_i.v_{y_i} - m_p, 0) / tau,   N_ij = max(f_i.f_j - m_n, 0) / tau.
//
// Unlike ACGAN's cross-entropy over class weights, it compares samples with each other
// (data-to-data) and stops pushing once a pair is beyond its margin, which keeps the
// embeddings from collapsing and D's gradients from exploding. Samples sharing a label
// are no negatives ("false negative mask").
//
//   namespace F = torch::nn::functional;
//   torch::Tensor f = F::normalize(embed, F::NormalizeFuncOptions().dim(1));
//   torch::Tensor v = F::normalize(proxy_table(labels), F::NormalizeFuncOptions().dim(1));
//   torch::Tensor loss = D2dCrossEntropy(f, v, labels);  // margin 0.98, temperature 0.5
#ifndef GAN_LOSSES_D2D_CE_H_
#define GAN_LOSSES_D2D_CE_H_

#include <torch/types.h>

namespace gan {

// Two forms of the loss:
//   kPaper      the formula above.
//   kStudioGan  the arithmetic of the authors' implementation (PyTorch-StudioGAN's
//               Data2DataCrossEntropyLoss), which produced the published ReACGAN
//               results: with S_ij = (f_i.f_j - m_n) / tau over j != i and
//               M_i = max_{j != i} S_ij (same-class pairs included, taken before the
//               ReLU, no gradient), the negatives are e^{relu(S_ij) - M_i} while the
//               positive keeps e^{P_i}:
//                 L_i = -P_i + log(e^{P_i} + sum_{j: y_j != y_i} e^{relu(S_ij) - M_i}).
//               Not a stability shift: it changes the value and the gradients.
// StudioGAN's margin and temperature.
struct D2dCrossEntropyOptions {
  enum class Form { kPaper, kStudioGan };
  double margin = 0.98;      // m_p; the negative margin is 1 - m_p
  double temperature = 0.5;  // tau > 0
  Form form = Form::kPaper;
};

// [N, N] bool: true where j != i and labels[j] != labels[i], i.e. j is a true negative
// of i. labels: integer [N].
torch::Tensor FalseNegativeMask(const torch::Tensor& labels);

// embeddings: [N, d] and proxies: [N, d] (row i = proxy of labels[i]), both already
// L2-normalized along d (the ReACGAN head normalizes; this function does not);
// labels: integer [N]. Returns the scalar mean loss; differentiable in embeddings and
// proxies. Computed with logsumexp, so small temperatures do not overflow.
torch::Tensor D2dCrossEntropy(const torch::Tensor& embeddings, const torch::Tensor& proxies,
                              const torch::Tensor& labels,
                              const D2dCrossEntropyOptions& options = {});

}  // namespace gan

#endif  // GAN_LOSSES_D2D_CE_H_
