// For tests of a config section's reader: reads JSON text as section `name` and returns
// the reader's error ("" when it reads without one).
//
//   EmaSection ema;
//   EXPECT_EQ(gan::ReadSectionError(R"({"decay": 0.9})", "ema", ReadEmaSection, &ema), "");
#ifndef GAN_CORE_CONFIG_SECTION_TESTING_H_
#define GAN_CORE_CONFIG_SECTION_TESTING_H_

#include <string>

#include <nlohmann/json.hpp>

#include "gan/core/config.h"

namespace gan {

template <typename Section>
std::string ReadSectionError(const std::string& text, const std::string& name,
                             Section (*read)(ConfigReader&), Section* out = nullptr) {
  const nlohmann::json json = nlohmann::json::parse(text);
  ConfigReader reader(json, name);  // keeps a reference to `json`
  const Section section = read(reader);
  if (out != nullptr) *out = section;
  return std::string(reader.Finish().message());
}

}  // namespace gan

#endif  // GAN_CORE_CONFIG_SECTION_TESTING_H_
