// Inception Score (Salimans et al. 2016) from a classifier's logits:
//
//   IS = exp( E_x KL( p(y|x) || p(y) ) ),  p(y|x) = softmax(logits),  p(y) = E_x p(y|x),
//
// evaluated separately on `splits` consecutive chunks and reported as the mean and the
// population standard deviation (numpy.std, ddof = 0) of the per-chunk scores, all in
// float64. This is the protocol of the original TF code (openai/improved-gan) and of
// torch-fidelity's isc_features_to_metric:
//  * chunk i holds rows [floor(i N / splits), floor((i + 1) N / splits)), so when N is
//    not divisible the chunk sizes differ by at most one and are spread over the chunks
//    (there is no "last chunk takes the rest"); N >= splits is required (an empty chunk
//    would make the reference produce NaN);
//  * p(y) is the mean of p(y|x) within the chunk; log p(y|x) comes from log_softmax, as in
//    torch-fidelity (the TF code takes log of the softmax; this avoids 0 * log 0 = NaN).
// torch-fidelity shuffles the rows first by default (numpy RandomState(2020)); the TF
// code does not. Here shuffling is off by default and, when on, uses a torch CPU generator
// seeded with `seed`, so the split assignment differs from torch-fidelity's (the mean
// score barely depends on it; the std does).
//
//   gan::InceptionScoreResult is = gan::InceptionScore(extracted.logits);  // [N, K]
//   std::cout << is.mean << " +- " << is.std;
#ifndef GAN_METRICS_INCEPTION_SCORE_H_
#define GAN_METRICS_INCEPTION_SCORE_H_

#include <cstdint>
#include <vector>

#include <torch/types.h>

namespace gan {

struct InceptionScoreOptions {
  int64_t splits = 10;
  bool shuffle = false;  // permute the rows (seeded) before splitting
  uint64_t seed = 0;
};

struct InceptionScoreResult {
  double mean = 0;
  double std = 0;  // population (ddof 0)
  std::vector<double> split_scores;
};

// logits: [N, K] floating, any device; N >= splits. Throws c10::Error on bad input.
InceptionScoreResult InceptionScore(const torch::Tensor& logits,
                                    const InceptionScoreOptions& options = {});

// The same from class probabilities [N, K] (rows sum to 1, entries >= 0), with
// 0 log 0 = 0 so exactly one-hot rows are allowed.
InceptionScoreResult InceptionScoreFromProbabilities(const torch::Tensor& probabilities,
                                                     const InceptionScoreOptions& options = {});

}  // namespace gan

#endif  // GAN_METRICS_INCEPTION_SCORE_H_
