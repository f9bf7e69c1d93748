#include "gan/train/batch_parts.h"

#include <map>
#include <string>

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace gan {
namespace {

TEST(SplitBatchTest, PartsDifferByAtMostOneRowAndShareByTheirRows) {
  const std::vector<BatchPart> parts = SplitBatch(10, 3);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].begin, 0);
  EXPECT_EQ(parts[0].end, 3);
  EXPECT_EQ(parts[1].begin, 3);
  EXPECT_EQ(parts[1].end, 6);
  EXPECT_EQ(parts[2].begin, 6);
  EXPECT_EQ(parts[2].end, 10);
  EXPECT_DOUBLE_EQ(parts[0].share, 0.3);
  EXPECT_DOUBLE_EQ(parts[2].share, 0.4);
}

TEST(SplitBatchTest, NoMorePartsThanRowsAndOneWholePartForOne) {
  EXPECT_EQ(SplitBatch(2, 4).size(), 2u);
  const std::vector<BatchPart> whole = SplitBatch(5, 1);
  ASSERT_EQ(whole.size(), 1u);
  EXPECT_EQ(whole[0].share, 1.0);
  const torch::Tensor batch = torch::arange(5);
  EXPECT_TRUE(whole[0].Of(batch).is_same(batch));
  EXPECT_FALSE(SplitBatch(5, 2)[0].Of(torch::Tensor()).defined());
}

TEST(BackwardOverPartsTest, GradientLossAndLogsAreTheWholeBatchs) {
  const torch::Tensor x = torch::tensor({1.0, 2.0, 3.0, 4.0, 5.0}, torch::kDouble);
  const auto loss_of = [](const torch::Tensor& w, const torch::Tensor& rows) {
    return (w * rows).pow(2).mean();
  };
  // The oracle: the whole batch at once; d/dw mean((w x)^2) = 2 w mean(x^2) = 2 * 3 * 11.
  torch::Tensor w = torch::tensor(3.0, torch::dtype(torch::kDouble).requires_grad(true));
  std::map<std::string, torch::Tensor> logs;
  const torch::Tensor loss = BackwardOverParts(
      5, 2, logs, [](const torch::Tensor& weighted) { weighted.backward(); },
      [&](const BatchPart& part) {
        const torch::Tensor value = loss_of(w, part.Of(x));
        logs = {{"mean_x", part.Of(x).mean()}};
        return value;
      });
  EXPECT_NEAR(w.grad().item<double>(), 66.0, 1e-12);
  EXPECT_NEAR(loss.item<double>(), 9.0 * 11.0, 1e-12);
  EXPECT_FALSE(loss.requires_grad());
  EXPECT_NEAR(logs.at("mean_x").item<double>(), 3.0, 1e-12);
}

}  // namespace
}  // namespace gan
