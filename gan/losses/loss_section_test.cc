#include "gan/losses/loss_section.h"

#include <cmath>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace gan {
namespace {

using ::testing::HasSubstr;

std::string Error(const nlohmann::json& section) {
  absl::StatusOr<LossSection> loss = ReadLossSection(section);
  EXPECT_FALSE(loss.ok()) << section.dump();
  return loss.ok() ? "" : std::string(loss.status().message());
}

TEST(LossSection, ANameIsTheLossWithItsDefaults) {
  absl::StatusOr<LossSection> hinge = ReadLossSection("hinge");
  ASSERT_TRUE(hinge.ok()) << hinge.status();
  EXPECT_EQ(hinge->name, "hinge");
  ASSERT_TRUE(hinge->adversarial.has_value());
  EXPECT_FALSE(hinge->energy.has_value());
  // hinge D loss: relu(1 - 2) + relu(1 + (-3)) = 0 + 0; relu(1 - 0.5) + relu(1 + 0.5) = 2.
  EXPECT_FLOAT_EQ(hinge->adversarial->discriminator(torch::tensor({0.5}), torch::tensor({0.5}))
                      .item<float>(),
                  2.0f);
}

TEST(LossSection, BceReadsItsLabelSmoothingTargets) {
  absl::StatusOr<LossSection> bce = ReadLossSection({{"name", "bce"}, {"real_target", 0.9}});
  ASSERT_TRUE(bce.ok()) << bce.status();
  const double r = 0.3, f = -0.2;  // BCE against targets 0.9 (real) and 0 (fake), by hand
  const double sr = 1 / (1 + std::exp(-r)), sf = 1 / (1 + std::exp(-f));
  const double expected = -(0.9 * std::log(sr) + 0.1 * std::log(1 - sr)) - std::log(1 - sf);
  EXPECT_NEAR(bce->adversarial->discriminator(torch::tensor({r}, torch::kDouble),
                                              torch::tensor({f}, torch::kDouble))
                  .item<double>(),
              expected, 1e-9);
}

TEST(LossSection, EnergyLossesReadTheirOwnOptions) {
  absl::StatusOr<LossSection> ebgan =
      ReadLossSection({{"name", "ebgan"}, {"margin", 2.0}, {"pull_away_weight", 0.0}});
  ASSERT_TRUE(ebgan.ok()) << ebgan.status();
  ASSERT_TRUE(ebgan->energy.has_value());
  EXPECT_FALSE(ebgan->adversarial.has_value());
  EXPECT_EQ(ebgan->energy->kind, EnergyLoss::kEbgan);
  EXPECT_EQ(ebgan->energy->ebgan.margin, 2.0);
  EXPECT_EQ(ebgan->energy->ebgan.pull_away_weight, 0.0);
  absl::StatusOr<LossSection> began = ReadLossSection({{"name", "began"}, {"gamma", 0.7}});
  ASSERT_TRUE(began.ok()) << began.status();
  EXPECT_EQ(began->energy->kind, EnergyLoss::kBegan);
  EXPECT_EQ(began->energy->began.gamma, 0.7);
  EXPECT_EQ(began->energy->began.lambda_k, 0.001);
}

TEST(LossSection, ErrorsNameTheKeyAndListTheLosses) {
  EXPECT_THAT(Error("hinje"), HasSubstr("'loss.name': 'hinje' is not a loss; the losses are bce, "
                                        "bce_minimax, hinge, lsgan, lsgan_m101, wasserstein"));
  EXPECT_THAT(Error("hinje"), HasSubstr("began, ebgan (autoencoders)"));
  EXPECT_THAT(Error({{"real_target", 0.9}}), HasSubstr("config key 'loss' must name a loss"));
  EXPECT_THAT(Error(3), HasSubstr("config key 'loss' must name a loss"));
  EXPECT_THAT(Error({{"name", 3}}), HasSubstr("loss.name"));
  EXPECT_THAT(Error({{"name", "hinge"}, {"real_target", 0.9}}),
              HasSubstr("applies to the bce losses only, not 'hinge'"));
  EXPECT_THAT(Error({{"name", "bce"}, {"real_target", 1.5}}),
              HasSubstr("'loss.real_target' must be in [0, 1], got 1.5"));
  EXPECT_THAT(Error({{"name", "began"}, {"margin", 1.0}}), HasSubstr("loss.margin"));
  EXPECT_THAT(Error({{"name", "ebgan"}, {"margin", -1.0}}), HasSubstr("'loss.margin'"));
}

}  // namespace
}  // namespace gan
