// Gradient accumulation: a step over a batch taken as K consecutive parts in turn, each
// part's loss backpropagated with weight (its rows / the batch's rows), so that the
// gradients summed over the parts are the whole batch's for a loss that is a mean over
// images, with the activations of one part in memory.
//
//   torch::Tensor loss = BackwardOverParts(n, k, logs, backward, [&](const BatchPart& part) {
//     return Loss(part.Of(real), part.Of(latents));   // sets `logs` for this part
//   });
#ifndef GAN_TRAIN_BATCH_PARTS_H_
#define GAN_TRAIN_BATCH_PARTS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <torch/types.h>

namespace gan {

// Rows [begin, end) of a batch, whose loss counts with weight `share`.
struct BatchPart {
  int64_t begin, end;
  double share;
  torch::Tensor Of(const torch::Tensor& batch) const;  // undefined stays undefined
  torch::Tensor Weighted(const torch::Tensor& value) const;
  // total + Weighted(value); Weighted(value) when `total` is undefined.
  torch::Tensor Accumulate(const torch::Tensor& total, const torch::Tensor& value) const;
};

// min(count, n) parts of a batch of n rows whose sizes differ by at most one row; one
// part, the whole batch with share 1, for count 1.
std::vector<BatchPart> SplitBatch(int64_t n, int count);

// For each part of a batch of n rows: its loss `part_loss(part)`, backpropagated by
// `backward` with the part's weight. Returns the whole batch's loss (detached), and sets
// `logs`, which `part_loss` sets for each part, to the whole batch's values.
torch::Tensor BackwardOverParts(
    int64_t n, int count, std::map<std::string, torch::Tensor>& logs,
    const std::function<void(const torch::Tensor&)>& backward,
    const std::function<torch::Tensor(const BatchPart&)>& part_loss);

}  // namespace gan

#endif  // GAN_TRAIN_BATCH_PARTS_H_
