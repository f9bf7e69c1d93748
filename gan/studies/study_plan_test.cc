#include "gan/studies/study_plan.h"

#include <string>
#include <vector>

#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gan/core/config.h"

namespace gan {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

nlohmann::json Study(const std::string& extra) {
  return nlohmann::json::parse(R"({"name": "s", "experiment": "dcgan_fashion_mnist",
                                   "seeds": [0, 7], "budget": {"epochs": 2})" +
                               extra + "}");
}

std::string Error(const nlohmann::json& json) {
  absl::StatusOr<StudyPlan> plan = ParseStudyPlan(json);
  return plan.ok() ? "" : std::string(plan.status().message());
}

// 2 losses x 2 n_dis = 4 conditions (keys alphabetical: loss before update.n_dis), x 2 seeds.
TEST(StudyPlanTest, AGridIsEveryCombinationTimesEverySeed) {
  absl::StatusOr<StudyPlan> plan =
      ParseStudyPlan(Study(R"(, "grid": {"update.n_dis": [1, 2], "loss": ["hinge", "bce"]})"));
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(plan->conditions,
              ElementsAre("loss=hinge,update.n_dis=1", "loss=hinge,update.n_dis=2",
                          "loss=bce,update.n_dis=1", "loss=bce,update.n_dis=2"));
  ASSERT_EQ(plan->runs.size(), 8u);
  EXPECT_EQ(plan->runs[3].condition, "loss=hinge,update.n_dis=2");
  EXPECT_EQ(plan->runs[3].seed, 7);
  EXPECT_THAT(plan->runs[3].settings, ElementsAre("loss=hinge", "update.n_dis=2"));
  EXPECT_EQ(plan->runs[3].directory, "loss=hinge,update.n_dis=2/seed_7");
  EXPECT_EQ(plan->budget.unit, "epochs");
  EXPECT_EQ(plan->budget.amount, 2);
}

TEST(StudyPlanTest, NamedConditionsKeepTheirSettingsAndNoneIsOneBaseCondition) {
  absl::StatusOr<StudyPlan> plan = ParseStudyPlan(Study(
      R"(, "conditions": {"joint": ["update.joint_batch_norm=true"], "separate": []})"));
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(plan->conditions, ElementsAre("joint", "separate"));
  EXPECT_THAT(plan->runs[0].settings, ElementsAre("update.joint_batch_norm=true"));
  EXPECT_TRUE(plan->runs[2].settings.empty());
  absl::StatusOr<StudyPlan> base = ParseStudyPlan(Study(""));
  ASSERT_TRUE(base.ok()) << base.status();
  EXPECT_THAT(base->conditions, ElementsAre("base"));
  EXPECT_EQ(base->runs[1].directory, "base/seed_7");
}

TEST(StudyPlanTest, BudgetsBecomeSettings) {
  EXPECT_THAT(BudgetSettings({"epochs", 3}, 64), ElementsAre("train.epochs=3", "train.max_iterations=0"));
  EXPECT_THAT(BudgetSettings({"iterations", 500}, 64), ElementsAre("train.max_iterations=500"));
  // 10,000 images at 64 a step: 156.25, rounded up.
  EXPECT_THAT(BudgetSettings({"images", 10000}, 64), ElementsAre("train.max_iterations=157"));
}

