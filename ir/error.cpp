#include "ir/error.h"

namespace kiln {

std::string SourceLoc::str() const {
  if (!valid()) return "";
  return file + ":" + std::to_string(line) + ":" + std::to_string(col);
}

Error::Error(const SourceLoc& loc, const std::string& message)
    : std::runtime_error(loc.valid() ? loc.str() + ": error: " + message : message), loc_(loc) {}

Error Error::preformatted(const SourceLoc& loc, const std::string& text) {
  Error e(text);
  e.loc_ = loc;
  return e;
}

}  // namespace kiln
