#include "gan/augment/augmentation.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace gan {
namespace {

using nlohmann::json;

std::string Error(const json& section) {
  const absl::StatusOr<AugmentSection> read = ReadAugmentSection(section);
  return read.ok() ? "" : std::string(read.status().message());
}

TEST(AugmentSectionTest, AbsentMeansNoneAndBuildsNothing) {
  const absl::StatusOr<AugmentSection> section = ReadAugmentSection(json());
  ASSERT_TRUE(section.ok()) << section.status();
  EXPECT_EQ(section->name, "none");
  const absl::StatusOr<std::shared_ptr<Augmentation>> augmentation = NewAugmentation(*section);
  ASSERT_TRUE(augmentation.ok());
  EXPECT_EQ(*augmentation, nullptr);
}

TEST(AugmentSectionTest, ANameAloneTakesTheDefaultsAndTheSettingsListThem) {
  const absl::StatusOr<AugmentSection> section = ReadAugmentSection("diffaugment");
  ASSERT_TRUE(section.ok()) << section.status();
  EXPECT_EQ(section->name, "diffaugment");
  EXPECT_EQ(section->settings,
            (json{{"name", "diffaugment"}, {"policy", "color,translation,cutout"},
                  {"translation_ratio", 0.125}, {"cutout_ratio", 0.5}}));
}

TEST(AugmentSectionTest, EachUpdaterGetsItsOwnInstance) {
  const absl::StatusOr<AugmentSection> section =
      ReadAugmentSection(json{{"name", "diffaugment"}, {"policy", "translation"}});
  ASSERT_TRUE(section.ok()) << section.status();
  const auto first = NewAugmentation(*section);
  const auto second = NewAugmentation(*section);
  ASSERT_TRUE(first.ok() && second.ok());
  ASSERT_NE(*first, nullptr);
  EXPECT_NE(first->get(), second->get());
}

TEST(AugmentSectionTest, ErrorsNameTheKeyAndTheChoices) {
  EXPECT_NE(Error("diffaug").find("'diffaug' is not an augmentation; they are none, diffaugment"),
            std::string::npos)
      << Error("diffaug");
  EXPECT_NE(Error(json{{"policy", "color"}}).find("config key 'augment' must name an augmentation"),
            std::string::npos);
  EXPECT_NE(Error(json::array()).find("config key 'augment' must name"), std::string::npos);
  const std::string typo = Error(json{{"name", "diffaugment"}, {"polcy", "color"}});
  EXPECT_NE(typo.find("augment.polcy"), std::string::npos) << typo;
  const std::string policy = Error(json{{"name", "diffaugment"}, {"policy", "color,flip"}});
  EXPECT_NE(policy.find("augment.policy"), std::string::npos) << policy;
  EXPECT_NE(policy.find("'augment.policy' is not a DiffAugment policy: 'color,flip' names 'flip'"),
            std::string::npos)
      << policy;
  const std::string ratio = Error(json{{"name", "diffaugment"}, {"cutout_ratio", 0}});
  EXPECT_NE(ratio.find("augment.cutout_ratio"), std::string::npos) << ratio;
  EXPECT_NE(Error(json{{"name", "none"}, {"policy", "color"}}).find("augment.policy"),
            std::string::npos);
}

}  // namespace
}  // namespace gan
