#include "gan/train/precision_section.h"

#include <string>

#include <gtest/gtest.h>

#include "gan/core/config_section_testing.h"

namespace gan {
namespace {

// The section's error, or "" when it reads without one.
std::string ReadError(const std::string& section, PrecisionSection* read = nullptr) {
  return ReadSectionError(section, "precision", ReadPrecisionSection, read);
}

TEST(PrecisionSectionTest, ReadsTheFormatAndLayoutAndScalesFp16Losses) {
  PrecisionSection plain;
  EXPECT_EQ(ReadError("{}", &plain), "");
  EXPECT_EQ(plain.mixed_precision, MixedPrecision::kNone);
  EXPECT_FALSE(plain.channels_last);
  EXPECT_FALSE(plain.loss_scaling());

  PrecisionSection half;
  EXPECT_EQ(ReadError(R"({"mixed_precision": "fp16", "channels_last": true})", &half), "");
  EXPECT_EQ(half.mixed_precision, MixedPrecision::kFloat16);
  EXPECT_TRUE(half.channels_last);
  EXPECT_TRUE(half.loss_scaling());

  PrecisionSection bf16;
  ReadError(R"({"mixed_precision": "bf16"})", &bf16);
  EXPECT_FALSE(bf16.loss_scaling()) << "bfloat16 has float32's range";
}

TEST(PrecisionSectionTest, ErrorsNameTheKey) {
  EXPECT_EQ(ReadError(R"({"mixed_precision": "fp8"})"),
            "config key 'precision.mixed_precision' must be none, bf16 or fp16, got 'fp8'");
  EXPECT_NE(ReadError(R"({"channel_last": true})").find("precision.channel_last"),
            std::string::npos);
}

}  // namespace
}  // namespace gan
