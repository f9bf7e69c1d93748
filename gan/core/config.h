// Strict reading of JSON experiment configs. Every key a program reads is declared by a
// Read() call; Finish() then rejects keys nobody read (typos) and reports the first
// wrong type, naming the full dotted key and what was expected.
//
//   gan::ConfigReader train(json["train"], "train");
//   train.Read("batch_size", &options.batch_size);   // keeps the default if absent
//   train.Read("lr_g", &options.lr_g);
//   GAN_RETURN_IF_ERROR(train.Finish());
//
// Command-line overrides edit the JSON before it is read:
//   GAN_RETURN_IF_ERROR(gan::ApplyOverride("train.epochs=3", &json));
#ifndef GAN_CORE_CONFIG_H_
#define GAN_CORE_CONFIG_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace gan {

class ConfigReader {
 public:
  // `object` must outlive the reader. `path` is the dotted prefix used in errors ("" for
  // the root).
  ConfigReader(const nlohmann::json& object, std::string path);

  // Each keeps `*out` unchanged when the key is absent and records a type error (and
  // leaves `*out` unchanged) when the value has the wrong type.
  void Read(const std::string& key, bool* out);
  void Read(const std::string& key, int64_t* out);
  void Read(const std::string& key, int* out);
  void Read(const std::string& key, double* out);
  void Read(const std::string& key, std::string* out);
  void Read(const std::string& key, std::vector<int64_t>* out);

  // Like Read, but the key must be present.
  template <typename T>
  void Require(const std::string& key, T* out) {
    if (!Has(key)) {
      Fail(absl::InvalidArgumentError("config key '" + FullKey(key) + "' is required"));
    }
    Read(key, out);
  }

  bool Has(const std::string& key) const;
  // The value of `key` (null when absent), marked as read, for a reader of its own.
  const nlohmann::json& Section(const std::string& key);
  // A nested object; records an error if the value is not an object. Call Finish() on
  // it too (or let its errors surface through this reader's Finish()).
  ConfigReader Child(const std::string& key);
  // Merges a child's status into this reader's first error.
  void Absorb(const absl::Status& status);
  // Records a validation error for `key` ("must be positive, got -3").
  void Invalid(const std::string& key, const std::string& message);

  // The first recorded error, else an error for keys never read, else OK.
  absl::Status Finish() const;

  // Every key read so far with the value in force: the config's or, where absent, the
  // default the caller passed in (a section's complete settings, e.g. for fingerprints).
  const nlohmann::json& Values() const { return values_; }

  std::string FullKey(const std::string& key) const;

 private:
  const nlohmann::json* Find(const std::string& key);
  // Read without recording in values_.
  void Parse(const std::string& key, bool* out);
  void Parse(const std::string& key, int64_t* out);
  void Parse(const std::string& key, int* out);
  void Parse(const std::string& key, double* out);
  void Parse(const std::string& key, std::string* out);
  void Parse(const std::string& key, std::vector<int64_t>* out);
  void Fail(absl::Status status);
  void TypeError(const std::string& key, const char* expected, const nlohmann::json& got);

  const nlohmann::json& object_;
  std::string path_;
  std::set<std::string> read_;
  nlohmann::json values_ = nlohmann::json::object();
  absl::Status status_;
};

// Validation on `reader`: records "config key 'train.lr' must be positive, got -3".
void RequirePositive(ConfigReader& reader, const std::string& key, double value);
void RequireNonNegative(ConfigReader& reader, const std::string& key, double value);

// Reads `key`, a name that `parse` turns into *out (absent: *out stays as it is); another
// name is recorded on `reader` as an error listing `names` ("adam, rmsprop or sgd").
template <typename T>
void ReadNamed(ConfigReader& reader, const std::string& key,
               bool (*parse)(const std::string&, T*), const std::string& names, T* out) {
  std::string name;
  reader.Read(key, &name);
  if (reader.Has(key) && !parse(name, out)) {
    reader.Invalid(key, "must be " + names + ", got '" + name + "'");
  }
}

// Parses JSON text; errors name `source` (a file name) and the parser's position.
absl::StatusOr<nlohmann::json> ParseJson(const std::string& text, const std::string& source);
absl::StatusOr<nlohmann::json> ReadJsonFile(const std::string& path);

// Applies "dotted.key=value" to `config`. The value is parsed as JSON, or taken as a
// string when it is not valid JSON (so --set=data.dataset=mnist works unquoted). Missing
// parent objects are created (the strict reader then rejects keys that are unknown); a
// parent that exists but is not an object is an error.
absl::Status ApplyOverride(const std::string& assignment, nlohmann::json* config);

}  // namespace gan

#endif  // GAN_CORE_CONFIG_H_
