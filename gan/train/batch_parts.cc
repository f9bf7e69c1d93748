#include "gan/train/batch_parts.h"

#include <algorithm>
#include <utility>

namespace gan {

torch::Tensor BatchPart::Of(const torch::Tensor& batch) const {
  if (!batch.defined() || share == 1.0) return batch;
  return batch.slice(0, begin, end);
}

torch::Tensor BatchPart::Weighted(const torch::Tensor& value) const {
  return share == 1.0 ? value : value * share;
}

torch::Tensor BatchPart::Accumulate(const torch::Tensor& total, const torch::Tensor& value) const {
  return total.defined() ? total + Weighted(value) : Weighted(value);
}

std::vector<BatchPart> SplitBatch(int64_t n, int count_wanted) {
  const int64_t count = std::min<int64_t>(count_wanted, n);
  std::vector<BatchPart> parts;
  for (int64_t k = 0; k < count; ++k) {
    const int64_t begin = n * k / count, end = n * (k + 1) / count;
    parts.push_back({begin, end, count == 1 ? 1.0 : static_cast<double>(end - begin) / n});
  }
  return parts;
}

torch::Tensor BackwardOverParts(
    int64_t n, int count, std::map<std::string, torch::Tensor>& logs,
    const std::function<void(const torch::Tensor&)>& backward,
    const std::function<torch::Tensor(const BatchPart&)>& part_loss) {
  torch::Tensor loss;
  std::map<std::string, torch::Tensor> totals;
  for (const BatchPart& part : SplitBatch(n, count)) {
    const torch::Tensor value = part_loss(part);
    backward(part.Weighted(value));
    loss = part.Accumulate(loss, value.detach());
    for (const auto& [name, logged] : logs) totals[name] = part.Accumulate(totals[name], logged);
  }
  logs = std::move(totals);
  return loss;
}

}  // namespace gan
