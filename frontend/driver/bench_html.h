// `kiln bench --html`: one self-contained page (inline CSS and SVG, no
// scripts or external assets) charting each kernel's time and efficiency,
// with the summary and the full per-layer table.
#pragma once

#include <string>

#include "frontend/driver/bench_report.h"

namespace kiln::driver {

std::string bench_html(const BenchReport& r);

}  // namespace kiln::driver
