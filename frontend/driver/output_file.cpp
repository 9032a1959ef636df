#include "frontend/driver/output_file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iostream>

#include "ir/error.h"

namespace kiln::driver {

void write_text_output(const std::string& text, const std::string& path) {
  if (path.empty() || path == "-") {
    std::cout << text << std::flush;
    return;
  }
  std::ofstream out(path, std::ios::binary);
  if (out) out << text;
  if (!out || !out.flush()) throw Error("cannot write '" + path + "': " + std::strerror(errno));
}

}  // namespace kiln::driver
