#include "gan/core/registry.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace gan {
namespace {

Registry<int>& Numbers() {
  static auto* registry = new Registry<int>("number");
  return *registry;
}

bool RegisterNumber(const std::string& name, int value) { return Numbers().Register(name, value); }

GAN_REGISTER_WITH(RegisterNumber, "seven", 7);

TEST(RegistryTest, RegistrationsFromStaticInitializersAreThereBeforeMain) {
  ASSERT_NE(Numbers().Find("seven"), nullptr);
  EXPECT_EQ(*Numbers().Find("seven"), 7);
}

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
