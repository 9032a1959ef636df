// Errors with source context. Library code throws kiln::Error; the driver
// catches it once at the top, prints what() and picks the exit status. A
// located error's what() already reads "file:line:col: error: ..."; the
// driver adds "error: " only to unlocated ones.
#pragma once

#include <stdexcept>
#include <string>

namespace kiln {

// A position in a text IR file (1-based line and column). An empty file name
// with line 0 means "no location" (a node built from C++ or imported).
struct SourceLoc {
  std::string file;
  int line = 0;
  int col = 0;

  bool valid() const { return line > 0; }
  // "file:line:col", or "" when invalid.
  std::string str() const;
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
  // "file:line:col: error: message" when loc is valid (the compiler-style
  // spelling editors jump to), else just the message.
  Error(const SourceLoc& loc, const std::string& message);
  // An already formatted text (several located diagnostics) that starts at loc.
  static Error preformatted(const SourceLoc& loc, const std::string& text);

  const SourceLoc& loc() const { return loc_; }

 private:
  SourceLoc loc_;
};

}  // namespace kiln
