#include "gan/train/precision_section.h"

#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace gan {
namespace {

TEST(PrecisionSectionTest, ReadsTheFormatAndLayoutAndScalesFp16Losses) {
  const nlohmann::json absent = nlohmann::json::object();
  ConfigReader defaults(absent, "precision");
  const PrecisionSection plain = ReadPrecisionSection(defaults);
  EXPECT_TRUE(defaults.Finish().ok());
  EXPECT_EQ(plain.mixed_precision, MixedPrecision::kNone);
  EXPECT_FALSE(plain.channels_last);
  EXPECT_FALSE(plain.loss_scaling());

  const nlohmann::json json = nlohmann::json::parse(R"({"mixed_precision": "fp16", "channels_last": true})");
  ConfigReader reader(json, "precision");
  const PrecisionSection half = ReadPrecisionSection(reader);
  EXPECT_TRUE(reader.Finish().ok());
  EXPECT_EQ(half.mixed_precision, MixedPrecision::kFloat16);
  EXPECT_TRUE(half.channels_last);
  EXPECT_TRUE(half.loss_scaling());

  const nlohmann::json bf16 = nlohmann::json::parse(R"({"mixed_precision": "bf16"})");
  ConfigReader bf16_reader(bf16, "precision");
  EXPECT_FALSE(ReadPrecisionSection(bf16_reader).loss_scaling()) << "bfloat16 has float32's range";
}

TEST(PrecisionSectionTest, ErrorsNameTheKey) {
  const nlohmann::json json = nlohmann::json::parse(R"({"mixed_precision": "fp8"})");
  ConfigReader reader(json, "precision");
  ReadPrecisionSection(reader);
  EXPECT_EQ(reader.Finish().message(),
            "config key 'precision.mixed_precision' must be none, bf16 or fp16, got 'fp8'");
  const nlohmann::json typo = nlohmann::json::parse(R"({"channel_last": true})");
  ConfigReader typo_reader(typo, "precision");
  ReadPrecisionSection(typo_reader);
  EXPECT_NE(std::string(typo_reader.Finish().message()).find("precision.channel_last"),
            std::string::npos);
}

}  // namespace
}  // namespace gan
