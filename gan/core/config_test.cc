#include "gan/core/config.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace gan {
namespace {

using ::testing::HasSubstr;

TEST(ConfigReaderTest, ReadsTypedValuesAndKeepsDefaults) {
  const nlohmann::json json = nlohmann::json::parse(
      R"({"batch_size": 32, "lr": 0.5, "name": "x", "flag": true, "sizes": [1, 2]})");
  ConfigReader reader(json, "train");
  int64_t batch_size = 0, absent = 7;
  double lr = 0;
  std::string name;
  bool flag = false;
  std::vector<int64_t> sizes;
  reader.Read("batch_size", &batch_size);
  reader.Read("lr", &lr);
  reader.Read("name", &name);
  reader.Read("flag", &flag);
  reader.Read("sizes", &sizes);
  reader.Read("absent", &absent);
  ASSERT_TRUE(reader.Finish().ok()) << reader.Finish();
  EXPECT_EQ(batch_size, 32);
  EXPECT_DOUBLE_EQ(lr, 0.5);
  EXPECT_EQ(name, "x");
  EXPECT_TRUE(flag);
  EXPECT_EQ(sizes, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(absent, 7);
}

TEST(ConfigReaderTest, ValuesHoldEveryKeyReadWithTheValueInForce) {
  const nlohmann::json json = nlohmann::json::parse(R"({"width": 8, "lr": 1, "head": "x"})");
  ConfigReader reader(json, "model");
  int64_t width = 64, latent = 100;
  int layers = 3;
  double lr = 0.5;
  bool norm = true;
  reader.Read("width", &width);
  reader.Read("latent_dim", &latent);  // absent: the default
  reader.Read("layers", &layers);
  reader.Read("lr", &lr);
  reader.Read("norm", &norm);
  const nlohmann::json expected = nlohmann::json::parse(
      R"({"width": 8, "latent_dim": 100, "layers": 3, "lr": 1.0, "norm": true})");
  EXPECT_EQ(reader.Values(), expected);  // "head" was not read
  EXPECT_TRUE(reader.Values()["lr"].is_number_float());
}

TEST(ConfigReaderTest, IntegerKeyAcceptsIntegerValuedDoubleAsNumber) {
  const nlohmann::json json = nlohmann::json::parse(R"({"lr": 1})");
  ConfigReader reader(json, "");
  double lr = 0;
  reader.Read("lr", &lr);
  EXPECT_TRUE(reader.Finish().ok());
  EXPECT_DOUBLE_EQ(lr, 1.0);
}

TEST(ConfigReaderTest, RejectsUnknownKeyNamingIt) {
  const nlohmann::json json = nlohmann::json::parse(R"({"bach_size": 32})");
  ConfigReader reader(json, "train");
  int64_t batch_size = 64;
  reader.Read("batch_size", &batch_size);
  const absl::Status status = reader.Finish();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("'train.bach_size'"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("batch_size"));
}

TEST(ConfigReaderTest, RejectsWrongTypeNamingKeyAndExpectation) {
  const nlohmann::json json = nlohmann::json::parse(R"({"epochs": "3", "lr": 1e-4})");
  ConfigReader reader(json, "train");
  int64_t epochs = 1;
  double lr = 0;
  reader.Read("epochs", &epochs);
  reader.Read("lr", &lr);
  const absl::Status status = reader.Finish();
  EXPECT_THAT(std::string(status.message()), HasSubstr("'train.epochs': expected an integer"));
  EXPECT_THAT(std::string(status.message()), HasSubstr("string"));
  EXPECT_EQ(epochs, 1);
}

TEST(ConfigReaderTest, RejectsFractionalIntegerAndNarrowingInt) {
  const nlohmann::json json = nlohmann::json::parse(R"({"a": 1.5, "b": 5000000000})");
  ConfigReader reader(json, "");
  int64_t a = 0;
  int b = 0;
  reader.Read("a", &a);
  EXPECT_THAT(std::string(reader.Finish().message()), HasSubstr("'a': expected an integer"));
  ConfigReader second(json, "");
  second.Read("a", &a);
  second.Read("b", &b);
  EXPECT_FALSE(second.Finish().ok());
}

TEST(ConfigReaderTest, RequireReportsMissingKey) {
  const nlohmann::json json = nlohmann::json::object();
  ConfigReader reader(json, "data");
  std::string dataset;
  reader.Require("dataset", &dataset);
  EXPECT_THAT(std::string(reader.Finish().message()), HasSubstr("'data.dataset' is required"));
}

TEST(ConfigReaderTest, ChildNamesNestedKeysAndRejectsNonObjects) {
  const nlohmann::json json = nlohmann::json::parse(R"({"model": {"z_dim": "big"}, "x": 3})");
  ConfigReader root(json, "");
  ConfigReader model = root.Child("model");
  int64_t z_dim = 0;
  model.Read("z_dim", &z_dim);
  EXPECT_THAT(std::string(model.Finish().message()), HasSubstr("'model.z_dim'"));
  ConfigReader x = root.Child("x");
  EXPECT_THAT(std::string(x.Finish().message()), HasSubstr("expected an object"));
}

TEST(ConfigReaderTest, InvalidRecordsValidationError) {
  const nlohmann::json json = nlohmann::json::object();
  ConfigReader reader(json, "train");
  reader.Invalid("batch_size", "must be positive, got -3");
  EXPECT_EQ(std::string(reader.Finish().message()),
            "config key 'train.batch_size' must be positive, got -3");
}

TEST(ApplyOverrideTest, ParsesJsonValuesAndBareStrings) {
  nlohmann::json config = nlohmann::json::parse(R"({"train": {"epochs": 1}, "data": {}})");
  ASSERT_TRUE(ApplyOverride("train.epochs=5", &config).ok());
  ASSERT_TRUE(ApplyOverride("data.dataset=mnist", &config).ok());
  ASSERT_TRUE(ApplyOverride("train.lr=2e-4", &config).ok());
  EXPECT_EQ(config["train"]["epochs"], 5);
  EXPECT_EQ(config["data"]["dataset"], "mnist");
  EXPECT_DOUBLE_EQ(config["train"]["lr"].get<double>(), 2e-4);
}

TEST(ApplyOverrideTest, RejectsMalformedAndMissingParents) {
  nlohmann::json config = nlohmann::json::parse(R"({"train": {"epochs": 1}})");
  EXPECT_THAT(std::string(ApplyOverride("train.epochs", &config).message()),
              HasSubstr("dotted.key=value"));
  EXPECT_THAT(std::string(ApplyOverride("train.epochs.x=3", &config).message()),
              HasSubstr("'train.epochs' is not an object"));
  ASSERT_TRUE(ApplyOverride("terms.r1.weight=0.9", &config).ok());
  EXPECT_EQ(config["terms"]["r1"]["weight"], 0.9);
  // Found by the config fuzzer: a bare string value that is not UTF-8 used to be accepted
  // and then threw from nlohmann::json::dump() when an error message described it.
  const absl::Status not_utf8 = ApplyOverride("train.batch_size=\xff\xfe", &config);
  EXPECT_EQ(not_utf8.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(not_utf8.message()), HasSubstr("not valid UTF-8"));
  EXPECT_FALSE(config["train"].contains("batch_size"));
  // Also from the fuzzer: a config that is not an object used to throw from operator[].
  nlohmann::json number = 5;
  EXPECT_THAT(std::string(ApplyOverride("train.epochs=1", &number).message()),
              HasSubstr("the config is a number, not an object"));
}

TEST(ParseJsonTest, ErrorNamesSource) {
  const auto parsed = ParseJson("{\"a\": }", "my_config.json");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("'my_config.json'"));
  // From the config fuzzer: a number too large for a double is nlohmann's out_of_range.
  const auto overflow = ParseJson("{\"a\": 5E400}", "big.json");
  ASSERT_FALSE(overflow.ok());
  EXPECT_THAT(std::string(overflow.status().message()), HasSubstr("'big.json' is not valid JSON"));
}

TEST(ReadJsonFileTest, MissingFileIsNamed) {
  const auto parsed = ReadJsonFile("/nonexistent/config.json");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(std::string(parsed.status().message()), HasSubstr("/nonexistent/config.json"));
}

}  // namespace
}  // namespace gan
