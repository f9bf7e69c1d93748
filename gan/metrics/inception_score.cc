#include "gan/metrics/inception_score.h"

#include <cmath>

#include <ATen/CPUGeneratorImpl.h>
#include <torch/utils.h>

namespace gan {
namespace {

void CheckInput(const torch::Tensor& t, const char* name, const InceptionScoreOptions& options,
                const char* caller) {
  TORCH_CHECK(t.defined(), caller, ": ", name, " are undefined");
  TORCH_CHECK(t.dim() == 2 && t.size(1) > 0, caller, ": ", name, " must be [N, K], got ",
              t.sizes());
  TORCH_CHECK(at::isFloatingType(t.scalar_type()), caller, ": ", name,
              " must be floating point, got ", t.scalar_type());
  TORCH_CHECK(options.splits >= 1, caller, ": splits must be >= 1, got ", options.splits);
  TORCH_CHECK(t.size(0) >= options.splits, caller, ": need at least one sample per split, got N = ",
              t.size(0), " for ", options.splits, " splits");
}

torch::Tensor MaybeShuffle(const torch::Tensor& t, const InceptionScoreOptions& options) {
  if (!options.shuffle) return t;
  at::Generator generator = at::detail::createCPUGenerator(options.seed);
  const torch::Tensor order =
      torch::randperm(t.size(0), generator, torch::TensorOptions().dtype(torch::kLong));
  return t.index_select(0, order.to(t.device()));
}

// p, log_p: [N, K] float64 with log_p = log p (0 log 0 handled by the caller's log_p).
InceptionScoreResult ScoreSplits(const torch::Tensor& p, const torch::Tensor& log_p,
                                 int64_t splits) {
  const int64_t n = p.size(0);
  InceptionScoreResult result;
  for (int64_t i = 0; i < splits; ++i) {
    const int64_t begin = i * n / splits;
    const int64_t end = (i + 1) * n / splits;
    const torch::Tensor p_chunk = p.slice(0, begin, end);
    const torch::Tensor log_p_chunk = log_p.slice(0, begin, end);
    const torch::Tensor marginal = p_chunk.mean(0, /*keepdim=*/true);  // p(y), [1, K]
    // KL(p(y|x) || p(y)) = sum_y p log p - p log p(y); xlogy keeps 0 * log 0 = 0 where a
    // class has zero marginal (then p(y|x) = 0 too).
    const torch::Tensor kl =
        (p_chunk * log_p_chunk - torch::xlogy(p_chunk, marginal.expand_as(p_chunk))).sum(1);
    result.split_scores.push_back(std::exp(kl.mean().item<double>()));
  }
  double sum = 0;
  for (double s : result.split_scores) sum += s;
  result.mean = sum / static_cast<double>(splits);
  double squares = 0;
  for (double s : result.split_scores) squares += (s - result.mean) * (s - result.mean);
  result.std = std::sqrt(squares / static_cast<double>(splits));
  return result;
}

}  // namespace

InceptionScoreResult InceptionScore(const torch::Tensor& logits,
                                    const InceptionScoreOptions& options) {
  CheckInput(logits, "logits", options, "InceptionScore");
  torch::NoGradGuard no_grad;
  const torch::Tensor x = MaybeShuffle(logits.detach().to(torch::kDouble), options);
  const torch::Tensor log_p = torch::log_softmax(x, 1);
  return ScoreSplits(log_p.exp(), log_p, options.splits);
}

InceptionScoreResult InceptionScoreFromProbabilities(const torch::Tensor& probabilities,
                                                     const InceptionScoreOptions& options) {
  CheckInput(probabilities, "probabilities", options, "InceptionScoreFromProbabilities");
  torch::NoGradGuard no_grad;
  const torch::Tensor p = MaybeShuffle(probabilities.detach().to(torch::kDouble), options);
  TORCH_CHECK(p.min().item<double>() >= 0.0,
              "InceptionScoreFromProbabilities: probabilities must be >= 0");
  const double worst_sum_error = (p.sum(1) - 1.0).abs().max().item<double>();
  TORCH_CHECK(worst_sum_error <= 1e-4,
              "InceptionScoreFromProbabilities: each row must sum to 1, a row is off by ",
              worst_sum_error);
  // p log p with 0 log 0 = 0: xlogy(p, p) / p would divide by zero, so pass log p where
  // p > 0 and 0 elsewhere (multiplied by p = 0 anyway).
  const torch::Tensor log_p = torch::where(p > 0, p.log(), torch::zeros_like(p));
  return ScoreSplits(p, log_p, options.splits);
}

}  // namespace gan
