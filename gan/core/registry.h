// A registry of named things (network families, loss terms, augmentations) that register
// themselves from static initializers in their own files, so that nothing above them lists
// them by name.
//
//   Registry<LossTermReader>& Terms() {
//     static auto* registry = new Registry<LossTermReader>("loss term");
//     return *registry;
//   }
//   Terms().Register("r1", ReadR1Term);   // aborts if "r1" is taken
//   const LossTermReader* reader = Terms().Find("r1");
//
// Hold a registry in a function-local static (as above), built on first use, so that a
// registration from any translation unit's static initializer finds it, and register from
// a static initializer with GAN_REGISTER_WITH, which the kinds' own macros wrap:
//   #define GAN_REGISTER_LOSS_TERM(name, reader) GAN_REGISTER_WITH(::gan::RegisterLossTerm, name, reader)
#ifndef GAN_CORE_REGISTRY_H_
#define GAN_CORE_REGISTRY_H_

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace gan {

template <typename Value>
class Registry {
 public:
  // `kind` names what is registered, for the duplicate-name message.
  explicit Registry(std::string kind) : kind_(std::move(kind)) {}

  // Registers `value` under `name`; a second registration of a name is a programming error
  // and aborts at startup. Returns true, for use in a static initializer.
  bool Register(const std::string& name, Value value) {
    if (!entries_.emplace(name, std::move(value)).second) {
      std::fprintf(stderr, "%s '%s' is registered twice\n", kind_.c_str(), name.c_str());
      std::abort();
    }
    return true;
  }

  // The value registered under `name`, or null.
  const Value* Find(const std::string& name) const {
    const auto it = entries_.find(name);
    return it == entries_.end() ? nullptr : &it->second;
  }

  // The registered names, sorted.
  std::vector<std::string> Names() const {
    std::vector<std::string> names;
    for (const auto& entry : entries_) names.push_back(entry.first);
    return names;
  }

 private:
  std::string kind_;
  std::map<std::string, Value> entries_;
};

}  // namespace gan

#define GAN_REGISTRY_CONCAT_(a, b) a##b
#define GAN_REGISTRY_VARIABLE_(line) GAN_REGISTRY_CONCAT_(kGanRegistration, line)
// Calls register_function(name, value) (which returns true) at static initialization.
#define GAN_REGISTER_WITH(register_function, name, value)                  \
  [[maybe_unused]] static const bool GAN_REGISTRY_VARIABLE_(__LINE__) = \
      register_function(name, value)

#endif  // GAN_CORE_REGISTRY_H_
