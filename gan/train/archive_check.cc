#include "gan/train/archive_check.h"

#include <cctype>
#include <deque>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <caffe2/serialize/inline_container.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace gan {
namespace {

constexpr int kMaxNesting = 32;
constexpr char kClassPrefix[] = "__torch__.";

bool IsIdentifierChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The class file of a qualified name: "__torch__.a" lives in code/__torch__/a.py.
std::string ClassFile(const std::string& qualified) {
  return "code/__torch__/" + qualified.substr(sizeof(kClassPrefix) - 1) + ".py";
}

// The "__torch__.<name>" modules a class file refers to.
std::set<std::string> References(const std::string& code) {
  std::set<std::string> found;
  size_t at = 0;
  while ((at = code.find(kClassPrefix, at)) != std::string::npos) {
    size_t end = at + sizeof(kClassPrefix) - 1;
    while (end < code.size() && IsIdentifierChar(code[end])) ++end;
    if (end > at + sizeof(kClassPrefix) - 1) found.insert(code.substr(at, end - at));
    at = end;
  }
  return found;
}

int MaxNesting(const std::string& code) {
  int depth = 0, deepest = 0;
  for (char c : code) {
    if (c == '(' || c == '[' || c == '{') deepest = std::max(deepest, ++depth);
    if (c == ')' || c == ']' || c == '}') --depth;
  }
  return deepest;
}

}  // namespace

absl::Status CheckArchiveStructure(const std::string& path) {
  auto problem = [&path](const std::string& what) {
    return absl::DataLossError(absl::StrCat("'", path, "' is not a valid LibTorch archive: ", what));
  };
  try {
    caffe2::serialize::PyTorchStreamReader reader(path);
    const std::vector<std::string> records = reader.getAllRecords();
    const std::set<std::string> names(records.begin(), records.end());
    if (names.size() != records.size()) return problem("it has duplicate entry names");

    // Class file -> the class files it refers to; every reference must exist.
    std::map<std::string, std::set<std::string>> edges;
    for (const std::string& name : records) {
      if (!absl::StartsWith(name, "code/__torch__") || !absl::EndsWith(name, ".py")) continue;
      auto [data, size] = reader.getRecord(name);
      const std::string code(static_cast<const char*>(data.get()), size);
      if (MaxNesting(code) > kMaxNesting) {
        return problem(absl::StrCat("'", name, "' nests brackets more than ", kMaxNesting, " deep"));
      }
      std::set<std::string>& targets = edges[name];
      for (const std::string& reference : References(code)) {
        const std::string file = ClassFile(reference);
        if (names.count(file) == 0) {
          return problem(absl::StrCat("'", name, "' refers to ", reference,
                                      ", which the archive does not define"));
        }
        if (file != name) targets.insert(file);
      }
    }
    // Kahn's algorithm: whatever cannot be ordered lies on a cycle.
    std::map<std::string, int> incoming;
    for (const auto& [from, targets] : edges) {
      incoming.emplace(from, 0);
      for (const std::string& to : targets) ++incoming[to];
    }
    std::deque<std::string> ready;
    for (const auto& [name, count] : incoming) {
      if (count == 0) ready.push_back(name);
    }
    size_t ordered = 0;
    while (!ready.empty()) {
      const std::string name = ready.front();
      ready.pop_front();
      ++ordered;
      for (const std::string& to : edges[name]) {
        if (--incoming[to] == 0) ready.push_back(to);
      }
    }
    if (ordered != incoming.size()) return problem("its class definitions refer to each other in a cycle");
  } catch (const c10::Error& e) {
    return problem(e.what_without_backtrace());
  } catch (const std::exception& e) {
    return problem(e.what());
  }
  return absl::OkStatus();
}

}  // namespace gan
