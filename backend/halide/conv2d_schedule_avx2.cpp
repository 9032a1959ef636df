// Conv2d schedule for AVX2 + FMA (Haswell and later, and the fallback for other targets).
#include "backend/halide/conv2d_kernel.h"
#include "backend/halide/conv2d_schedule_common.h"

namespace kiln::halide {

// Why these numbers:
//  - 8 float lanes per ymm, so channels are blocked by 8 (p.block == 8).
//  - Only 16 ymm registers and no broadcast memory operand on VEX FMAs: a row-task tile needs
//    kvec*px accumulators + kvec weight vectors + 1 broadcast <= 16, so at most 12
//    accumulators: 3 vectors x 4 pixels or 2 x 6, as in Halide's conv_layer app. 2 x 7
//    (17 registers) measured 2x slower there. Whole-image tiles may leave the weights in
//    memory instead (accumulators + 1 broadcast <= 16), and take 2 x 7 on 7x7 layers
//    (pick_register_tile).
//  - Two FMA ports with 4-5 cycle latency: at least 10 accumulators in flight (4 x 2 tiles
//    measured ~10% slower than 2 x 6).
//  - Loads are modelled at 1.5 per cycle, not 2: when a tile uses all 16 registers LLVM folds
//    the weight load into every FMA, so 1 x 14 tiles issue twice the loads the model expects
//    (measured 105 vs 115 GFLOP/s for 2 x 6 on 56x56x64 3x3).
//  - No extra cost for strided input: the tiles it would favour (3 x 4 when K/8 is not a
//    multiple of 3) measured 2x slower than 2 x 6 on the 7x7/2 stem.
void schedule_conv2d_avx2(Conv2dPipeline& p) {
  const detail::IsaModel isa{.vector_registers = 16,
                             .fma_per_cycle = 2,
                             .loads_per_cycle = 1.5,
                             .min_accumulators = 10,
                             .strided_broadcast_cost = 0.0,
                             .max_kvec = 4,
                             .max_px = 14};
  detail::apply_register_tiled_schedule(p, detail::pick_register_tile(p.spec, p.block, isa));
  p.schedule = "avx2 " + p.schedule;
}

}  // namespace kiln::halide
