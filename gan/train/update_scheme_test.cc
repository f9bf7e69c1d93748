#include "gan/train/update_scheme.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "gan/losses/loss_section.h"
#include "gan/train/alternating_scheme.h"

namespace gan {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<UpdateSection> Read(const std::string& text, const std::string& default_scheme) {
  return ReadUpdateSection(nlohmann::json::parse(text), default_scheme);
}

std::string Error(const std::string& text, const std::string& default_scheme = "alternating") {
  return std::string(Read(text, default_scheme).status().message());
}

const AlternatingUpdaterOptions& Alternating(const UpdateSection& section) {
  const auto* scheme = dynamic_cast<const AlternatingScheme*>(section.scheme.get());
  EXPECT_NE(scheme, nullptr) << section.scheme_name;
  static const AlternatingUpdaterOptions kNone;
  return scheme == nullptr ? kNone : scheme->options();
}

TEST(UpdateSchemeTest, BothSchemesAreRegistered) {
  EXPECT_EQ(RegisteredUpdateSchemes(), (std::vector<std::string>{"alternating", "energy"}));
}

TEST(UpdateSchemeTest, AnAbsentSectionTakesTheLossesScheme) {
  EXPECT_EQ(DefaultUpdateScheme(*ReadLossSection("hinge")), "alternating");
  EXPECT_EQ(DefaultUpdateScheme(*ReadLossSection("began")), "energy");
  absl::StatusOr<UpdateSection> energy = Read("null", "energy");
  ASSERT_TRUE(energy.ok()) << energy.status();
  EXPECT_EQ(energy->scheme_name, "energy");
  EXPECT_EQ(energy->scheme->iterations_per_generator_step(), 1);
  EXPECT_EQ(energy->scheme->batches_per_iteration(), 1);
  absl::StatusOr<UpdateSection> alternating = Read("{}", "alternating");
  ASSERT_TRUE(alternating.ok()) << alternating.status();
  EXPECT_EQ(Alternating(*alternating).n_dis, 1);
  EXPECT_FALSE(Alternating(*alternating).skip_nonfinite_steps);
}

TEST(UpdateSchemeTest, TheAlternatingSchemeReadsEveryKey) {
  absl::StatusOr<UpdateSection> section = Read(
      R"({"scheme": "alternating", "n_dis": 5, "generator_first": true, "weight_clip": 0.01,
          "joint_batch_norm": true, "unroll_steps": 3, "unroll_order": "second",
          "accumulation_steps": 4, "freeze_d_blocks": 2, "sync_batch_norm": true,
          "nonfinite": "skip", "max_skipped_steps": 7})",
      "energy");
  ASSERT_TRUE(section.ok()) << section.status();
  EXPECT_EQ(section->scheme_name, "alternating");
  const AlternatingUpdaterOptions& options = Alternating(*section);
  EXPECT_EQ(options.n_dis, 5);
  EXPECT_TRUE(options.generator_first);
  EXPECT_EQ(options.weight_clip, 0.01);
  EXPECT_TRUE(options.joint_batch_norm);
  EXPECT_EQ(options.unroll_steps, 3);
  EXPECT_EQ(options.unroll_order, UnrollOrder::kSecond);
  EXPECT_EQ(options.accumulation_steps, 4);
  EXPECT_EQ(options.freeze_d_blocks, 2);
  EXPECT_TRUE(options.sync_batch_norm);
  EXPECT_TRUE(options.skip_nonfinite_steps);
  EXPECT_EQ(options.max_skipped_steps, 7);
  // What the run's clocks count: G steps every n_dis iterations, K batches per iteration.
  EXPECT_EQ(section->scheme->iterations_per_generator_step(), 5);
  EXPECT_EQ(section->scheme->batches_per_iteration(), 4);
}

TEST(UpdateSchemeTest, TheEnergySchemeHasNoKeys) {
  absl::StatusOr<UpdateSection> shorthand = Read(R"("energy")", "alternating");
  ASSERT_TRUE(shorthand.ok()) << shorthand.status();
  EXPECT_EQ(shorthand->scheme_name, "energy");
  EXPECT_THAT(Error(R"({"n_dis": 2})", "energy"),
              HasSubstr("unknown config key 'update.n_dis'; known keys under 'update': scheme"));
  EXPECT_THAT(Error(R"({"scheme": "energy", "accumulation_steps": 2})"),
              HasSubstr("unknown config key 'update.accumulation_steps'"));
}

TEST(UpdateSchemeTest, ErrorsNameTheKeyAndTheChoices) {
  EXPECT_EQ(Error(R"({"scheme": "simultaneous"})"),
            "config key 'update.scheme': 'simultaneous' is not an update scheme; they are "
            "alternating, energy");
  EXPECT_EQ(Error(R"({"n_dis": 0})"), "config key 'update.n_dis' must be positive, got 0");
  EXPECT_EQ(Error(R"({"unroll_order": "third"})"),
            "config key 'update.unroll_order' must be first or second, got 'third'");
  EXPECT_EQ(Error(R"({"nonfinite": "ignore"})"),
            "config key 'update.nonfinite' must be stop or skip, got 'ignore'");
  EXPECT_EQ(Error(R"({"accumulation_steps": 0})"),
            "config key 'update.accumulation_steps' must be positive, got 0");
  EXPECT_THAT(Error("[1]"), HasSubstr("config key 'update' must be a scheme's name"));
  EXPECT_THAT(Error(R"({"n_dis": "5"})"), HasSubstr("update.n_dis"));
}

}  // namespace
}  // namespace gan
