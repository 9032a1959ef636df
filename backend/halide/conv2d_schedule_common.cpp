#include "backend/halide/conv2d_schedule_common.h"

#include <algorithm>
#include <string>

#include "backend/halide/layout.h"

namespace kiln::halide::detail {
namespace {

bool is_pointwise(const Conv2dSpec& spec) {
  return spec.kh == 1 && spec.kw == 1;
}

bool has_vertical_padding(const Conv2dSpec& spec) {
  return spec.pad_top > 0 || spec.pad_bottom > 0;
}

// The weight prefetch passes follow the reduction's input-block loop, which exists where the
// reduction walks blocks; they are written for one group.
bool weights_prefetchable(const Conv2dSpec& spec, int block) {
  return spec.groups == 1 && reduction_walks_blocks(spec, block);
}

// Unrolling kx gives each tap its own copy of the tile: the column-padding select then only
// survives in the edge taps instead of testing every step (measured +5-10% on ResNet's 3x3
// layers), and short kx loops lose their overhead. Not for wide windows, nor when the channel
// loop is short enough (2..7, e.g. RGB stems) for LLVM to unroll it as well: that multiplies
// code size (the 7x7 stem ran 2x slower and compiled 2x longer).
bool unroll_window_columns(const Conv2dSpec& spec, int block) {
  const int channel_steps = reduction_channel_steps(spec, block);
  const bool short_channel_loop = channel_steps > 1 && channel_steps < 8;
  return spec.kw > 1 && spec.kw <= 5 && !short_channel_loop;
}

// Whether a strided window's input broadcasts cost more than unit-stride ones
// (IsaModel::strided_broadcast_cost). They do where the window skips input columns (dilated, or
// a 1x1/2 reads every other pixel's line, so each line fetched feeds fewer FMAs: 4x6 ran ~8%
// faster than 2x14 on a 1x1/2 downsample) or where kx is a loop, whose padding select then
// tests every broadcast (the 7x7/2 stem: 2x14 9-13% slower than 4x6 in ResNet-50, one and two
// threads). A 3x3/2 with kx unrolled uses every column it loads, one select-free copy per
// tap: on ResNet-50's 3x3/2 128->128 at 56x56, 2x14 ran 5-9% faster than 4x4.
bool strided_broadcasts_cost_more(const Conv2dSpec& spec, int block) {
  const bool skips_columns = spec.kw < spec.sw || spec.dw > 1;
  return spec.sw > 1 && (skips_columns || !unroll_window_columns(spec, block));
}

// Fraction of computed outputs that are real when `extent` is covered by tiles of `factor`
// with ShiftInwards (the last tile overlaps its neighbour and recomputes).
double useful_fraction(int extent, int factor) {
  return double(extent) / (ceil_div(extent, factor) * factor);
}

// `weights_reloaded`: the weights do not fit in registers and are re-read by every FMA.
double tile_cost(const RegisterTile& t, const Conv2dSpec& spec, int block, const IsaModel& isa,
                 bool weights_reloaded) {
  const double fmas = t.kvec * t.px;
  // Weight vectors + input broadcasts per step; see IsaModel::strided_broadcast_cost.
  const double broadcast = strided_broadcasts_cost_more(spec, block)
                               ? 1.0 + isa.strided_broadcast_cost * (spec.sw - 1)
                               : 1.0;
  const double loads = (weights_reloaded ? fmas : t.kvec) + t.px * broadcast;
  // +1 cycle per reduction step for the loop counter, address increments and branch. The model
  // charges it on every step, although where schedule_reduction unrolls the channel loop by
  // four the code pays it once per four steps.
  const double cycles = std::max(fmas / isa.fma_per_cycle, loads / isa.loads_per_cycle) + 1.0;
  const double useful =
      useful_fraction(spec.out_w(), t.px) * useful_fraction(ceil_div(spec.k, block), t.kvec);
  return cycles / (fmas * useful);
}

// The update's register tile: output lanes vectorized, channel vectors and pixels unrolled into
// kvec * px independent FMAs per reduction step.
void schedule_reduction(Conv2dPipeline& p, const Halide::VarOrRVar& x) {
  p.conv.update().vectorize(p.v).unroll(p.kb).unroll(x);
  if (unroll_window_columns(p.spec, p.block)) p.conv.update().unroll(p.r.z);
  // Four channels per loop trip: the counter, address increments and branch (3 instructions
  // against a step's ~45) are paid once per four steps. Measured +2-5% on ResNet-50's 1x1
  // layers in isolation at one thread; more unrolling gained nothing further.
  const int64_t* channel_steps = Halide::Internal::as_const_int(p.r.x.extent());
  p.channel_loop = p.conv.name() + ".s1." + p.r.x.name();
  if (channel_steps != nullptr && *channel_steps % 4 == 0 && *channel_steps >= 8) {
    Halide::RVar rxo("rxo"), rxi("rxi");
    p.conv.update().split(p.r.x, rxo, rxi, 4).unroll(rxi);
    p.channel_loop += "." + rxo.name();  // Halide names a split loop parent.child
  }
}

// Rows: one task per (tile.rows output rows, channel tile, image), the accumulators of one
// kvec x px tile in registers across the whole reduction, the epilogue applied straight from
// registers. Channel tiles are fused next to rows so layers with few rows still give the
// thread pool enough tasks.
void schedule_row_tasks(Conv2dPipeline& p, const RegisterTile& tile) {
  using Halide::TailStrategy;
  Halide::Var ko("ko"), ki("ki"), xo("xo"), xi("xi"), yo("yo"), yi("yi"), row_tile("row_tile"),
      task("task");
  // ShiftInwards on rows recomputes (identically) a row of an odd-height image. Rows outermost:
  // the runtime's pool gives each thread one contiguous range of tasks, so each core computes
  // the same band of rows in every layer and reads its input from its own L2.
  p.output.split(p.kb, ko, ki, tile.kvec, TailStrategy::ShiftInwards)
      .split(p.x, xo, xi, tile.px, TailStrategy::ShiftInwards)
      .split(p.y, yo, yi, tile.rows, TailStrategy::ShiftInwards)
      .reorder(p.v, ki, xi, xo, yi, ko, yo, p.n)
      .vectorize(p.v)
      .unroll(ki)
      .unroll(xi)
      .fuse(ko, yo, row_tile)
      .fuse(row_tile, p.n, task)
      .parallel(task);
  p.tile_loop = p.output.name() + ".s0." + p.x.name() + "." + xo.name();
  p.task_row_loop = p.output.name() + ".s0." + p.y.name() + "." + yi.name();
  p.block_loop = p.conv.name() + ".s1." + p.r.y.name();
  p.conv.compute_at(p.output, xo)
      .store_in(Halide::MemoryType::Register)
      .vectorize(p.v)
      .unroll(p.kb)
      .unroll(p.x);
  // Channel lanes innermost (consecutive weight vectors and input lanes), then channel
  // blocks, kx, ky, all inside the tile so the accumulators never leave registers.
  p.conv.update().reorder(p.v, p.kb, p.x, p.r.x, p.r.y, p.r.z, p.r.w, p.y, p.n);
  schedule_reduction(p, p.x);
}

// Whole image: one task per (channel tile, image) accumulating all rows in a small stack
// buffer, with the channel-block loop outermost (oneDNN's order). A row-task kernel reuses
// each weight vector for only px pixels before streaming it again from L2; here the weights
// of one input block (V channels x window x kvec vectors) stay in L1 for every row. Returns the
// input blocks each row visit accumulates (tile.block_group where the block count divides).
int schedule_image_tasks(Conv2dPipeline& p, const RegisterTile& tile) {
  using Halide::TailStrategy;
  Halide::Var ko("ko"), ki("ki"), task("task");
  p.output.split(p.kb, ko, ki, tile.kvec, TailStrategy::ShiftInwards)
      .reorder(p.v, ki, p.x, p.y, ko, p.n)
      .vectorize(p.v)
      .unroll(ki)
      .fuse(ko, p.n, task)
      .parallel(task);
  p.conv.compute_at(p.output, task).store_in(Halide::MemoryType::Stack).vectorize(p.v).unroll(p.kb);
  // The tile spans the row (px == out_w), so every visit of a row (y, a group of input blocks)
  // loads and stores its accumulators once and keeps them in registers across the group's
  // channels and the window; the group's weights stay in L1 across the rows.
  int grouped = 1;
  const int64_t* blocks = Halide::Internal::as_const_int(p.r.y.extent());
  if (tile.block_group > 1 && blocks != nullptr && *blocks % tile.block_group == 0) {
    Halide::RVar ryo("ryo"), ryi("ryi");
    p.conv.update()
        .split(p.r.y, ryo, ryi, tile.block_group)
        .reorder(p.v, p.kb, p.x, p.r.x, p.r.z, p.r.w, ryi, p.y, ryo, p.n);
    grouped = tile.block_group;
  } else {
    p.conv.update().reorder(p.v, p.kb, p.x, p.r.x, p.r.z, p.r.w, p.y, p.r.y, p.n);
  }
  schedule_reduction(p, p.x);
  p.image_row_loop = p.conv.name() + ".s1." + p.y.name();
  return grouped;
}

// Tasks of one (channel tile, image) each: whole-image tiles, and row tasks spanning all rows.
int channel_tile_tasks(const Conv2dSpec& spec, int block, int kvec) {
  return ceil_div(ceil_div(spec.k, block), kvec) * spec.n;
}

// Those are often only 8-43 tasks, and 11 leave one of two threads idle for half a task (9% of
// the layer). The slowest thread's share of the tasks against an even split, at 2 and 4
// threads. On ResNet-50's 7x7 stage (AVX-512) this moves the 512-channel outputs from 3x7 tiles
// (11 tasks) to 2x7 (16), which the cost model rates 1% slower per step: the stage's nine
// direct convs measured 4-7% faster at two threads and 1-8% at one (three alternating rounds
// each). 2048 channels keep 3x7 (43 tasks, 2% off).
double task_imbalance(const Conv2dSpec& spec, int block, int kvec) {
  const int tasks = channel_tile_tasks(spec, block, kvec);
  double worst = 1.0;
  for (int threads : {2, 4}) {
    worst = std::max(worst, ceil_div(tasks, threads) * threads / double(tasks));
  }
  return worst;
}

double weight_bytes(const Conv2dSpec& spec) {
  return 4.0 * spec.k * (spec.c / spec.groups) * spec.kh * spec.kw;
}

// Row tasks go rows outermost, so every thread streams all of a layer's weights once per band
// of rows it computes; a task spanning every row streams its channel tile's weights once, and
// re-reads the (smaller) input from L2 instead. Taken for pointwise convs whose weights are at
// least the activations they read and write: on ResNet-50 (3 alternating rounds each) the
// 14x14 256->1024 +res layers ran 10-14% faster at two threads and 12-16% at one, 1024->512
// 11-16%, 1x1/2 512->1024 7-17%, 1024->256 2-10%; the 28x28 layers, whose activations
// outweigh their weights, were neutral or up to 4% slower that way. Not for 3x3s: the stride-2
// 256->256 at 28x28 gained 11% at one thread but lost 3-5% at two.
bool weights_outweigh_activations(const Conv2dSpec& spec) {
  if (!is_pointwise(spec)) return false;
  // A strided 1x1 reads only the input pixels under its outputs.
  const double activation_bytes = 4.0 * spec.n * (spec.c + spec.k) * spec.out_h() * spec.out_w();
  return weight_bytes(spec) >= activation_bytes;
}

// Which tiles cheapest_tile considers.
struct TileSearch {
  int min_px, max_px;  // pixels per tile
  // Accumulators + the weight vectors of one step + the broadcast input pixel should fit in
  // registers; with this, tiles whose weights do not fit are costed with the weights re-read by
  // every FMA instead.
  bool allow_weights_in_memory = false;
  // Costs scaled by task_imbalance (whole-image tasks, whose count is the channel tiles').
  bool balance_tasks = false;
};

// Cheapest tile of the search.
RegisterTile cheapest_tile(const Conv2dSpec& spec, int block, const IsaModel& isa,
                           const TileSearch& search) {
  RegisterTile best;
  double best_cost = 1e30;
  // Descending, so ties go to more channel vectors: fewer input broadcasts per FMA.
  for (int kvec = std::min(ceil_div(spec.k, block), isa.max_kvec); kvec >= 1; --kvec) {
    for (int px = search.min_px; px <= search.max_px; ++px) {
      if (kvec * px + 1 > isa.vector_registers) continue;  // accumulators must never spill
      const bool weights_in_memory = kvec * px + kvec + 1 > isa.vector_registers;
      if (weights_in_memory && !search.allow_weights_in_memory) continue;
      const RegisterTile t{kvec, px, false};
      double cost = tile_cost(t, spec, block, isa, weights_in_memory);
      if (search.balance_tasks) cost *= task_imbalance(spec, block, kvec);
      // Too few independent accumulators cannot cover the FMA latency; such tiles only win
      // when nothing else fits (tiny K and output width).
      if (kvec * px < isa.min_accumulators) cost += 1000.0;
      if (cost < best_cost - 1e-9) {
        best = t;
        best_cost = cost;
      }
    }
  }
  return best;
}

// Whole-image tasks wait on memory for each block's weights. Prefetching them two blocks
// ahead, spread over the rows, measured on ResNet-50's 7x7 stage (3 alternating rounds, in both
// orders): 512->2048 +res and 2048->512 9-10% faster at two threads, 0-11% at one; 1x1/2
// 1024->2048 8-11%. For windows only where the ISA asks (IsaModel::window_image_weights_ahead).
// (Vertical padding renames a pointwise conv's row loop, which the pass then would not find; a
// window's is found.)
bool image_weights_ahead(const Conv2dSpec& spec, int block, const IsaModel& isa) {
  const bool pointwise = is_pointwise(spec);
  const bool row_loop_found = !pointwise || !has_vertical_padding(spec);
  return (pointwise || isa.window_image_weights_ahead) && weights_prefetchable(spec, block) &&
         row_loop_found;
}

// Whole-image tasks: the tile spans the row. With 16 registers that leaves tiny tiles unless
// the weights stay in memory; LLVM then folds them into the FMAs' memory operands and keeps the
// accumulators in registers (AVX2 7x7x512: 2 x 7 runs at 114 GFLOP/s, the 3 x 4 row tile at
// 57). AVX-512 keeps the weights in registers (3 x 7, or 2 x 7 where that balances the tasks).
// whole_image is left false where that gives fewer than 8 tasks.
RegisterTile pick_image_tile(const Conv2dSpec& spec, int block, const IsaModel& isa) {
  const int out_w = spec.out_w();
  RegisterTile image = cheapest_tile(
      spec, block, isa,
      {.min_px = out_w, .max_px = out_w, .allow_weights_in_memory = true, .balance_tasks = true});
  image.whole_image = channel_tile_tasks(spec, block, image.kvec) >= 8;
  if (is_pointwise(spec)) image.block_group = isa.pointwise_image_block_group;
  image.prefetch_weights_ahead = image_weights_ahead(spec, block, isa);
  return image;
}

// Pointwise convs take two rows per task: their tasks are short (a 1x1 row of ResNet-50 is
// ~5 us), and the second row finds the tile's weights in L1. On ResNet-50's stride-1 1x1
// layers at 2 threads, 8-15% faster (the whole model 6-8%), neutral at 1 thread and on
// GoogLeNet; not so for the 3x3s (+-10%, no gain), which are left at one row. Not with
// vertical padding: when written, the padding predicate on ky lost its bounds across the row
// split and Halide read above the image. (The clamp on the input row in define_conv2d has
// since made padded row splits safe: the two-band rule uses them and is tested; this rule was
// not re-measured with padding.)
bool two_rows_per_task(const Conv2dSpec& spec) {
  return is_pointwise(spec) && !has_vertical_padding(spec) && spec.out_h() >= 4;
}

// One task per channel tile spanning every row, where weights_outweigh_activations says so.
// Not where that leaves fewer than 8 tasks (GoogLeNet's 832->128 at 7x7 would have 4).
bool task_spans_all_rows(const Conv2dSpec& spec, int block, int kvec) {
  return weights_outweigh_activations(spec) && !has_vertical_padding(spec) &&
         channel_tile_tasks(spec, block, kvec) >= 8;
}

// Strided windows with weights past half of L2 (ResNet's 3x3/2 at 28x28, 1.2-2.4 MB) take two
// bands of rows per channel tile: with one row per task every output row streamed all the
// weights from L3; two bands stream them twice per layer, and at two threads each thread
// computes one band from its own part of the input. Measured (3 alternating rounds each):
// ResNet-50's 3x3/2 256->256 11-13% faster at one and two threads, ResNet-18's 128->256 9-17%.
// Smaller weights gained nothing: 3x3/2 at 56x56 (295-590 KB) within +-3%, AlexNet's 11x11/4
// (139 KB) and the 7x7/2 stem 2-3% slower; a single band of all rows was 16% slower at 56x56.
bool two_bands_of_rows(const Conv2dSpec& spec) {
  constexpr double kHalfL2Bytes = 1 << 20;
  return spec.kh > 1 && spec.sh > 1 && spec.out_h() >= 4 && weight_bytes(spec) >= kHalfL2Bytes;
}

// Input-heavy pointwise convs wait on the next channel block's input lines; prefetching them
// gained 7-11% on ResNet-50's 256->64, 512->128 and 1x1/2 layers (4-11% at two threads). Not
// where the output channels outnumber the input ones: the lines are then few, and the
// prefetches cost 2-3% (measured on 64->256, 256->1024).
bool prefetch_input_block_ahead(const Conv2dSpec& spec) {
  const bool input_heavy = spec.c > spec.k || spec.sh > 1 || spec.sw > 1;
  return is_pointwise(spec) && input_heavy && !spec.plain_input;
}

// Row tasks: weights that do not fit make LLVM spill an accumulator every step instead
// (measured 2x slower), so they must fit. Of the rules above for rows per task, two_bands_of_rows
// needs a window and the other two a pointwise conv, where spanning all rows comes first.
RegisterTile pick_row_tile(const Conv2dSpec& spec, int block, const IsaModel& isa) {
  RegisterTile rows =
      cheapest_tile(spec, block, isa, {.min_px = 1, .max_px = std::min(spec.out_w(), isa.max_px)});
  if (task_spans_all_rows(spec, block, rows.kvec)) {
    rows.rows = spec.out_h();
    // Such a task reads its tile's weights from L3 in its first row, faster than one core's
    // L3 bandwidth allows, and from L2 in the others. Prefetching the next tile's (the same
    // thread's next task) over the rows: on ResNet-50 (3 alternating rounds) the 14x14
    // 256->1024 +res, 1024->256 and 1024->512 layers 5-7% faster at one thread, 1x1/2
    // 512->1024 10%; at two threads 2-13% (noisier). AVX2 (targeted on this machine):
    // 256->1024 +res 4-6% faster, 1024->512 2%, 1024->256 0-3% slower.
    rows.prefetch_next_tile = weights_prefetchable(spec, block);
  } else if (two_rows_per_task(spec)) {
    rows.rows = 2;
  } else if (two_bands_of_rows(spec)) {
    rows.rows = ceil_div(spec.out_h(), 2);
  }
  rows.prefetch_next_block = prefetch_input_block_ahead(spec);
  return rows;
}

}  // namespace

RegisterTile pick_register_tile(const Conv2dSpec& spec, int block, const IsaModel& isa) {
  if (spec.out_h() * spec.out_w() <= 64 && spec.out_w() <= isa.max_px) {
    const RegisterTile image = pick_image_tile(spec, block, isa);
    if (image.whole_image) return image;
  }
  return pick_row_tile(spec, block, isa);
}

namespace {

// Writing over the residual saves the output lines' reads for ownership. ResNet-50's +residual
// 1x1s in row bands (6 alternating rounds, paired): 56x56 3-10% faster at one thread and 2-7%
// at two, 28x28 0-4% and unchanged; the arena shrinks from 7.2 to 5.2 MB. Not for tasks over
// all rows (the 14x14 layers): every core reads the whole input of such a layer's block, so the
// lines written over are shared with the other core; two threads ran 2-4% slower. Exact splits
// only: a ShiftInwards tail computes some outputs twice, the second time over a residual
// already overwritten.
bool may_overwrite_residual(const Conv2dSpec& spec, int block, const RegisterTile& tile) {
  const bool row_bands = !tile.whole_image && tile.rows < spec.out_h();
  const bool exact = spec.out_w() % tile.px == 0 && spec.out_h() % tile.rows == 0 &&
                     ceil_div(spec.k, block) % tile.kvec == 0;
  return spec.has_residual && row_bands && exact;
}

}  // namespace

void apply_register_tiled_schedule(Conv2dPipeline& p, const RegisterTile& tile) {
  int block_group = 1;
  if (tile.whole_image) {
    block_group = schedule_image_tasks(p, tile);
  } else {
    schedule_row_tasks(p, tile);
  }
  p.may_overwrite_residual = may_overwrite_residual(p.spec, p.block, tile);
  // "rows" (one row per task), "rows2", "rows14", ... or "image".
  p.schedule = (tile.whole_image ? std::string("image")
                                 : "rows" + (tile.rows > 1 ? std::to_string(tile.rows) : "")) +
               " tile " + std::to_string(tile.kvec) + "x" + std::to_string(tile.px);
  if (block_group > 1) p.schedule += " by " + std::to_string(block_group) + " blocks";
  if (tile.prefetch_next_block) {
    p.prefetch_next_block = true;
    p.schedule += " prefetch";
  }
  if (!tile.whole_image && tile.prefetch_next_tile) {
    const Conv2dSpec& s = p.spec;
    p.next_tile_weight_elements = int64_t{tile.kvec} * p.block * (s.c / s.groups) * s.kw * s.kh;
    p.schedule += " prefetch-next-tile";
  }
  if (tile.whole_image && tile.prefetch_weights_ahead) {
    p.prefetch_weights_ahead = true;
    p.schedule += " prefetch-weights";
  }
}

}  // namespace kiln::halide::detail
