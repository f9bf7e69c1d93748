// Every value of a list flag given more than once. Abseil keeps only the last occurrence
// of a flag, so `--set=a=1 --set=b=2` would silently drop a=1; the experiment binaries
// read their overrides from argv with this instead, so that repeats add up.
//
//   RepeatedFlagValues(argc, argv, "set")  // {"a=1", "b=2"} for --set=a=1 --set b=2
#ifndef GAN_CORE_REPEATED_FLAG_H_
#define GAN_CORE_REPEATED_FLAG_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace gan {

// The comma-separated items of every `--name=v`, `--name v`, `-name=v` and `-name v` in
// argv[1..argc), in order, up to a lone "--" (what follows it is not flags, as for Abseil).
std::vector<std::string> RepeatedFlagValues(int argc, char** argv, absl::string_view name);

}  // namespace gan

#endif  // GAN_CORE_REPEATED_FLAG_H_