TEST(StudyPlanTest, ErrorsNameTheKey) {
  EXPECT_THAT(Error(Study(R"(, "grid": {"loss": []})")),
              HasSubstr("study key 'grid.loss' must be a non-empty list of values"));
  EXPECT_THAT(Error(Study(R"(, "grid": {"loss": ["bce"]}, "conditions": {"a": []})")),
              HasSubstr("'conditions' and 'grid' are both given"));
  EXPECT_THAT(Error(Study(R"(, "conditions": {"a": ["loss"]})")),
              HasSubstr("study key 'conditions.a' must be a list of \"key=value\", got \"loss\""));
  EXPECT_THAT(Error(Study(R"(, "seed": 1)")), HasSubstr("study key 'seed' is not one of:"));
  nlohmann::json repeated = Study("");
  repeated["seeds"] = {1, 1};
  EXPECT_THAT(Error(repeated), HasSubstr("'seeds' must be a list of distinct integers, got [1,1]"));
  nlohmann::json budget = Study("");
  budget["budget"] = {{"minutes", 5}};
  EXPECT_THAT(Error(budget), HasSubstr("study key 'budget' must be one of"));
  nlohmann::json clash = Study(R"(, "conditions": {"a/b": [], "a b": []})");
  EXPECT_THAT(Error(clash), HasSubstr("has two conditions in one directory: 'a_b'"));
  nlohmann::json nameless = Study("");
  nameless.erase("experiment");
  EXPECT_THAT(Error(nameless), HasSubstr("study key 'experiment' or 'experiments' must be given"));
  EXPECT_THAT(Error(Study(R"(, "experiments": ["lsgan"])")),
              HasSubstr("study key 'experiment' or 'experiments' must be given"));
  nlohmann::json path = Study("");
  path["experiment"] = "gan/experiments:lsgan";
  EXPECT_THAT(Error(path), HasSubstr("'experiment' must name experiments"));
  EXPECT_THAT(Error(Study(R"(, "grid": {"model.channels": ["1,2"]})")),
              HasSubstr("has a value with a comma, which --set cannot pass: 'model.channels=1,2'"));
  EXPECT_THAT(Error(Study(R"(, "evaluation": {"every_epochs": 1, "every_iterations": 5})")),
              HasSubstr("has more than one of 'every_epochs', 'every_iterations' and 'at_end'"));
  EXPECT_THAT(Error(Study(R"(, "evaluation": {"at_end": 1})")),
              HasSubstr("'evaluation.at_end' must be true or false, got 1"));
  EXPECT_THAT(Error(Study(R"(, "evaluation": {"samples": 0})")),
              HasSubstr("'evaluation.samples' must be an integer >= 1, got 0"));
  EXPECT_THAT(Error(Study(R"(, "evaluation": {"fid": true})")),
              HasSubstr("'evaluation.fid' is not one of"));
  nlohmann::json images = Study("");
  images["budget"] = {{"images", 6400}};
  EXPECT_THAT(Error(images), HasSubstr("needs 'every_epochs' or 'every_iterations' with a budget in images"));
}

TEST(StudyPlanTest, SeveralExperimentsAreConditionsNamedAfterThem) {
  nlohmann::json json = Study("");
  json.erase("experiment");
  json["experiments"] = {"lsgan", "wgan_gp"};
  absl::StatusOr<StudyPlan> plan = ParseStudyPlan(json);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(plan->conditions, ElementsAre("lsgan", "wgan_gp"));
  ASSERT_EQ(plan->runs.size(), 4u);
  EXPECT_EQ(plan->runs[2].experiment, "wgan_gp");
  EXPECT_EQ(plan->runs[2].directory, "wgan_gp/seed_0");
  json["conditions"] = {{"slow", {"optim.lr_g=1e-5"}}};
  plan = ParseStudyPlan(json);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(plan->conditions, ElementsAre("lsgan:slow", "wgan_gp:slow"));
}

TEST(StudyPlanTest, RunSettingsAddTheBudgetAndAnEvaluationWithAKeptCheckpointAtEachPoint) {
  absl::StatusOr<StudyPlan> plan = ParseStudyPlan(Study(
      R"(, "grid": {"loss": ["bce"]}, "evaluation": {"samples": 2000, "extractor": "fmnist-classifier"})"));
  ASSERT_TRUE(plan.ok()) << plan.status();
  // Epochs budget: every epoch by default; 2 evaluations, so 3 checkpoints kept.
  EXPECT_THAT(StudyRunSettings(*plan, plan->runs[0], 64),
              ElementsAre("loss=bce", "train.epochs=2", "train.max_iterations=0",
                          "output.evaluate_every_epochs=1", "output.evaluate_every=0",
                          "output.checkpoint_every_epochs=1", "output.checkpoint_every=0",
                          "output.keep_checkpoints=3", "output.evaluate_samples=2000",
                          "output.evaluate_extractor=fmnist-classifier"));
  nlohmann::json json = Study("");
  json["budget"] = {{"iterations", 1000}};
  plan = ParseStudyPlan(json);
  ASSERT_TRUE(plan.ok()) << plan.status();
  // Iterations budget: 5 evaluations by default, every 200.
  EXPECT_THAT(StudyRunSettings(*plan, plan->runs[0], 64),
              ElementsAre("train.max_iterations=1000", "output.evaluate_every=200",
                          "output.evaluate_every_epochs=0", "output.checkpoint_every=200",
                          "output.checkpoint_every_epochs=0", "output.keep_checkpoints=6",
                          "output.evaluate_samples=10000"));
  // Once at the end of 60,000 images: 938 iterations of 64 (rounded up), 469 of 128.
  json["budget"] = {{"images", 60000}};
  json["evaluation"] = {{"at_end", true}};
  plan = ParseStudyPlan(json);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(StudyRunSettings(*plan, plan->runs[0], 64),
              ElementsAre("train.max_iterations=938", "output.evaluate_every=938",
                          "output.evaluate_every_epochs=0", "output.checkpoint_every=938",
                          "output.checkpoint_every_epochs=0", "output.keep_checkpoints=2",
                          "output.evaluate_samples=10000"));
  EXPECT_THAT(StudyRunSettings(*plan, plan->runs[0], 128)[1], "output.evaluate_every=469");
}

}  // namespace
}  // namespace gan
