// Winograd conv2d schedule for AVX2 + FMA (Haswell and later, and the fallback for other
// targets).
#include "backend/halide/winograd_conv2d_kernel.h"
#include "backend/halide/winograd_schedule_common.h"

namespace kiln::halide {

// Why these numbers:
//  - 8 float lanes per ymm: channels blocked by 8 (p.block == 8).
//  - 16 ymm registers: kvec * px accumulators + kvec weight vectors + 1 broadcast <= 16, and at
//    least 10 accumulators (2 FMA ports x 4-5 cycles): 2 x 6 or 3 x 4, the direct kernel's tiles.
//  - At least 24 tiles per task and 4 tasks, as for AVX-512 (smaller register tiles need fewer
//    tiles to amortise a weight vector).
//  - Tasks are made even in number (two threads) only while a task's transformed weights fit
//    in 512 KB, half of a Skylake-SP core's L2 (AVX-512 uses 1 MB; only measured there).
void schedule_winograd_avx2(WinogradPipeline& p) {
  const detail::WinogradIsaModel isa{.vector_registers = 16,
                                     .min_accumulators = 10,
                                     .max_kvec = 4,
                                     .max_px = 6,
                                     .min_task_tiles = 24,
                                     .min_tasks = 4,
                                     .l2_weight_bytes = 1 << 19};
  detail::apply_winograd_schedule(p, detail::pick_winograd_tiling(p, isa));
  p.schedule = "avx2 " + p.schedule;
}

}  // namespace kiln::halide
