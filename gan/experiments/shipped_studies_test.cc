// The studies shipped in studies/: each parses and names experiments of this package.
#include <dirent.h>

#include <algorithm>
#include <string>

#include <gtest/gtest.h>

#include "gan/core/config.h"
#include "gan/core/runfiles.h"
#include "gan/experiments/experiment_test_support.h"
#include "gan/studies/study_plan.h"

namespace gan {
namespace {

TEST(ShippedStudiesTest, ParseAndNameShippedExperiments) {
  const std::string dir = FindRunfile("gan/experiments/studies").value();
  DIR* handle = opendir(dir.c_str());
  ASSERT_NE(handle, nullptr) << dir;
  int count = 0;
  while (dirent* entry = readdir(handle)) {
    const std::string name = entry->d_name;
    if (name.size() < 5 || name.substr(name.size() - 5) != ".json") continue;
    ++count;
    absl::StatusOr<nlohmann::json> json = ReadJsonFile(dir + "/" + name);
    ASSERT_TRUE(json.ok()) << json.status();
    absl::StatusOr<StudyPlan> plan = ParseStudyPlan(*json);
    ASSERT_TRUE(plan.ok()) << name << ": " << plan.status();
    EXPECT_EQ(plan->name + ".json", name) << "a study file is named after its study";
    for (const std::string& experiment : plan->experiments) {
      EXPECT_NE(std::find(AllExperiments().begin(), AllExperiments().end(), experiment),
                AllExperiments().end())
          << name << ": " << experiment;
    }
  }
  closedir(handle);
  EXPECT_GE(count, 2);
}

}  // namespace
}  // namespace gan
