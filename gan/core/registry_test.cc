#include "gan/core/registry.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace gan {
namespace {

TEST(RegistryTest, FindsWhatWasRegisteredAndListsNamesSorted) {
  Registry<int> registry("number");
  EXPECT_TRUE(registry.Register("two", 2));
  EXPECT_TRUE(registry.Register("one", 1));
  ASSERT_NE(registry.Find("two"), nullptr);
  EXPECT_EQ(*registry.Find("two"), 2);
  EXPECT_EQ(*registry.Find("one"), 1);
  EXPECT_EQ(registry.Find("three"), nullptr);
  EXPECT_EQ(registry.Names(), (std::vector<std::string>{"one", "two"}));
}

TEST(RegistryDeathTest, SecondRegistrationOfANameAbortsNamingIt) {
  Registry<int> registry("number");
  registry.Register("one", 1);
  EXPECT_DEATH(registry.Register("one", 2), "number 'one' is registered twice");
}

}  // namespace
}  // namespace gan
