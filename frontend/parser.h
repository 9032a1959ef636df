// Reads the text IR written by ir/printer.h. Errors carry file:line:col and
// say what was expected.
#pragma once

#include <memory>
#include <string>

#include "ir/graph.h"

namespace kiln {

// Parses and verifies. `filename` is used in error locations.
std::unique_ptr<Graph> parse_graph(const std::string& text,
                                   const std::string& filename = "<input>");
// Reads the file, then parse_graph. Throws kiln::Error when it cannot be read.
std::unique_ptr<Graph> parse_graph_file(const std::string& path);

}  // namespace kiln
