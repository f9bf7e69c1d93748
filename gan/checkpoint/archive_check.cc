#include "gan/checkpoint/archive_check.h"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstring>
#include <deque>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <caffe2/serialize/inline_container.h>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gan/core/exception_message.h"

namespace gan {
namespace {

constexpr int kMaxTypeDepth = 8;
constexpr size_t kMaxKeyLength = 256;
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

// [A-Za-z_][A-Za-z0-9_]*
bool ConsumeIdentifier(absl::string_view& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  while (!s.empty() && IsIdentifierChar(s[0])) s.remove_prefix(1);
  return true;
}

// Type := Tensor | int | float | bool | str | __torch__.a.b | Optional[Type] | List[Type]
//         | Tuple[Type, ...] | Dict[Type, Type], nested at most kMaxTypeDepth deep.
bool ConsumeType(absl::string_view& s, int depth) {
  if (depth > kMaxTypeDepth) return false;
  auto consume_word = [&s](absl::string_view word) {
    if (!absl::StartsWith(s, word)) return false;
    if (s.size() > word.size() && IsIdentifierChar(s[word.size()])) return false;
    s.remove_prefix(word.size());
    return true;
  };
  for (absl::string_view base : {"Tensor", "int", "float", "bool", "str"}) {
    if (consume_word(base)) return true;
  }
  if (absl::ConsumePrefix(&s, kClassPrefix)) {
    do {
      if (!ConsumeIdentifier(s)) return false;
    } while (absl::ConsumePrefix(&s, "."));
    return true;
  }
  int arguments_min = 1, arguments_max = 1;
  if (absl::ConsumePrefix(&s, "Tuple[")) {
    arguments_max = 64;
  } else if (absl::ConsumePrefix(&s, "Dict[")) {
    arguments_min = arguments_max = 2;
  } else if (!absl::ConsumePrefix(&s, "Optional[") && !absl::ConsumePrefix(&s, "List[")) {
    return false;
  }
  int arguments = 0;
  do {
    if (++arguments > arguments_max || !ConsumeType(s, depth + 1)) return false;
  } while (absl::ConsumePrefix(&s, ", "));
  return arguments >= arguments_min && absl::ConsumePrefix(&s, "]");
}

// "key" as OutputArchive quotes attribute names: parameter names, "params/3", addresses.
bool ConsumeKey(absl::string_view& s) {
  if (!absl::ConsumePrefix(&s, "\"")) return false;
  size_t n = 0;
  while (n < s.size() && n <= kMaxKeyLength &&
         (IsIdentifierChar(s[n]) || s[n] == '/' || s[n] == '.' || s[n] == '-' || s[n] == ':')) {
    ++n;
  }
  if (n == 0 || n > kMaxKeyLength) return false;
  s.remove_prefix(n);
  return absl::ConsumePrefix(&s, "\"");
}

// [] or ["a", "b", ]
bool ConsumeKeyList(absl::string_view& s) {
  if (!absl::ConsumePrefix(&s, "[")) return false;
  while (!absl::ConsumePrefix(&s, "]")) {
    if (!ConsumeKey(s) || !absl::ConsumePrefix(&s, ", ")) return false;
  }
  return true;
}

bool IsClassMemberLine(absl::string_view line) {
  if (!absl::ConsumePrefix(&line, "  ")) return false;
  if (absl::ConsumePrefix(&line, "__parameters__ = ") ||
      absl::ConsumePrefix(&line, "__buffers__ = ")) {
    return ConsumeKeyList(line) && line.empty();
  }
  if (line == "__annotations__ = []") return true;
  if (absl::ConsumePrefix(&line, "__annotations__[")) {
    return ConsumeKey(line) && absl::ConsumePrefix(&line, "] = ") && ConsumeType(line, 0) &&
           line.empty();
  }
  return ConsumeIdentifier(line) && absl::ConsumePrefix(&line, " : ") && ConsumeType(line, 0) &&
         line.empty();
}

uint64_t Little(const std::string& bytes, size_t at, size_t n) {
  uint64_t value = 0;
  for (size_t i = 0; i < n; ++i) value |= uint64_t{static_cast<uint8_t>(bytes[at + i])} << (8 * i);
  return value;
}

// Reads the zip central directory itself and checks every entry's sizes against the file:
// LibTorch's reader allocates an entry's declared uncompressed size before reading it.
// Returns "" or the problem.
std::string CheckZipSizes(const std::string& path) {
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file) return "cannot be opened";
  const uint64_t file_size = static_cast<uint64_t>(file.tellg());
  auto read = [&](uint64_t offset, uint64_t n, std::string* out) {
    if (offset > file_size || n > file_size - offset) return false;
    out->resize(n);
    file.seekg(static_cast<std::streamoff>(offset));
    return static_cast<bool>(file.read(out->data(), static_cast<std::streamsize>(n)));
  };
  // The end-of-central-directory record is in the last 22 + 65535 bytes.
  const uint64_t tail_size = std::min<uint64_t>(file_size, 22 + 65535);
  std::string tail;
  if (tail_size < 22 || !read(file_size - tail_size, tail_size, &tail)) return "is not a zip file";
  const size_t eocd = tail.rfind(std::string("PK\x05\x06", 4));
  if (eocd == std::string::npos || tail.size() - eocd < 22) return "is not a zip file";
  uint64_t entries = Little(tail, eocd + 10, 2);
  uint64_t directory_size = Little(tail, eocd + 12, 4);
  uint64_t directory_offset = Little(tail, eocd + 16, 4);
  if (directory_offset == 0xffffffff || entries == 0xffff) {  // zip64: read its records
    std::string record;
    if (eocd < 20 || tail.compare(eocd - 20, 4, "PK\x06\x07") != 0 ||
        !read(Little(tail, eocd - 12, 8), 56, &record) || record.compare(0, 4, "PK\x06\x06") != 0) {
      return "has a damaged zip64 directory";
    }
    entries = Little(record, 32, 8);
    directory_size = Little(record, 40, 8);
    directory_offset = Little(record, 48, 8);
  }
  std::string directory;
  if (!read(directory_offset, directory_size, &directory)) return "has a damaged zip directory";
  size_t at = 0;
  for (uint64_t e = 0; e < entries; ++e) {
    if (directory.size() - at < 46 || directory.compare(at, 4, "PK\x01\x02") != 0) {
      return "has a damaged zip directory";
    }
    uint64_t compressed = Little(directory, at + 20, 4);
    uint64_t uncompressed = Little(directory, at + 24, 4);
    const size_t name_size = Little(directory, at + 28, 2);
    const size_t extra_size = Little(directory, at + 30, 2);
    const size_t comment_size = Little(directory, at + 32, 2);
    if (directory.size() - at - 46 < name_size + extra_size + comment_size) {
      return "has a damaged zip directory";
    }
    const std::string name = directory.substr(at + 46, name_size);
    // Zip64 sizes sit in extra field 0x0001, uncompressed first, each only if needed.
    for (size_t x = at + 46 + name_size; x + 4 <= at + 46 + name_size + extra_size;) {
      const uint64_t id = Little(directory, x, 2), size = Little(directory, x + 2, 2);
      size_t field = x + 4;
      if (id == 1) {
        if (uncompressed == 0xffffffff && field + 8 <= x + 4 + size) {
          uncompressed = Little(directory, field, 8);
          field += 8;
        }
        if (compressed == 0xffffffff && field + 8 <= x + 4 + size) {
          compressed = Little(directory, field, 8);
        }
      }
      x += 4 + size;
    }
    // Deflate expands at most 1032:1; LibTorch itself writes entries uncompressed.
    if (compressed > file_size || uncompressed > compressed * 1032 + 1024) {
      return absl::StrCat("zip entry '", name, "' claims ", uncompressed, " bytes (", compressed,
                          " compressed) in a file of ", file_size);
    }
    at += 46 + name_size + extra_size + comment_size;
  }
  return "";
}

// Walks a protocol-2 pickle as LibTorch writes it (data.pkl, constants.pkl, debug info)
// without building anything: every opcode must be one LibTorch's unpickler knows, every
// length must fit in the record, and memo indices must be dense, as the pickler numbers
// them. LibTorch's unpickler resizes its memo table to any index it reads (the fuzzer
// found a 4-byte index that made it allocate 48 GB). Returns "" or the problem.
std::string CheckPickle(const uint8_t* data, size_t size) {
  size_t at = 0;
  uint64_t memo_size = 0;
  auto take = [&](size_t n, uint64_t* value) {
    if (size - at < n) return false;
    *value = 0;
    for (size_t i = 0; i < n; ++i) *value |= uint64_t{data[at + i]} << (8 * i);
    at += n;
    return true;
  };
  // One text line; its text without the line break into *text, if asked.
  auto line = [&](std::string* text = nullptr) {
    const void* end = std::memchr(data + at, '\n', size - at);
    if (end == nullptr) return false;
    const size_t next = static_cast<const uint8_t*>(end) - data + 1;
    if (text != nullptr) text->assign(reinterpret_cast<const char*>(data + at), next - at - 1);
    at = next;
    return true;
  };
  while (at < size) {
    const uint8_t op = data[at++];
    uint64_t value = 0;
    bool ok = true;
    switch (op) {
      case '.':  // STOP
        return "";
      case 0x80:  // PROTO
      case 'K':   // BININT1
        ok = take(1, &value);
        break;
      case 'M':  // BININT2
        ok = take(2, &value);
        break;
      case 'J':  // BININT
        ok = take(4, &value);
        break;
      case 'G':  // BINFLOAT
        ok = take(8, &value);
        break;
      case 0x8a:  // LONG1
      case 'U':   // SHORT_BINSTRING
      case 'C':   // SHORT_BINBYTES
        ok = take(1, &value) && value <= size - at;
        at += ok ? value : 0;
        break;
      case 'X':  // BINUNICODE
      case 'T':  // BINSTRING
      case 'B':  // BINBYTES
        ok = take(4, &value) && value <= size - at;
        at += ok ? value : 0;
        break;
      case 'q':  // BINPUT
      case 'r':  // LONG_BINPUT
        ok = take(op == 'q' ? 1 : 4, &value) && value <= memo_size;
        if (ok && value == memo_size) ++memo_size;
        break;
      case 'h':  // BINGET
      case 'j':  // LONG_BINGET
        ok = take(op == 'h' ? 1 : 4, &value) && value < memo_size;
        break;
      case 'c': {  // GLOBAL: module and name, one line each
        // Any other module makes LibTorch look for, and parse, code/<module>.py.
        std::string module;
        const size_t start = at - 1;
        ok = line(&module) && line();
        if (ok && module != "__torch__" && !absl::StartsWith(module, "__torch__.") &&
            module != "torch" && module != "torch._utils" && module != "torch.jit._pickle" &&
            module != "collections") {
          return absl::StrCat("pickle GLOBAL at byte ", start, " names module '",
                              absl::CHexEscape(module), "', which LibTorch's archives do not use");
        }
        break;
      }
      case 'Q': case '(': case 'N': case 0x88: case 0x89: case 't': case 0x85: case 0x86:
      case 0x87: case ')': case ']': case '}': case 'e': case 'u': case 's': case 'a':
      case 'd': case 'l': case 'R': case 'b': case 0x81: case '0':
        break;  // BINPERSID MARK NONE TRUE FALSE TUPLE* EMPTY_* APPENDS SETITEMS SETITEM
                // APPEND DICT LIST REDUCE BUILD NEWOBJ POP
      default:
        return absl::StrCat("pickle opcode 0x", absl::Hex(op), " at byte ", at - 1,
                            " is not one LibTorch writes");
    }
    if (!ok) return absl::StrCat("pickle opcode 0x", absl::Hex(op), " at byte ", at,
                                 " has an argument out of range");
  }
  return "the pickle has no STOP opcode";
}

}  // namespace

