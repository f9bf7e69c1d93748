#include "gan/core/repeated_flag.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace gan {

std::vector<std::string> RepeatedFlagValues(int argc, char** argv, absl::string_view name) {
  std::vector<std::string> values;
  const auto add = [&](absl::string_view list) {
    // As Abseil parses a std::vector<std::string> flag: split at commas, "" is no items.
    if (list.empty()) return;
    for (absl::string_view item : absl::StrSplit(list, ',')) values.emplace_back(item);
  };
  for (int i = 1; i < argc; ++i) {
    absl::string_view arg = argv[i];
    if (arg == "--") break;
    if (!absl::ConsumePrefix(&arg, "--")) {
      if (!absl::ConsumePrefix(&arg, "-")) continue;
    }
    if (arg == name) {
      if (i + 1 < argc) add(argv[++i]);
    } else if (absl::ConsumePrefix(&arg, absl::StrCat(name, "="))) {
      add(arg);
    }
  }
  return values;
}

}  // namespace gan
