#include "backend/halide/winograd_schedule_common.h"

#include <algorithm>
#include <string>

#include "backend/halide/layout.h"

namespace kiln::halide::detail {
namespace {

using Halide::TailStrategy;

// Fraction of computed values that are real when `extent` is covered by tiles of `factor`
// with ShiftInwards (the last tile overlaps its neighbour and recomputes).
double useful_fraction(int extent, int factor) {
  return double(extent) / (ceil_div(extent, factor) * factor);
}

// Cycles per useful FMA of a kvec x px tile: per reduction step kvec weight loads and px
// broadcasts against kvec * px FMAs, two FMA and two load ports, one cycle of loop overhead.
double gemm_tile_cost(int kvec, int px, int task_tiles, int task_kb) {
  const double fmas = kvec * px;
  const double cycles = std::max(fmas / 2.0, (kvec + px) / 2.0) + 1.0;
  return cycles / (fmas * useful_fraction(task_tiles, px) * useful_fraction(task_kb, kvec));
}

void pick_gemm_tile(WinogradTiling& t, int task_tiles, const WinogradIsaModel& isa) {
  double best = 1e30;
  for (int kvec = std::min(t.kb_per_task, isa.max_kvec); kvec >= 1; --kvec) {
    for (int px = 1; px <= std::min(task_tiles, isa.max_px); ++px) {
      // Accumulators + the step's weight vectors + one broadcast must fit: no spills.
      if (kvec * px + kvec + 1 > isa.vector_registers) continue;
      double cost = gemm_tile_cost(kvec, px, task_tiles, t.kb_per_task);
      if (kvec * px < isa.min_accumulators) cost += 1000.0;
      if (cost < best - 1e-9) {
        best = cost;
        t.kvec = kvec;
        t.px = px;
      }
    }
  }
}

// Output: tiles of m x m pixels, bands of tile rows x channel-block ranges as parallel tasks.
// GuardWithIf keeps x = tx * m + i exact, so the transform's x % m and x / m fold to constants;
// loop partitioning moves the guards of ragged last tiles out of the steady state.
void schedule_output(WinogradPipeline& p, const WinogradTiling& t, Halide::Var& task,
                     Halide::Var& tx) {
  const int m = p.spec.tile;
  Halide::Var ty("ty"), j("j"), tyo("tyo"), tyi("tyi"), kbo("kbo"), kbi("kbi"), band("band");
  p.output.split(p.y, ty, j, m, TailStrategy::GuardWithIf)
      .split(p.x, tx, p.i, m, TailStrategy::GuardWithIf)
      .split(ty, tyo, tyi, t.rows_per_task, TailStrategy::GuardWithIf)
      .split(p.kb, kbo, kbi, t.kb_per_task, TailStrategy::GuardWithIf)
      // Tile rows outermost, as in the direct kernels: one core keeps one band of rows.
      .reorder(p.v, p.i, j, tx, tyi, kbi, kbo, tyo, p.n)
      .vectorize(p.v)
      .unroll(p.i)
      .unroll(j)
      .fuse(kbo, tyo, band)
      .fuse(band, p.n, task)
      .parallel(task);
  p.output_cols.compute_at(p.output, tx).vectorize(p.v).unroll(p.i).unroll(p.ey);
}

// Per task: the input transform of its tiles (all input channels), tile by tile.
void schedule_input_transform(WinogradPipeline& p, const Halide::Var& task) {
  p.transformed.compute_at(p.output, task)
      .reorder(p.v, p.ex, p.ey, p.t, p.cb, p.n)
      .vectorize(p.v)
      .unroll(p.ex)
      .unroll(p.ey);
  p.input_rows.compute_at(p.transformed, p.t).vectorize(p.v).unroll(p.ex).unroll(p.a);
}

// Per task and position: the GEMM over the task's tiles and channel blocks, kvec x px
// accumulators in registers across the whole input-channel reduction.
void schedule_gemm(WinogradPipeline& p, const WinogradTiling& t, const Halide::Var& task) {
  Halide::Var to("to"), ti("ti"), ko("ko"), ki("ki");
  p.products.compute_at(p.output, task)
      .split(p.t, to, ti, t.px, TailStrategy::ShiftInwards)
      .split(p.kb, ko, ki, t.kvec, TailStrategy::ShiftInwards)
      .reorder(p.v, ki, ti, to, ko, p.ex, p.ey, p.n)
      .vectorize(p.v)
      .unroll(ki)
      .unroll(ti);
  p.gemm.compute_at(p.products, to)
      .store_in(Halide::MemoryType::Register)
      .vectorize(p.v)
      .unroll(p.kb)
      .unroll(p.t);
  p.gemm.update()
      .reorder(p.v, p.kb, p.t, p.r.x, p.r.y, p.ex, p.ey, p.n)
      .vectorize(p.v)
      .unroll(p.kb)
      .unroll(p.t);
}

// Enough tile rows per band for min_task_tiles tiles, then fewer for an even number of bands,
// so that two threads get the same work, while each band's transformed weights stay in L2 and
// fewer tiles per band cost no memory traffic. 56x56 64->64 with F(4x4), 14 bands of one tile
// row instead of 7 of two: +6% at two threads; with 128 or 256 channels (4.7 MB of weights per
// band) the same split was 7% slower.
int rows_per_task(const WinogradPipeline& p, const WinogradIsaModel& isa, int kb) {
  const Conv2dSpec& s = p.spec.conv;
  const int alpha = p.spec.tile + 2;
  int rows = std::min(p.tiles_y, ceil_div(isa.min_task_tiles, p.tiles_x));
  const double weights_bytes = double(alpha) * alpha * s.c * kb * p.block * sizeof(float);
  auto odd_bands = [&](int r) {
    const int bands = ceil_div(p.tiles_y, r);
    return bands > 1 && bands * s.n % 2 == 1;
  };
  while (weights_bytes <= isa.l2_weight_bytes && rows > 1 && odd_bands(rows)) --rows;
  return rows;
}

// Few bands (late layers): split the output channels instead; each split recomputes the input
// transform, which is cheap next to the GEMM.
int kb_per_task(const WinogradPipeline& p, const WinogradIsaModel& isa, int kb, int rows) {
  const int bands = ceil_div(p.tiles_y, rows) * p.spec.conv.n;
  int per_task = kb;
  while (bands * (kb / per_task) < isa.min_tasks && per_task % 2 == 0) per_task /= 2;
  return per_task;
}

}  // namespace

WinogradTiling pick_winograd_tiling(const WinogradPipeline& p, const WinogradIsaModel& isa) {
  const int kb = ceil_div(p.spec.conv.k, p.block);
  WinogradTiling t;
  t.rows_per_task = rows_per_task(p, isa, kb);
  t.kb_per_task = kb_per_task(p, isa, kb, t.rows_per_task);
  pick_gemm_tile(t, t.rows_per_task * p.tiles_x, isa);
  return t;
}

void apply_winograd_schedule(WinogradPipeline& p, const WinogradTiling& t) {
  Halide::Var task("task"), tx("tx");
  schedule_output(p, t, task, tx);
  schedule_input_transform(p, task);
  schedule_gemm(p, t, task);
  p.schedule = "F(" + std::to_string(p.spec.tile) + "x" + std::to_string(p.spec.tile) +
               ",3x3) gemm tile " + std::to_string(t.kvec) + "x" + std::to_string(t.px) + " task " +
               std::to_string(t.rows_per_task) + " rows x " + std::to_string(t.kb_per_task) + " kb";
}

}  // namespace kiln::halide::detail
