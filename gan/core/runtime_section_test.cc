#include "gan/core/runtime_section.h"

#include <string>

#include <gtest/gtest.h>

#include "gan/core/config_section_testing.h"

namespace gan {
namespace {

std::string ReadError(const std::string& section, RuntimeSection* read = nullptr) {
  return ReadSectionError(section, "runtime", ReadRuntimeSection, read);
}

TEST(RuntimeSectionTest, ReadsEveryKeyAndDefaultsToTheCpuWithAllCores) {
  RuntimeSection defaults;
  EXPECT_EQ(ReadError("{}", &defaults), "");
  EXPECT_EQ(defaults.device, "cpu");
  EXPECT_EQ(defaults.threads, 0);
  EXPECT_EQ(defaults.workers, 2);
  EXPECT_EQ(defaults.seed, 0);

  RuntimeSection set;
  EXPECT_EQ(ReadError(R"({"device": "cuda:1", "threads": 3, "workers": 0, "seed": 7})", &set), "");
  EXPECT_EQ(set.device, "cuda:1");
  EXPECT_EQ(set.threads, 3);
  EXPECT_EQ(set.workers, 0);
  EXPECT_EQ(set.seed, 7);
}

TEST(RuntimeSectionTest, ErrorsNameTheKey) {
  EXPECT_EQ(ReadError(R"({"threads": -1})"), "config key 'runtime.threads' must not be negative, got -1");
  EXPECT_EQ(ReadError(R"({"seed": -2})"), "config key 'runtime.seed' must not be negative, got -2");
  EXPECT_NE(ReadError(R"({"n_dis": 2})").find("unknown config key 'runtime.n_dis'"), std::string::npos);
}

}  // namespace
}  // namespace gan
