// The code that makes Halide 14's prefetches temporal (private to backend/halide).
//
// Halide's runtime helper behind its prefetch intrinsic asks LLVM for locality 0
// (prefetchnta); temporal_prefetch.ll replaces it with locality 3 (prefetcht0). It is x86-64
// Linux bitcode, assembled by llvm-as-14 at build time, and only ahead-of-time modules can link
// it: the JIT takes no external code, so JIT kernels are compiled without prefetch passes.
#pragma once

#include "Halide.h"

namespace kiln::halide {

// Whether `target` can link temporal_prefetch_code() (x86-64 Linux).
bool can_link_temporal_prefetch(const Halide::Target& target);

// The replacement, to append to a Module whose lowering inserted prefetches.
Halide::ExternalCode temporal_prefetch_code(const Halide::Target& target);

}  // namespace kiln::halide
