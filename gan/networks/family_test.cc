#include "gan/networks/family.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace gan {
namespace {

using ::testing::HasSubstr;

// A family that builds nothing and remembers its one setting.
class TestFamily : public NetworkFamily {
 public:
  explicit TestFamily(int64_t width) : width(width) {}
  absl::StatusOr<Networks> Build(const ImageShape&) const override {
    return absl::UnimplementedError("test family");
  }
  int64_t width;
};

absl::StatusOr<std::unique_ptr<NetworkFamily>> ReadTestFamily(ConfigReader& model) {
  int64_t width = 16;
  model.Read("width", &width);
  if (width == 13) return absl::FailedPreconditionError("the reader's own error");
  RequirePositive(model, "width", width);
  return std::make_unique<TestFamily>(width);
}

GAN_REGISTER_NETWORK_FAMILY("test_family", ReadTestFamily);
GAN_REGISTER_NETWORK_FAMILY("other_test_family", ReadTestFamily);

absl::StatusOr<ModelSection> Read(const char* json) {
  return ReadModelSection(nlohmann::json::parse(json));
}

TEST(NetworkFamilyTest, ReadsTheNamedFamilysKeysWithDefaultsInTheSettings) {
  const absl::StatusOr<ModelSection> model = Read(R"({"family": "test_family", "width": 8})");
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->family_name, "test_family");
  EXPECT_EQ(dynamic_cast<const TestFamily&>(*model->family).width, 8);
  EXPECT_EQ(model->settings, nlohmann::json::parse(R"({"family": "test_family", "width": 8})"));

  const absl::StatusOr<ModelSection> defaults = Read(R"({"family": "test_family"})");
  ASSERT_TRUE(defaults.ok()) << defaults.status();
  EXPECT_EQ(defaults->settings["width"], 16);  // the default is part of the architecture
}

TEST(NetworkFamilyTest, UnknownFamilyListsTheRegisteredOnes) {
  const absl::StatusOr<ModelSection> model = Read(R"({"family": "nope"})");
  ASSERT_FALSE(model.ok());
  EXPECT_THAT(std::string(model.status().message()),
              HasSubstr("'nope' is not a network family; the families are other_test_family, "
                        "test_family"));
  EXPECT_EQ(RegisteredNetworkFamilies(),
            (std::vector<std::string>{"other_test_family", "test_family"}));
}

TEST(NetworkFamilyTest, MissingOrMistypedFamilyIsNamed) {
  EXPECT_THAT(std::string(Read(R"({"width": 8})").status().message()),
              HasSubstr("config key 'model.family' is required: one of other_test_family, "
                        "test_family"));
  EXPECT_THAT(std::string(Read(R"({"family": 3})").status().message()),
              HasSubstr("'model.family': expected a string"));
  EXPECT_THAT(std::string(Read(R"([1])").status().message()), HasSubstr("expected an object"));
}

TEST(NetworkFamilyTest, KeysTheFamilyDoesNotReadAndInvalidValuesNameKeyAndFamily) {
  const std::string unknown(
      Read(R"({"family": "test_family", "mapping_layers": 8})").status().message());
  EXPECT_THAT(unknown, HasSubstr("unknown config key 'model.mapping_layers'"));
  EXPECT_THAT(unknown, HasSubstr("(model.family 'test_family')"));
  EXPECT_THAT(std::string(Read(R"({"family": "test_family", "width": -2})").status().message()),
              HasSubstr("config key 'model.width' must be positive, got -2"));
  EXPECT_THAT(std::string(Read(R"({"family": "test_family", "width": 13})").status().message()),
              HasSubstr("the reader's own error"));
}

TEST(NetworkFamilyDeathTest, RegisteringANameTwiceAborts) {
  EXPECT_DEATH(RegisterNetworkFamily("test_family", ReadTestFamily),
               "network family 'test_family' is registered twice");
}

}  // namespace
}  // namespace gan