std::string ClassFileProblem(absl::string_view code) {
  if (!absl::ConsumeSuffix(&code, "\n")) return "it does not end with a line break";
  const std::vector<absl::string_view> lines = absl::StrSplit(code, '\n');
  absl::string_view header = lines[0];
  if (!absl::ConsumePrefix(&header, "class ") || !ConsumeIdentifier(header) ||
      header != "(Module):") {
    return "its first line is not 'class <name>(Module):'";
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    if (!IsClassMemberLine(lines[i])) {
      return absl::StrCat("line ", i + 1, " is not an attribute declaration");
    }
  }
  return "";
}

absl::Status CheckArchiveStructure(const std::string& path) {
  auto problem = [&path](const std::string& what) {
    return absl::DataLossError(absl::StrCat("'", path, "' is not a valid LibTorch archive: ", what));
  };
  const std::string sizes = CheckZipSizes(path);
  if (!sizes.empty()) return problem(sizes);
  try {
    caffe2::serialize::PyTorchStreamReader reader(path);
    const std::vector<std::string> records = reader.getAllRecords();
    const std::set<std::string> names(records.begin(), records.end());
    if (names.size() != records.size()) return problem("it has duplicate entry names");

    // Class file -> the class files it refers to; every reference must exist.
    std::map<std::string, std::set<std::string>> edges;
    for (const std::string& name : records) {
      if (absl::EndsWith(name, ".pkl") || absl::EndsWith(name, ".debug_pkl")) {
        auto [data, size] = reader.getRecord(name);
        const std::string pickle_problem =
            CheckPickle(static_cast<const uint8_t*>(data.get()), size);
        if (!pickle_problem.empty()) return problem(absl::StrCat("'", name, "': ", pickle_problem));
      }
      if (!absl::EndsWith(name, ".py")) continue;
      if (!absl::StartsWith(name, "code/__torch__")) {
        return problem(absl::StrCat("'", name, "' is a class file outside code/__torch__"));
      }
      auto [data, size] = reader.getRecord(name);
      const std::string code(static_cast<const char*>(data.get()), size);
      const std::string class_problem = ClassFileProblem(code);
      if (!class_problem.empty()) return problem(absl::StrCat("'", name, "': ", class_problem));
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
  } catch (const std::exception& e) {
    return problem(ExceptionMessage(e));
  }
  return absl::OkStatus();
}

}  // namespace gan
