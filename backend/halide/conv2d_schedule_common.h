// Schedule machinery shared by the per-ISA conv2d schedules (private to backend/halide).
//
// All x86 schedules follow the same direct-convolution blocking as oneDNN's jit conv and TVM's
// NCHWc x86 schedule: output channels in SIMD lanes, a register tile of `kvec` channel vectors
// x `px` output pixels along x, the whole reduction (input channels innermost, then kx, ky)
// run over that tile while the accumulators stay in registers, and the bias / residual /
// activation epilogue applied to the tile before it is stored. The ISA files choose the
// register budget; this file turns a budget into a tile and a Halide schedule.
#pragma once

#include "backend/halide/conv2d_kernel.h"

namespace kiln::halide::detail {

// What the inner loop of one ISA can sustain, per core and cycle.
struct IsaModel {
  int vector_registers;    // architectural SIMD registers
  int fma_per_cycle;       // vector FMA issue ports
  double loads_per_cycle;  // vector or broadcast loads the inner loop sustains
  int min_accumulators;    // independent FMA chains needed to hide the FMA latency
  // Extra loads charged per input broadcast and unit of stride beyond 1 (calibrated), where
  // strided broadcasts cost more: window skipping columns, or kx not unrolled.
  double strided_broadcast_cost;
  int max_kvec;  // channel vectors per tile (bounds weight streams / unrolling)
  int max_px;    // output pixels per tile
  // Whole-image pointwise tasks: input-channel blocks each row accumulates before the next
  // row (RegisterTile::block_group).
  int pointwise_image_block_group = 1;
  // Whole-image tasks of windowed convs (3x3) prefetch their weights ahead too, as pointwise
  // ones always do (prefetch_weights_ahead.h).
  bool window_image_weights_ahead = false;
};

struct RegisterTile {
  int kvec = 1;              // output-channel vectors (V lanes each)
  int px = 1;                // output pixels along x
  bool whole_image = false;  // one task per channel tile over all rows (px == out_w)
  int rows = 1;              // row tasks: output rows per task
  // Prefetch the next channel block's input lines (prefetch_next_channel_block.h).
  bool prefetch_next_block = false;
  // Whole-image tasks: prefetch the next-but-one block's weights (prefetch_weights_ahead.h).
  bool prefetch_weights_ahead = false;
  // Row tasks over every row: prefetch the next channel tile's weights during the task
  // (prefetch_next_tile_weights.h).
  bool prefetch_next_tile = false;
  // Whole-image tasks: input-channel blocks a row accumulates per visit. Each visit loads and
  // stores the row's accumulators once, so a group of 2 halves that traffic per FMA.
  int block_group = 1;
};

// Cheapest tile under a throughput model: cycles per reduction step are the larger of FMA and
// load issue, divided by the useful (non-recomputed) FMAs of the tile. Late layers (at most 64
// output pixels, >= 8 tasks of a channel tile and image) get a whole-image tile spanning the
// row: their weights then stay in L1 across rows instead of being streamed from L2 per px
// pixels (+15% on ResNet's 7x7x512 3x3 with AVX-512, 2x with AVX2).
RegisterTile pick_register_tile(const Conv2dSpec& spec, int block, const IsaModel& isa);

// Applies the register-tiled direct-convolution schedule described above, parallel over
// (channel tile, output rows, image) fused into one loop, rows outermost so that the runtime's
// pool (runtime/thread_pool.h) gives each thread one band of rows; or over (channel tile,
// image) for whole-image tiles.
void apply_register_tiled_schedule(Conv2dPipeline& p, const RegisterTile& tile);

}  // namespace kiln::halide::detail
