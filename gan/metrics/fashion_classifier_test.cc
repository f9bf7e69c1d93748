#include "gan/metrics/fashion_classifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gan/data/dataset_source.h"

namespace gan {
namespace {

TEST(ToClassifierInputTest, CropsPaddedImagesAndAveragesColour) {
  torch::Tensor padded = torch::full({1, 3, 32, 32}, -1.0);
  padded.slice(2, 2, 30).slice(3, 2, 30).fill_(0.5);
  padded[0][0][2][2] = 1.0;  // colour at the crop's corner: mean of (1, .5, .5)
  const torch::Tensor input = ToClassifierInput(padded);
  ASSERT_EQ(input.sizes(), (torch::IntArrayRef{1, 1, 28, 28}));
  EXPECT_NEAR(input[0][0][0][0].item<float>(), 2.0 / 3.0, 1e-6);
  EXPECT_NEAR(input[0][0][27][27].item<float>(), 0.5, 1e-6);
  // Other sizes are resized: a constant image stays constant.
  EXPECT_TRUE(torch::allclose(ToClassifierInput(torch::full({2, 1, 64, 64}, 0.25)),
                              torch::full({2, 1, 28, 28}, 0.25)));
}

// The committed weights are the ones README reports: at least 90% on the real test split.
TEST(FashionClassifierTest, CommittedWeightsClassifyTheTestSetAbove90Percent) {
  auto extractor = FashionClassifierExtractor::LoadDefault();
  ASSERT_TRUE(extractor.ok()) << extractor.status();
  EXPECT_THAT((*extractor)->name(), ::testing::StartsWith("fmnist-classifier (fnv1a64:"));
  DataOptions options;
  options.split = "test";
  auto test = LoadDataset(options);
  ASSERT_TRUE(test.ok()) << test.status();
  int64_t correct = 0;
  for (int64_t start = 0; start < test->size(); start += 1000) {
    const torch::Tensor images =
        test->images.slice(0, start, start + 1000).to(torch::kFloat) / 127.5 - 1;
    const ExtractedFeatures out = (*extractor)->Extract(images);
    ASSERT_EQ(out.features.sizes(), (torch::IntArrayRef{images.size(0), 128}));
    correct += (out.logits.argmax(1) == test->labels.slice(0, start, start + 1000)).sum().item<int64_t>();
  }
  const double accuracy = static_cast<double>(correct) / test->size();
  EXPECT_GE(accuracy, 0.90);
  EXPECT_NEAR(accuracy, 0.9150, 0.0005);  // the figure in README
}

TEST(FashionClassifierTest, MissingOrForeignWeightsAreNamed) {
  const auto missing = FashionClassifierExtractor::Load("/nonexistent/weights.pt");
  ASSERT_FALSE(missing.ok());
  EXPECT_THAT(std::string(missing.status().message()), ::testing::HasSubstr("/nonexistent/weights.pt"));
}

}  // namespace
}  // namespace gan
