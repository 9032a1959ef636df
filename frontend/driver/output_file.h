// Where a subcommand's report goes: stdout, or the file given with -o.
#pragma once

#include <string>

namespace kiln::driver {

// Writes `text` to `path`, or to stdout when path is empty or "-". Throws
// kiln::Error naming the file when it cannot be written.
void write_text_output(const std::string& text, const std::string& path);

}  // namespace kiln::driver
