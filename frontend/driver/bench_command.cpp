// `kiln bench`: whole-model latency (median, min, p90 over timed runs after
// warm-up) of a model compiled on the spot or of an artifact directory, and
// per kernel: time, GFLOP/s and efficiency against this machine's measured
// FMA peak. Text on stdout; --json and --html for tools and people.
#include <CLI/CLI.hpp>
#include <algorithm>

#include "frontend/driver/artifact_dir.h"
#include "frontend/driver/bench_html.h"
#include "frontend/driver/bench_manifest.h"
#include "frontend/driver/bench_report.h"
#include "frontend/driver/bench_runner.h"
#include "frontend/driver/command.h"
#include "frontend/driver/halide_options.h"
#include "frontend/driver/machine_peak.h"
#include "frontend/driver/model_options.h"
#include "frontend/driver/number_validators.h"
#include "frontend/driver/option_conflicts.h"
#include "frontend/driver/output_file.h"

namespace kiln::driver {

namespace {

struct BenchArgs {
  CLI::App* app = nullptr;
  ModelOptions model;
  HalideFlags halide;
  BenchSettings settings;
  std::string json_file, html_file;
  bool remeasure_peak = false;
  double peak_gflops = 0;  // 0: measure (or take the cached figure)
};

std::string cache_dir(const HalideFlags& f) {
  return f.cache_dir.empty() ? halide::default_cache_dir() : f.cache_dir;
}

BenchSettings effective_settings(const BenchArgs& a) {
  BenchSettings s = a.settings;
  s.threads = a.halide.threads;
  s.seed = a.model.seed;
  // JSON and HTML always carry the per-layer rows: tools and charts want them.
  s.per_layer = s.per_layer || !a.json_file.empty() || !a.html_file.empty();
  return s;
}

MachinePeak peak_for(const BenchArgs& a, int threads) {
  if (a.peak_gflops > 0) {
    MachinePeak p;
    p.threads = threads;
    p.all_threads_gflops = a.peak_gflops;
    p.given = true;
    return p;
  }
  return machine_peak(cache_dir(a.halide), threads, a.remeasure_peak);
}

// Measures the artifact in `dir`; `g` (the compiled graph, when there is
// one) names exact shapes in the per-layer rows.
BenchReport measure(const BenchArgs& a, const std::string& dir, const Graph* g) {
  ArtifactManifest manifest = read_manifest(dir, g);
  BenchSettings s = effective_settings(a);
  BenchReport r;
  r.model = a.model.model;
  r.artifact = dir;
  r.runs = s.runs;
  r.warmup = s.warmup;
  const int threads = resolve_threads(s.threads);
  r.peak = peak_for(a, threads);
  // The microkernel before the model loads and after it is gone: loading (the OS assembling the
  // weights' 2 MiB pages) and the pool's idle threads would take cores from it.
  r.peak_now_before = measure_peak_now(threads);
  r.conv_loop_before = measure_conv_loop_now(threads);
  BenchTimings t;
  {
    Model model(dir);
    r.target = model.target();
    r.batch = model.num_inputs() > 0 && !model.input_shape(0).empty() ? model.input_shape(0)[0] : 1;
    t = run_benchmark(model, s);
    r.clock_ghz = measure_clock_ghz();
  }
  r.peak_now_after = measure_peak_now(threads);
  r.conv_loop_after = measure_conv_loop_now(threads);
  r.conv_loop =
      conv_loop_rate(cache_dir(a.halide), threads, (r.conv_loop_before + r.conv_loop_after) / 2,
                     r.peak_now_gflops(), a.remeasure_peak);
  r.threads = t.threads;
  r.run_ms = t.run_ms;
  r.latency = latency_stats(t.run_ms);
  r.other_load = t.other_load;
  r.model_flops = manifest.flops;
  r.winograd_steps = static_cast<int>(
      std::count_if(manifest.steps.begin(), manifest.steps.end(),
                    [](const ManifestStep& s) { return s.op == "winograd_conv2d"; }));
  r.layers = layer_rows(t.steps, manifest, r.peak.all_threads_gflops, r.peak_now_gflops());
  return r;
}

BenchReport bench_model(const BenchArgs& a) {
  auto [g, weights] = load_model_with_weights(a.model);
  const ScratchArtifact artifact("kiln-bench-");
  halide::ArtifactInfo info = compile_model(*g, weights, PassFlags{}, a.halide, artifact.path());
  BenchReport r = measure(a, artifact.path(), g.get());
  r.compile = {true, info.kernels, info.cache_hits, info.cache_misses, info.total_seconds};
  r.artifact = "(temporary)";
  return r;
}

void write_reports(const BenchArgs& a, const BenchReport& r) {
  // `--json -` is for piping: the text must not mix with it.
  std::FILE* text = a.json_file == "-" || a.html_file == "-" ? stderr : stdout;
  print_summary(r, text);
  if (a.settings.per_layer) print_layer_table(r, text);
  if (!a.json_file.empty()) write_text_output(bench_json(r), a.json_file);
  if (!a.html_file.empty()) write_text_output(bench_html(r), a.html_file);
}

int bench(const BenchArgs& a) {
  const bool artifact = is_artifact_dir(a.model.model);
  if (artifact) refuse_with_artifact(*a.app, a.model.model, compile_only_options());
  // Before any work: a bad destination would otherwise fail only after the whole benchmark.
  check_output_file("--json", a.json_file);
  check_output_file("--html", a.html_file);
  write_reports(a, artifact ? measure(a, a.model.model, nullptr) : bench_model(a));
  return 0;
}

void add_bench_options(CLI::App& app, BenchArgs& a) {
  app.add_option("--runs", a.settings.runs, "Timed runs")
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  app.add_option("--warmup", a.settings.warmup, "Untimed runs first")
      ->check(CLI::Range(0, 1000000))
      ->capture_default_str();
  app.add_flag("--per-layer", a.settings.per_layer,
               "Time every kernel: a table of time, GFLOP/s, % of peak and share");
  app.add_option("--json", a.json_file, "Write the results as JSON ('-': stdout)")
      ->type_name("FILE");
  app.add_option("--html", a.html_file,
                 "Write a self-contained HTML chart of the per-layer times ('-': stdout)")
      ->type_name("FILE");
  app.add_flag("--remeasure-peak", a.remeasure_peak,
               "Measure the machine's FMA peak again instead of using the cached figure");
  app.add_option("--peak-gflops", a.peak_gflops,
                 "Use this peak (GFLOP/s for all threads, e.g. a datasheet figure) instead of "
                 "measuring it")
      ->check(positive_finite_number())
      ->excludes("--remeasure-peak");
}

}  // namespace

Command add_bench_command(CLI::App& parent) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* app = parent.add_subcommand(
      "bench",
      "Measure a model's latency (compiled now, or an artifact directory) and per-layer "
      "efficiency against this machine's peak");
  args->app = app;
  add_model_or_artifact_argument(*app, args->model);
  add_weight_options(*app, args->model);
  add_batch_option(*app, args->model);
  add_bench_options(*app, *args);
  add_halide_options(*app, args->halide);
  add_threads_option(*app, args->halide);
  return {app, [args] { return bench(*args); }};
}

}  // namespace kiln::driver
