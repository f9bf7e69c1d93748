#include "gan/core/log.h"

#include <cstdio>

namespace gan {

LogLine::~LogLine() {
  stream_ << '\n';
  const std::string line = stream_.str();
  std::fwrite(line.data(), 1, line.size(), stderr);  // one write: lines of ranks do not mix
}

}  // namespace gan
