// Conv2d schedule for AVX-512 (Skylake-SP and later Xeons).
#include "backend/halide/conv2d_kernel.h"
#include "backend/halide/conv2d_schedule_common.h"

namespace kiln::halide {

// Why these numbers:
//  - 16 float lanes per zmm, so channels are blocked by 16 (p.block == 16) and one output
//    pixel's 16 channels are one accumulator.
//  - 32 zmm registers. The ISA could take the input pixel as a {1to16} broadcast memory
//    operand, but LLVM 14 materializes it with vbroadcastss, so a tile needs
//    kvec*px accumulators + kvec weight vectors + 1 broadcast <= 32. On ResNet's 56/28/14-wide
//    rows that makes 2 channel vectors x 14 pixels (28 accumulators) the pick; 4 x 7 would be
//    33 registers and spilled one accumulator per step in the generated assembly.
//  - Two FMA ports and two load ports: a kvec x px tile issues kvec + px loads per kvec * px
//    FMAs; 2 x 14 needs 16 loads per 28 FMAs, so the FMA ports stay the bottleneck.
//  - At least 12 accumulators: 2 ports x 4-cycle FMA latency = 8 chains in flight, plus slack
//    for load latency.
//  - Strided convolutions that skip input columns (1x1/2) or loop over kx (the 7x7/2 stem)
//    charge each input broadcast `stride` loads, which moves them to squarer tiles: on the
//    stem 4 x 6 runs at 160 GFLOP/s and 2 x 14 at 123, on a 1x1/2 downsample 4 x 6 is ~8%
//    faster. At stride 1, and on 3x3/2 with kx unrolled, 2 x 14 wins.
//  - At most 4 channel vectors: each is a separate weight stream, and more would leave too few
//    pixels per tile for 32 registers.
//  - Whole-image pointwise tasks accumulate two input blocks per row visit: a 2x7 tile reloads
//    and stores its 14 accumulators per visit, 28 memory operations against 224 FMAs for one
//    block. On ResNet-50 (two alternating runs of 5-6 rounds, one and two threads): the 7x7
//    stage's 1x1s 5-16% faster, 1x1/2 1024->2048 3-6%; four blocks per visit were 4-10% slower
//    in the model, and two on the 7x7 3x3s 3-10% slower (their visits already hold 9 taps).
//  - Whole-image 3x3 tasks prefetch their weights two blocks ahead like the pointwise ones: on
//    ResNet-50 (8 alternating rounds, paired per round) the 3x3/1 512->512 at 7x7 and the
//    3x3/2 512->512 at 14x14 2-3% faster at one and two threads. (AVX2 does not: its 7x7
//    3x3s ran 0-1% slower at one thread and 3-4% at two.)
void schedule_conv2d_avx512(Conv2dPipeline& p) {
  const detail::IsaModel isa{.vector_registers = 32,
                             .fma_per_cycle = 2,
                             .loads_per_cycle = 2,
                             .min_accumulators = 12,
                             .strided_broadcast_cost = 1.0,
                             .max_kvec = 4,
                             .max_px = 28,
                             .pointwise_image_block_group = 2,
                             .window_image_weights_ahead = true};
  detail::apply_register_tiled_schedule(p, detail::pick_register_tile(p.spec, p.block, isa));
  p.schedule = "avx512 " + p.schedule;
}

}  // namespace kiln::halide
