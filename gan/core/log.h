// Status lines for the person running a tool, on stderr, the same with every LibTorch:
// glog's LOG cannot be relied on, because LibTorch 2.x built without glog (Debian 13's,
// for one) defines a LOG macro of its own that drops INFO, and which of the two a file
// gets depends on the order of its includes.
//
//   gan::LogInfo() << "resumed from " << path;      // "resumed from ..."
//   gan::LogWarning() << "no checkpoint loaded";    // "warning: no checkpoint loaded"
#ifndef GAN_CORE_LOG_H_
#define GAN_CORE_LOG_H_

#include <sstream>
#include <string>

namespace gan {

// Collects one line and writes it, with a newline, when the statement ends.
class LogLine {
 public:
  explicit LogLine(std::string prefix) { stream_ << prefix; }
  ~LogLine();
  LogLine(const LogLine&) = delete;
  LogLine& operator=(const LogLine&) = delete;

  template <typename T>
  LogLine& operator<<(const T& value) {
    stream_ << value;
    return *this;
  }

 private:
  std::ostringstream stream_;
};

inline LogLine LogInfo() { return LogLine(""); }
inline LogLine LogWarning() { return LogLine("warning: "); }

}  // namespace gan

#endif  // GAN_CORE_LOG_H_
