#include "frontend/driver/bench_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>

namespace kiln::driver {

namespace {

using Json = nlohmann::ordered_json;

// Above this share of the CPUs taken by other processes, a run is flagged.
constexpr double kBusy = 0.05;
// A clock this much below the peak's is reported (the measurement itself varies by ~1%).
constexpr double kClockTolerance = 0.03;
// The conv-like loop's share of the microkernel within this fraction of its best counts as a
// quiet host: on a quiet host the share varies by a few percent.
constexpr double kLoadedHost = 0.95;

std::string join(const std::vector<std::string>& parts, const char* sep) {
  std::string s;
  for (const std::string& p : parts) s += (s.empty() ? "" : sep) + p;
  return s;
}

double gflops_at(double flops, double ms) {
  return ms > 0 ? flops / ms * 1e-6 : 0;
}

double percent(double part, double whole) {
  return whole > 0 ? 100 * part / whole : 0;
}

Json peak_json(const MachinePeak& p) {
  return {{"cpu", p.cpu},
          {"isa", p.isa},
          {"threads", p.threads},
          {"single_thread_gflops", p.single_thread_gflops},
          {"all_threads_gflops", p.all_threads_gflops},
          {"ghz", p.ghz},
          {"flops_per_cycle", p.flops_per_cycle()},
          {"contended", p.contended},
          {"from_cache", p.from_cache},
          {"given", p.given},
          {"cache_file", p.cache_file}};
}

Json layer_json(const LayerRow& l) {
  return {{"step", l.step},
          {"kernel", l.kernel},
          {"op", l.op},
          {"description", l.description},
          {"layers", l.layers},
          {"shapes", l.shapes},
          {"schedule", l.schedule},
          {"flops", l.flops},
          {"median_ms", l.median_ms},
          {"min_ms", l.min_ms},
          {"gflops", l.gflops},
          {"percent_of_peak", l.percent_of_peak},
          {"percent_of_peak_now", l.percent_of_peak_now},
          {"share", l.share},
          {"wait_percent", l.wait_percent}};
}

Json kind_json(const KindRow& k) {
  return {{"kind", k.kind},
          {"calls", k.calls},
          {"flops", k.flops},
          {"ms", k.ms},
          {"gflops", k.gflops},
          {"percent_of_peak", k.percent_of_peak},
          {"percent_of_peak_now", k.percent_of_peak_now},
          {"share", k.share}};
}

// "conv2d 3x3/1 64->64 56x56" -> "conv2d 3x3"; Winograd descriptions name their direct
// equivalent after the tile ("winograd F(4x4,3x3) conv2d 3x3/1 ...").
std::string kind_of(const LayerRow& l) {
  if (l.op != "conv2d" && l.op != "winograd_conv2d") return l.op;
  const size_t at = l.description.find("conv2d ");
  if (at == std::string::npos) return l.op;
  const size_t begin = at + 7;
  const size_t end = l.description.find_first_of("/ ", begin);
  return l.op + " " + l.description.substr(begin, end - begin);
}

}  // namespace

std::vector<KindRow> kind_rows(const std::vector<LayerRow>& layers, double peak_gflops,
                               double peak_now_gflops) {
  std::vector<KindRow> kinds;
  double total_ms = 0;
  for (const LayerRow& l : layers) {
    const std::string kind = kind_of(l);
    auto it =
        std::find_if(kinds.begin(), kinds.end(), [&](const KindRow& k) { return k.kind == kind; });
    if (it == kinds.end()) it = kinds.insert(kinds.end(), KindRow{kind});
    ++it->calls;
    it->flops += l.flops;
    it->ms += l.median_ms;
    total_ms += l.median_ms;
  }
  for (KindRow& k : kinds) {
    k.gflops = gflops_at(k.flops, k.ms);
    k.percent_of_peak = percent(k.gflops, peak_gflops);
    k.percent_of_peak_now = percent(k.gflops, peak_now_gflops);
    k.share = percent(k.ms, total_ms);
  }
  std::stable_sort(kinds.begin(), kinds.end(),
                   [](const KindRow& a, const KindRow& b) { return a.ms > b.ms; });
  return kinds;
}

std::string describe_peak(const MachinePeak& p) {
  std::string threads = fmt::format("{} thread{}", p.threads, p.threads == 1 ? "" : "s");
  if (p.given)
    return fmt::format("{:.1f} GFLOP/s on {} (given with --peak-gflops)", p.all_threads_gflops,
                       threads);
  std::string source = p.from_cache ? "cached in " + p.cache_file
                       : p.contended
                           ? "measured now under load, per CPU second: an estimate, not cached"
                       : !p.cache_file.empty() ? "measured now, cached in " + p.cache_file
                                               : "measured now";
  return fmt::format(
      "{:.1f} GFLOP/s on {} ({:.1f} on one; {} register-FMA microkernel on {}, clock {:.2f} GHz, "
      "{:.0f} flops/cycle/core; {})",
      p.all_threads_gflops, threads, p.single_thread_gflops, p.isa, p.cpu, p.ghz,
      p.flops_per_cycle(), source);
}

std::string describe_clock(double clock_ghz, const MachinePeak& p) {
  std::string text = fmt::format("clock after the timed runs: {:.2f} GHz", clock_ghz);
  if (p.ghz <= 0 || clock_ghz <= 0) return text;
  const double change = clock_ghz / p.ghz - 1;
  if (std::abs(change) < kClockTolerance) {
    return text + fmt::format(" (the peak's: {:.2f} GHz)", p.ghz);
  }
  return text + fmt::format(
                    ", {:.0f}% {} the {:.2f} GHz the peak was measured at: %peak figures {} the "
                    "efficiency at this clock by as much (--remeasure-peak)",
                    100 * std::abs(change), change < 0 ? "below" : "above", p.ghz,
                    change < 0 ? "understate" : "overstate");
}

std::string describe_peak_now(const BenchReport& r) {
  std::string text =
      fmt::format("microkernel around the runs: {:.1f} GFLOP/s ({:.1f} before, {:.1f} after)",
                  r.peak_now_gflops(), r.peak_now_before, r.peak_now_after);
  if (r.peak.all_threads_gflops <= 0 || r.peak_now_gflops() <= 0) return text;
  const double ratio = r.peak_now_gflops() / r.peak.all_threads_gflops;
  if (ratio >= 1 - kClockTolerance) return text + fmt::format(", {:.0f}% of the peak", 100 * ratio);
  return text + fmt::format(
                    ", {:.0f}% of the peak: the cores delivered less than when it was measured "
                    "(other work on the host, or a physical core shared with another guest); "
                    "%now gives each kernel's share of this figure",
                    100 * ratio);
}

std::string describe_conv_loop(const BenchReport& r) {
  const ConvLoopRate& c = r.conv_loop;
  if (c.now_gflops <= 0 || c.share <= 0) return "";
  std::string text = fmt::format(
      "conv-like loop (a register tile with its loads) around the runs: {:.1f} GFLOP/s ({:.1f} "
      "before, {:.1f} after), {:.0f}% of the microkernel (at best {:.0f}% on this machine)",
      c.now_gflops, r.conv_loop_before, r.conv_loop_after, 100 * c.share, 100 * c.best_share);
  if (c.share >= kLoadedHost * c.best_share) return text;
  return text +
         ": other work on the host is slowing loads far more than FMAs, so every kernel "
         "runs below what it does on a quiet host";
}

std::string describe_flop_count(const BenchReport& r) {
  if (r.winograd_steps == 0) return "";
  return fmt::format(
      "{} of the kernels {} Winograd convolution{}, counted at the direct convolution's flops: "
      "GFLOP/s and %peak are direct-equivalent, and can exceed 100% of peak",
      r.winograd_steps, r.winograd_steps == 1 ? "is a" : "are", r.winograd_steps == 1 ? "" : "s");
}

std::vector<LayerRow> layer_rows(const std::vector<StepTiming>& steps,
                                 const ArtifactManifest& manifest, double peak_gflops,
                                 double peak_now_gflops) {
  std::vector<LayerRow> rows;
  double total_ms = 0;
  for (size_t i = 0; i < steps.size(); ++i) {
    const StepTiming& s = steps[i];
    LayerRow r;
    r.step = static_cast<int>(i);
    r.kernel = s.kernel;
    r.description = s.description;
    r.flops = s.flops;
    LatencyStats t = latency_stats(s.seconds);
    r.median_ms = t.median * 1e3;
    r.min_ms = t.min * 1e3;
    r.gflops = gflops_at(s.flops, r.median_ms);
    r.percent_of_peak = percent(r.gflops, peak_gflops);
    r.percent_of_peak_now = percent(r.gflops, peak_now_gflops);
    if (!s.wait_shares.empty()) r.wait_percent = 100 * latency_stats(s.wait_shares).median;
    if (i < manifest.steps.size()) {
      r.op = manifest.steps[i].op;
      r.layers = manifest.steps[i].layers;
      r.shapes = manifest.steps[i].shapes;
      r.schedule = manifest.steps[i].schedule;
    }
    total_ms += r.median_ms;
    rows.push_back(std::move(r));
  }
  for (LayerRow& r : rows) r.share = percent(r.median_ms, total_ms);
  return rows;
}

void print_summary(const BenchReport& r, std::FILE* out) {
  fmt::print(out, "kiln bench {}: batch {}, {} thread{}, target {}\n", r.model, r.batch, r.threads,
             r.threads == 1 ? "" : "s", r.target);
  if (r.compile.compiled)
    fmt::print(out, "compiled {} kernels ({} from cache, {} compiled) in {:.2f} s\n",
               r.compile.kernels, r.compile.cache_hits, r.compile.cache_misses, r.compile.seconds);
  fmt::print(out,
             "latency over {} runs ({} warm-up): median {:.3f} ms, min {:.3f} ms, p90 {:.3f} ms\n",
             r.runs, r.warmup, r.latency.median, r.latency.min, r.latency.p90);
  fmt::print(out, "other processes used {:.0f}% of the CPUs meanwhile{}\n", 100 * r.other_load,
             r.other_load > kBusy ? ": the machine was busy, times are pessimistic" : "");
  double gflops = gflops_at(r.model_flops, r.latency.median);
  fmt::print(
      out,
      "throughput: {:.1f} images/s; {:.3f} GFLOP per run -> {:.1f} GFLOP/s ({:.1f}% of peak)\n",
      r.latency.median > 0 ? r.batch * 1e3 / r.latency.median : 0, r.model_flops * 1e-9, gflops,
      percent(gflops, r.peak.all_threads_gflops));
  if (const std::string flops = describe_flop_count(r); !flops.empty())
    fmt::print(out, "  {}\n", flops);
  fmt::print(out, "machine peak: {}\n", describe_peak(r.peak));
  fmt::print(out, "{}\n", describe_clock(r.clock_ghz, r.peak));
  fmt::print(out, "{}\n", describe_peak_now(r));
  if (const std::string loop = describe_conv_loop(r); !loop.empty()) fmt::print(out, "{}\n", loop);
}

void print_layer_table(const BenchReport& r, std::FILE* out) {
  // With several threads, how much of the step they spent waiting for the last one.
  const bool waits = r.threads > 1;
  fmt::print(out, "\n{:>4}  {:<16} {:<60} {:<36} {:>9} {:>8} {:>6} {:>6}{}  {:<54}  {}\n", "#",
             "op", "description", "shapes", "ms/call", "GFLOP/s", "%peak", "share",
             waits ? fmt::format(" {:>6}", "wait") : "", "schedule", "layers");
  double total = 0;
  for (const LayerRow& l : r.layers) {
    fmt::print(out,
               "{:>4}  {:<16} {:<60} {:<36} {:>9.4f} {:>8.1f} {:>5.1f}% {:>5.1f}%{}  {:<54}  {}\n",
               l.step, l.op, l.description, l.shapes, l.median_ms, l.gflops, l.percent_of_peak,
               l.share, waits ? fmt::format(" {:>5.1f}%", l.wait_percent) : "", l.schedule_shown(),
               join(l.layers, "+"));
    total += l.median_ms;
  }
  fmt::print(
      out,
      "sum of per-kernel medians: {:.3f} ms in {} kernel calls (whole-model median {:.3f} ms)\n",
      total, r.layers.size(), r.latency.median);
  fmt::print(out, "%peak is of {:.1f} GFLOP/s ({} threads)\n", r.peak.all_threads_gflops,
             r.peak.threads);
  if (waits)
    fmt::print(out,
               "wait: the share of the threads' time idle at the end of the kernel's parallel "
               "loops (uneven work)\n");
  fmt::print(out, "\nby kind (flop-weighted):\n{:<24} {:>5} {:>9} {:>6} {:>8} {:>6} {:>6}\n",
             "kind", "calls", "ms", "share", "GFLOP/s", "%peak", "%now");
  for (const KindRow& k : kind_rows(r.layers, r.peak.all_threads_gflops, r.peak_now_gflops())) {
    fmt::print(out, "{:<24} {:>5} {:>9.3f} {:>5.1f}% {:>8.1f} {:>5.1f}% {:>5.1f}%\n", k.kind,
               k.calls, k.ms, k.share, k.gflops, k.percent_of_peak, k.percent_of_peak_now);
  }
  fmt::print(out, "%now is of the microkernel's {:.1f} GFLOP/s around the runs\n",
             r.peak_now_gflops());
  const bool winograd = std::any_of(r.layers.begin(), r.layers.end(),
                                    [](const LayerRow& l) { return l.op == "winograd_conv2d"; });
  if (winograd)
    fmt::print(out,
               "winograd_conv2d rows: GFLOP/s and %peak are direct-equivalent (the direct "
               "convolution's flops over the Winograd kernel's time)\n");
}

std::string bench_json(const BenchReport& r) {
  Json layers = Json::array();
  for (const LayerRow& l : r.layers) layers.push_back(layer_json(l));
  Json kinds = Json::array();
  for (const KindRow& k : kind_rows(r.layers, r.peak.all_threads_gflops, r.peak_now_gflops())) {
    kinds.push_back(kind_json(k));
  }
  double gflops = gflops_at(r.model_flops, r.latency.median);
  Json j = {{"model", r.model},
            {"artifact", r.artifact},
            {"target", r.target},
            {"threads", r.threads},
            {"batch", r.batch},
            {"runs", r.runs},
            {"warmup", r.warmup},
            {"median_ms", r.latency.median},
            {"min_ms", r.latency.min},
            {"p90_ms", r.latency.p90},
            {"mean_ms", r.latency.mean},
            {"max_ms", r.latency.max},
            {"samples_ms", r.run_ms},
            {"other_load", r.other_load},
            {"model_flops", r.model_flops},
            {"winograd_steps", r.winograd_steps},
            {"gflops", gflops},
            {"percent_of_peak", percent(gflops, r.peak.all_threads_gflops)},
            {"peak_gflops", r.peak.all_threads_gflops},
            {"peak", peak_json(r.peak)},
            {"clock_ghz", r.clock_ghz},
            {"peak_now_gflops", r.peak_now_gflops()},
            {"peak_now_before_after", {r.peak_now_before, r.peak_now_after}},
            {"conv_loop",
             {{"gflops_now", r.conv_loop.now_gflops},
              {"before_after", {r.conv_loop_before, r.conv_loop_after}},
              {"percent_of_peak_now", 100 * r.conv_loop.share},
              {"best_percent_of_peak_now", 100 * r.conv_loop.best_share},
              {"cache_file", r.conv_loop.cache_file}}},
            {"compile",
             {{"compiled", r.compile.compiled},
              {"kernels", r.compile.kernels},
              {"cache_hits", r.compile.cache_hits},
              {"cache_misses", r.compile.cache_misses},
              {"seconds", r.compile.seconds}}},
            {"layers", layers},
            {"kinds", kinds}};
  return j.dump(2) + "\n";
}

}  // namespace kiln::driver
