#include "gan/train/mixed_precision.h"

#include <gtest/gtest.h>

#include "gan/core/torch_compat.h"

namespace gan {
namespace {

TEST(AutocastScopeTest, ConvolutionsRunInBfloat16InsideAndFloat32After) {
  const torch::Tensor x = torch::randn({1, 3, 8, 8});
  const torch::Tensor w = torch::randn({4, 3, 3, 3});
  {
    AutocastScope autocast(torch::kCPU, MixedPrecision::kBfloat16);
    EXPECT_EQ(torch::conv2d(x, w).scalar_type(), torch::kBFloat16);
    EXPECT_EQ(torch::matmul(x.view({3, 64}).t(), torch::randn({3, 2})).scalar_type(),
              torch::kBFloat16);
  }
  EXPECT_FALSE(IsAutocastEnabled(c10::DeviceType::CPU));
  EXPECT_EQ(torch::conv2d(x, w).scalar_type(), torch::kFloat);
  {
    AutocastScope none(torch::kCPU, MixedPrecision::kNone);
    EXPECT_EQ(torch::conv2d(x, w).scalar_type(), torch::kFloat);
  }
}

TEST(AutocastScopeTest, ParsesNamesAndRefusesFloat16OnTheCpu) {
  MixedPrecision precision;
  ASSERT_TRUE(ParseMixedPrecision("bf16", &precision));
  EXPECT_EQ(precision, MixedPrecision::kBfloat16);
  ASSERT_TRUE(ParseMixedPrecision("fp16", &precision));
  EXPECT_EQ(precision, MixedPrecision::kFloat16);
  EXPECT_FALSE(ParseMixedPrecision("fp8", &precision));
  EXPECT_THROW(AutocastScope(torch::kCPU, MixedPrecision::kFloat16), c10::Error);
  EXPECT_FALSE(IsAutocastEnabled(c10::DeviceType::CPU));
}

}  // namespace
}  // namespace gan
