// Winograd conv2d schedule for AVX-512 (Skylake-SP and later Xeons).
#include "backend/halide/winograd_conv2d_kernel.h"
#include "backend/halide/winograd_schedule_common.h"

namespace kiln::halide {

// Why these numbers:
//  - 16 float lanes per zmm: output channels are blocked by 16 (p.block == 16) and one tile's
//    16 channels at one transform position are one accumulator.
//  - 32 zmm registers: kvec * px accumulators + kvec weight vectors + 1 broadcast <= 32, and at
//    least 12 accumulators to cover 2 FMA ports x 4 cycles of latency (as the direct kernel).
//  - At most 14 tiles per register tile: with more, the weight vectors of a step are reused
//    only marginally more and the ShiftInwards overlap of the last tile grows.
//  - At least 28 tiles per task: each transformed weight vector loaded (from L2, or from L3 for
//    wide layers) then feeds >= 28 FMAs; fewer tiles make the GEMM load-bound (but see the
//    last point).
//  - At least 4 tasks: two cores with some balance; late layers with a single band of tiles
//    split their output channels instead.
//  - Tasks are made even in number (two threads) only while a task's transformed weights fit
//    in half of the 2 MB L2 of a Sapphire Rapids core.
void schedule_winograd_avx512(WinogradPipeline& p) {
  const detail::WinogradIsaModel isa{.vector_registers = 32,
                                     .min_accumulators = 12,
                                     .max_kvec = 4,
                                     .max_px = 14,
                                     .min_task_tiles = 28,
                                     .min_tasks = 4,
                                     .l2_weight_bytes = 1 << 20};
  detail::apply_winograd_schedule(p, detail::pick_winograd_tiling(p, isa));
  p.schedule = "avx512 " + p.schedule;
}

}  // namespace kiln::halide
