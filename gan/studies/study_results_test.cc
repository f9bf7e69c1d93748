#include "gan/studies/study_results.h"

#include <cstdlib>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "gan/core/atomic_file.h"
#include "gan/core/run_directory.h"

namespace gan {
namespace {

using ::testing::ElementsAre;

TEST(StudyResultsTest, RowsPerEvaluationWithTheLossesLoggedAtOrBeforeIt) {
  const std::string dir = std::string(std::getenv("TEST_TMPDIR")) + "/results_study";
  StudyPlan plan;
  plan.conditions = {"loss=hinge,update.n_dis=2"};
  plan.runs = {{"dcgan_fashion_mnist", plan.conditions[0], {}, 3, "loss=hinge,update.n_dis=2/seed_3"},
               {"dcgan_fashion_mnist", plan.conditions[0], {}, 4, "loss=hinge,update.n_dis=2/seed_4"}};
  const std::string run = dir + "/" + plan.runs[0].directory;
  ASSERT_TRUE(MakeDirectories(run).ok());
  // Losses at 50 and 100, an evaluation at 100 (after its loss line, as the trainer writes
  // them), a loss line at 150 and an evaluation at 150 without KID. seed_4 has no log.
  ASSERT_TRUE(WriteFileAtomically(
                  run + "/log.jsonl",
                  "{\"iteration\":50,\"epoch\":0,\"seconds\":1,\"loss_d\":0.5,\"loss_g\":2}\n"
                  "{\"iteration\":100,\"epoch\":0,\"seconds\":2,\"loss_d\":0.25,\"loss_g\":1.5}\n"
                  "{\"iteration\":100,\"epoch\":0,\"fid\":30.125,\"is_mean\":2,\"kid_mean\":0.5}\n"
                  "{\"iteration\":150,\"epoch\":1,\"seconds\":3,\"loss_d\":0.1}\n"
                  "{\"iteration\":150,\"epoch\":1,\"fid\":0.1,\"is_mean\":3}\n")
                  .ok());
  const StudyResults results = CollectStudyResults(plan, dir);
  EXPECT_THAT(results.keys, ElementsAre("fid", "is_mean", "kid_mean", "loss_d", "loss_g"));
  ASSERT_EQ(results.rows.size(), 2u);
  EXPECT_EQ(results.rows[1].iteration, 150);
  EXPECT_EQ(results.rows[1].epoch, 1);
  // loss_g was last logged at 100: the row at 150 carries that value.
  EXPECT_EQ(results.rows[1].values.at("loss_g"), 1.5);
  EXPECT_EQ(results.rows[1].values.count("kid_mean"), 0u);
  EXPECT_EQ(results.curves.at(plan.conditions[0]).at("loss_d").at(3).size(), 3u);

  ASSERT_TRUE(WriteResultsCsv(results, dir + "/results.csv").ok());
  std::string csv;
  ASSERT_TRUE(ReadFile(dir + "/results.csv", &csv).ok());
  // The condition's comma is quoted; a value absent from a row is an empty field; the
  // doubles are written as logged (0.1 reads back as the same double).
  EXPECT_EQ(csv,
            "condition,seed,run,iteration,epoch,fid,is_mean,kid_mean,loss_d,loss_g\n"
            "\"loss=hinge,update.n_dis=2\",3,\"loss=hinge,update.n_dis=2/seed_3\",100,0,30.125,2,0.5,"
            "0.25,1.5\n"
            "\"loss=hinge,update.n_dis=2\",3,\"loss=hinge,update.n_dis=2/seed_3\",150,1,"
            "0.10000000000000001,3,,0.10000000000000001,1.5\n");
}

}  // namespace
}  // namespace gan
