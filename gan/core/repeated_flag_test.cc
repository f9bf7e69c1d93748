#include "gan/core/repeated_flag.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace gan {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> ValuesOf(std::vector<std::string> words) {
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  return RepeatedFlagValues(static_cast<int>(argv.size()), argv.data(), "set");
}

TEST(RepeatedFlagValuesTest, EveryOccurrenceInOrderWithItsCommaSeparatedItems) {
  EXPECT_THAT(ValuesOf({"bin", "--set=a=1,b=2", "--epochs=2", "--set", "c=3", "-set=d=4", "-set", "e=5"}),
              ElementsAre("a=1", "b=2", "c=3", "d=4", "e=5"));
}

TEST(RepeatedFlagValuesTest, OtherFlagsAndWhatFollowsADoubleDashAreNotValues) {
  // --settings and --offset=... merely start or end like the flag; "--" ends the flags.
  EXPECT_THAT(ValuesOf({"bin", "--settings=x", "--offset=y", "set=z", "--set=", "--", "--set=w"}), IsEmpty());
  // A trailing --set with nothing after it has no value (Abseil reports it missing).
  EXPECT_THAT(ValuesOf({"bin", "--set"}), IsEmpty());
}

}  // namespace
}  // namespace gan
