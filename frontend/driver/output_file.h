// Where a subcommand's results go: stdout, a file given with an option, or a directory of
// files; and the checks that let a command refuse a destination before doing its work.
#pragma once

#include <string>

namespace kiln::driver {

// Writes `text` to `path`, or to stdout when path is empty or "-". Throws
// kiln::Error naming the file when it cannot be written.
void write_text_output(const std::string& text, const std::string& path);

// Throws kiln::Error naming `option` and `path` when write_text_output could not create or
// replace `path` (a directory, a missing or read-only parent); "" and "-" are stdout.
void check_output_file(const std::string& option, const std::string& path);

// Throws kiln::Error naming `option` and `dir` when `dir` cannot be created or written into
// (it, or the nearest existing directory above it, is a file or read-only); "" is no directory.
void check_output_dir(const std::string& option, const std::string& dir);

}  // namespace kiln::driver
