#include "gan/losses/terms/loss_term.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace gan {
namespace {

using ::testing::HasSubstr;

TEST(LossTerms, EveryTermIsRegisteredOnce) {
  EXPECT_EQ(RegisteredLossTerms(),
            (std::vector<std::string>{"acgan", "bcr", "cr", "d2d_ce", "dragan", "drift",
                                      "feature_matching", "lecam", "orthogonal", "path_length", "r1",
                                      "wgan_gp", "zcr"}));
}

// Gradient accumulation refuses these: their value over a batch is not a mean over its
// images, or they count batches (path length's lazy schedule; R1's with an interval).
TEST(LossTerms, TermsOfWholeBatchesSaySo) {
  std::vector<std::string> whole_batch;
  for (const std::string& name : RegisteredLossTerms()) {
    if (LossTermByName(name)->term->needs_whole_batch()) whole_batch.push_back(name);
  }
  EXPECT_EQ(whole_batch,
            (std::vector<std::string>{"d2d_ce", "feature_matching", "lecam", "path_length"}));
  EXPECT_TRUE(LossTermByName("r1", {{"interval", 16}})->term->needs_whole_batch());
}

TEST(LossTerms, ReadsTermsInNameOrderWithTheirSettings) {
  const nlohmann::json section = nlohmann::json::parse(
      R"({"wgan_gp": {"weight": 5}, "drift": {}, "acgan": {"weight": 0.5}})");
  absl::StatusOr<LossTerms> terms = ReadLossTerms(section);
  ASSERT_TRUE(terms.ok()) << terms.status();
  ASSERT_EQ(terms->terms.size(), 3u);
  EXPECT_EQ(terms->terms[0].name, "acgan");
  EXPECT_EQ(terms->terms[1].name, "drift");
  EXPECT_EQ(terms->terms[2].name, "wgan_gp");
  EXPECT_EQ(terms->settings, nlohmann::json::parse(
                                 R"({"acgan": {"weight": 0.5}, "drift": {"weight": 0.001},
                                     "wgan_gp": {"weight": 5}})"));
  EXPECT_TRUE(ReadLossTerms(nullptr)->terms.empty());
  EXPECT_TRUE(ReadLossTerms(nlohmann::json::object())->terms.empty());
}

TEST(LossTerms, BadSectionsAreErrorsNamingTheKey) {
  absl::StatusOr<LossTerms> unknown = ReadLossTerms({{"r2", nlohmann::json::object()}});
  ASSERT_FALSE(unknown.ok());
  EXPECT_THAT(std::string(unknown.status().message()),
              HasSubstr("'terms.r2' is not a loss term; the terms are acgan, bcr, cr, d2d_ce"));
  absl::StatusOr<LossTerms> not_object = ReadLossTerms({{"r1", 10}});
  ASSERT_FALSE(not_object.ok());
  EXPECT_THAT(std::string(not_object.status().message()), HasSubstr("'terms.r1' must be an object"));
  EXPECT_FALSE(ReadLossTerms(nlohmann::json::array({"r1"})).ok());
  absl::StatusOr<LossTerms> wrong_type = ReadLossTerms({{"r1", {{"weight", "ten"}}}});
  ASSERT_FALSE(wrong_type.ok());
  EXPECT_THAT(std::string(wrong_type.status().message()), HasSubstr("terms.r1.weight"));
}

TEST(LossTerms, TrainedOutputsMustMatchTheDiscriminators) {
  const std::vector<NamedLossTerm> acgan = {*LossTermByName("acgan")};
  EXPECT_TRUE(CheckTrainedOutputs(acgan, {"class_logits"}).ok());
  EXPECT_TRUE(CheckTrainedOutputs({*LossTermByName("r1")}, {}).ok());

  const absl::Status missing = CheckTrainedOutputs(acgan, {});
  EXPECT_THAT(std::string(missing.message()),
              HasSubstr("terms.acgan trains the discriminator's class_logits"));
  const absl::Status untrained = CheckTrainedOutputs({}, {"embeddings", "proxies"});
  EXPECT_THAT(std::string(untrained.message()),
              HasSubstr("outputs embeddings, which no term in 'terms' trains"));
  EXPECT_THAT(std::string(untrained.message()), HasSubstr("terms.d2d_ce does"));
  EXPECT_FALSE(CheckTrainedOutputs(acgan, {"class_logits", "embeddings"}).ok());
}

}  // namespace
}  // namespace gan
