// Schedule machinery shared by the per-ISA Winograd schedules (private to backend/halide).
//
// One parallel task computes a band of tile rows for a range of output channel blocks:
//   1. the input transform of the band's tiles for every input channel (kept per task, L2),
//   2. per transform position, the GEMM (K x C) x (C x tiles) with a register tile of kvec
//      output channel vectors x px tiles, accumulators in registers over the whole reduction
//      (the direct kernel's blocking, with tiles in place of pixels),
//   3. per tile, the output transform, bias and epilogue, straight into the output.
// The ISA files give the register budget and the task sizes; this file turns them into a tiling
// and a Halide schedule.
#pragma once

#include "backend/halide/winograd_conv2d_kernel.h"

namespace kiln::halide::detail {

struct WinogradIsaModel {
  int vector_registers;    // architectural SIMD registers
  int min_accumulators;    // independent FMA chains needed to hide the FMA latency
  int max_kvec;            // weight streams per register tile
  int max_px;              // tiles per register tile
  int min_task_tiles;      // tiles per task, so each weight vector loaded serves enough FMAs
  int min_tasks;           // parallel tasks wanted per kernel call
  double l2_weight_bytes;  // transformed weights a task may re-read from L2 rather than memory
};

struct WinogradTiling {
  int kvec = 1, px = 1;   // GEMM register tile
  int rows_per_task = 1;  // tile rows per task
  int kb_per_task = 1;    // output channel blocks per task
};

WinogradTiling pick_winograd_tiling(const WinogradPipeline& p, const WinogradIsaModel& isa);
void apply_winograd_schedule(WinogradPipeline& p, const WinogradTiling& tiling);

}  // namespace kiln::halide::detail
