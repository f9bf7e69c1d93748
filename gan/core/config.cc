#include "gan/core/config.h"

#include <limits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gan/core/atomic_file.h"

namespace gan {
namespace {

const nlohmann::json& EmptyObject() {
  static const nlohmann::json* empty = new nlohmann::json(nlohmann::json::object());
  return *empty;
}

std::string Describe(const nlohmann::json& value) {
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return absl::StrCat(value.type_name(), " ", text);
}

}  // namespace

ConfigReader::ConfigReader(const nlohmann::json& object, std::string path)
    : object_(object.is_object() ? object : EmptyObject()), path_(std::move(path)) {
  if (!object.is_object() && !object.is_null()) {
    Fail(absl::InvalidArgumentError(absl::StrCat(
        "config ", path_.empty() ? "root" : "key '" + path_ + "'",
        ": expected an object, got ", Describe(object))));
  }
}

std::string ConfigReader::FullKey(const std::string& key) const {
  return path_.empty() ? key : absl::StrCat(path_, ".", key);
}

void ConfigReader::Fail(absl::Status status) {
  if (status_.ok()) status_ = std::move(status);
}

void ConfigReader::Absorb(const absl::Status& status) {
  if (!status.ok()) Fail(status);
}

void ConfigReader::Invalid(const std::string& key, const std::string& message) {
  Fail(absl::InvalidArgumentError(absl::StrCat("config key '", FullKey(key), "' ", message)));
}

void ConfigReader::TypeError(const std::string& key, const char* expected,
                             const nlohmann::json& got) {
  Fail(absl::InvalidArgumentError(absl::StrCat("config key '", FullKey(key), "': expected ",
                                               expected, ", got ", Describe(got))));
}

bool ConfigReader::Has(const std::string& key) const { return object_.contains(key); }

const nlohmann::json* ConfigReader::Find(const std::string& key) {
  read_.insert(key);
  const auto it = object_.find(key);
  return it == object_.end() ? nullptr : &*it;
}

void ConfigReader::Parse(const std::string& key, bool* out) {
  const nlohmann::json* value = Find(key);
  if (value == nullptr) return;
  if (!value->is_boolean()) return TypeError(key, "a boolean", *value);
  *out = value->get<bool>();
}

void ConfigReader::Parse(const std::string& key, int64_t* out) {
  const nlohmann::json* value = Find(key);
  if (value == nullptr) return;
  if (!value->is_number_integer()) return TypeError(key, "an integer", *value);
  *out = value->get<int64_t>();
}

void ConfigReader::Parse(const std::string& key, int* out) {
  int64_t wide = *out;
  const nlohmann::json* value = object_.contains(key) ? &object_.at(key) : nullptr;
  Parse(key, &wide);
  if (value == nullptr || !value->is_number_integer()) return;
  if (wide < std::numeric_limits<int>::min() || wide > std::numeric_limits<int>::max()) {
    return TypeError(key, "a 32-bit integer", *value);
  }
  *out = static_cast<int>(wide);
}

void ConfigReader::Parse(const std::string& key, double* out) {
  const nlohmann::json* value = Find(key);
  if (value == nullptr) return;
  if (!value->is_number()) return TypeError(key, "a number", *value);
  *out = value->get<double>();
}

void ConfigReader::Parse(const std::string& key, std::string* out) {
  const nlohmann::json* value = Find(key);
  if (value == nullptr) return;
  if (!value->is_string()) return TypeError(key, "a string", *value);
  *out = value->get<std::string>();
}

void ConfigReader::Parse(const std::string& key, std::vector<int64_t>* out) {
  const nlohmann::json* value = Find(key);
  if (value == nullptr) return;
  if (!value->is_array()) return TypeError(key, "an array of integers", *value);
  std::vector<int64_t> result;
  for (const nlohmann::json& item : *value) {
    if (!item.is_number_integer()) return TypeError(key, "an array of integers", *value);
    result.push_back(item.get<int64_t>());
  }
  *out = std::move(result);
}

void ConfigReader::Read(const std::string& key, bool* out) {
  Parse(key, out);
  values_[key] = *out;
}

void ConfigReader::Read(const std::string& key, int64_t* out) {
  Parse(key, out);
  values_[key] = *out;
}

void ConfigReader::Read(const std::string& key, int* out) {
  Parse(key, out);
  values_[key] = *out;
}

void ConfigReader::Read(const std::string& key, double* out) {
  Parse(key, out);
  values_[key] = *out;
}

void ConfigReader::Read(const std::string& key, std::string* out) {
  Parse(key, out);
  values_[key] = *out;
}

void ConfigReader::Read(const std::string& key, std::vector<int64_t>* out) {
  Parse(key, out);
  values_[key] = *out;
}

const nlohmann::json& ConfigReader::Section(const std::string& key) {
  static const nlohmann::json* null = new nlohmann::json();
  const nlohmann::json* value = Find(key);
  return value == nullptr ? *null : *value;
}

ConfigReader ConfigReader::Child(const std::string& key) {
  const nlohmann::json* value = Find(key);
  if (value == nullptr) return ConfigReader(EmptyObject(), FullKey(key));
  return ConfigReader(*value, FullKey(key));
}

absl::Status ConfigReader::Finish() const {
  if (!status_.ok()) return status_;
  std::vector<std::string> unknown;
  for (const auto& item : object_.items()) {
    if (read_.count(item.key()) == 0) unknown.push_back(FullKey(item.key()));
  }
  if (unknown.empty()) return absl::OkStatus();
  std::vector<std::string> known(read_.begin(), read_.end());
  return absl::InvalidArgumentError(
      absl::StrCat("unknown config key", unknown.size() > 1 ? "s" : "", " '",
                   absl::StrJoin(unknown, "', '"), "'; known keys",
                   path_.empty() ? "" : absl::StrCat(" under '", path_, "'"), ": ",
                   absl::StrJoin(known, ", ")));
}

void RequirePositive(ConfigReader& reader, const std::string& key, double value) {
  if (value <= 0) reader.Invalid(key, absl::StrCat("must be positive, got ", value));
}

void RequireNonNegative(ConfigReader& reader, const std::string& key, double value) {
  if (value < 0) reader.Invalid(key, absl::StrCat("must not be negative, got ", value));
}

absl::StatusOr<nlohmann::json> ParseJson(const std::string& text, const std::string& source) {
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {  // parse_error, or out_of_range for 1e999
    return absl::InvalidArgumentError(
        absl::StrCat("'", source, "' is not valid JSON: ", e.what()));
  }
}

absl::StatusOr<nlohmann::json> ReadJsonFile(const std::string& path) {
  std::string text;
  const absl::Status status = ReadFile(path, &text);
  if (!status.ok()) return status;
  return ParseJson(text, path);
}

absl::Status ApplyOverride(const std::string& assignment, nlohmann::json* config) {
  const size_t equals = assignment.find('=');
  if (equals == std::string::npos || equals == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "override '", assignment, "' is not of the form dotted.key=value"));
  }
  // Config files are valid UTF-8 (the JSON parser checks); an override must be too, or
  // writing config.json into the run directory would fail later.
  try {
    (void)nlohmann::json(assignment).dump();
  } catch (const nlohmann::json::exception&) {
    return absl::InvalidArgumentError(
        absl::StrCat("override '", nlohmann::json(assignment).dump(
                                       -1, ' ', false, nlohmann::json::error_handler_t::replace),
                     "' is not valid UTF-8"));
  }
  const std::string key = assignment.substr(0, equals);
  const std::string text = assignment.substr(equals + 1);
  nlohmann::json value = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) value = text;

  if (!config->is_object() && !config->is_null()) {
    return absl::InvalidArgumentError(absl::StrCat("override '", assignment, "': the config is a ",
                                                   config->type_name(), ", not an object"));
  }
  nlohmann::json* node = config;
  const std::vector<std::string> parts = absl::StrSplit(key, '.');
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    if (node->contains(parts[i]) && !(*node)[parts[i]].is_object()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "override '", assignment, "': '",
          absl::StrJoin(parts.begin(), parts.begin() + i + 1, "."),
          "' is not an object in the config"));
    }
    node = &(*node)[parts[i]];
  }
  (*node)[parts.back()] = std::move(value);
  return absl::OkStatus();
}

}  // namespace gan
