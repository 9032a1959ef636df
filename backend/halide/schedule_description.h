// What a kernel's schedule chose, in words, for people reading benchmarks: "avx512 rows2 tile
// 2x14 prefetch" for a direct conv, the GEMM tile and task split of a Winograd conv, the
// autoscheduler's name for an autoscheduled kernel. The kernel families that describe their
// schedules record it when they build a kernel; code generation reads it in the worker that
// built the kernel and stores it next to the cached object, so artifacts report it
// (manifest.json, `kiln bench --per-layer`) whether the kernel was compiled now or earlier.
// Worked out where the kernel is built, not at lowering: building a pipeline in the parent
// would renumber Halide's unique names in every later kernel and change their objects' bytes.
#pragma once

#include <string>

namespace kiln::halide {

// Replaces the process's record with `text`. Thread-safe.
void record_schedule_description(std::string text);
// The record, emptied ("" when nothing was built since the last take).
std::string take_schedule_description();

}  // namespace kiln::halide
