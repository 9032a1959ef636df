#include "frontend/driver/bench_html.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>

namespace kiln::driver {

namespace {

// Chart geometry, in SVG user units (pixels at 100% zoom).
constexpr int kWidth = 1160;
constexpr int kRow = 18;        // height of one kernel's row
constexpr int kTop = 64;        // above the first row: titles and axis labels
constexpr int kLabelEnd = 380;  // labels are right-aligned here
constexpr int kTimeX = 390;     // time bars start here...
constexpr int kTimeW = 380;     // ...and the longest is this long
constexpr int kEffX = 900;      // efficiency bars: 0% here...
constexpr int kEffW = 180;      // ...100% of peak this far right

// Colour-blind-safe (Okabe-Ito), one per op in order of first appearance.
constexpr const char* kPalette[] = {"#0072B2", "#E69F00", "#009E73", "#CC79A7",
                                    "#56B4E9", "#D55E00", "#F0E442", "#999999"};

std::string escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string join(const std::vector<std::string>& parts) {
  std::string s;
  for (const std::string& p : parts) s += (s.empty() ? "" : "+") + p;
  return s;
}

std::map<std::string, std::string> op_colours(const std::vector<LayerRow>& rows) {
  std::map<std::string, std::string> colours;
  for (const LayerRow& l : rows)
    if (!colours.count(l.op))
      colours[l.op] = kPalette[std::min<size_t>(colours.size(), std::size(kPalette) - 1)];
  return colours;
}

std::string summary_html(const BenchReport& r) {
  double gflops = r.latency.median > 0 ? r.model_flops / r.latency.median * 1e-6 : 0;
  double pct = r.peak.all_threads_gflops > 0 ? 100 * gflops / r.peak.all_threads_gflops : 0;
  const std::string conv_loop = describe_conv_loop(r);
  const std::string flop_count = describe_flop_count(r);
  return fmt::format(
      "<h1>kiln bench: {}</h1>\n<p class='summary'>batch {}, {} thread(s), target "
      "<code>{}</code><br>"
      "latency over {} runs ({} warm-up): <b>median {:.3f} ms</b>, min {:.3f} ms, p90 {:.3f} ms"
      "<br>{:.3f} GFLOP per run: {:.1f} GFLOP/s, {:.1f}% of peak{}<br>"
      "peak: {}<br>{}<br>{}{}</p>\n",
      escape(r.model), r.batch, r.threads, escape(r.target), r.runs, r.warmup, r.latency.median,
      r.latency.min, r.latency.p90, r.model_flops * 1e-9, gflops, pct,
      flop_count.empty() ? "" : " (" + escape(flop_count) + ")", escape(describe_peak(r.peak)),
      escape(describe_clock(r.clock_ghz, r.peak)), escape(describe_peak_now(r)),
      conv_loop.empty() ? "" : "<br>" + escape(conv_loop));
}

// Time by op: one stacked bar, the quickest view of where time goes.
std::string op_share_svg(const std::vector<LayerRow>& rows,
                         const std::map<std::string, std::string>& colours) {
  std::map<std::string, double> share;
  for (const LayerRow& l : rows) share[l.op] += l.share;
  std::vector<std::pair<std::string, double>> ops(share.begin(), share.end());
  std::sort(ops.begin(), ops.end(), [](auto& a, auto& b) { return a.second > b.second; });
  std::string svg = fmt::format(
      "<svg xmlns='http://www.w3.org/2000/svg' width='{}' height='58' role='img'>\n", kWidth);
  double x = 0;
  int legend_x = 0;
  for (const auto& [op, pct] : ops) {
    double w = pct / 100 * (kWidth - 20);
    svg += fmt::format(
        "<rect x='{:.1f}' y='0' width='{:.1f}' height='22' fill='{}'><title>{}: {:.1f}% of "
        "kernel time</title></rect>\n",
        x, std::max(w, 0.5), colours.at(op), escape(op), pct);
    x += w;
    svg += fmt::format(
        "<rect x='{}' y='34' width='12' height='12' fill='{}'/><text x='{}' y='45'>{} "
        "{:.1f}%</text>\n",
        legend_x, colours.at(op), legend_x + 16, escape(op.empty() ? "?" : op), pct);
    legend_x += 30 + 8 * static_cast<int>(op.size() + 6);
  }
  return svg + "</svg>\n";
}

// A round tick step (1, 2 or 5 times a power of ten) giving at most five
// intervals up to `max`.
double tick_step(double max) {
  if (max <= 0) return 1;
  double step = std::pow(10.0, std::floor(std::log10(max / 5)));
  for (double m : {1.0, 2.0, 5.0, 10.0})
    if (max / (step * m) <= 5) return step * m;
  return step * 10;
}

std::string axes_svg(int height, double max_ms, double peak_gflops) {
  std::string svg = fmt::format(
      "<text x='{}' y='20' text-anchor='end' class='head'>kernel (step, description)</text>\n"
      "<text x='{}' y='20' class='head'>time per call (ms, median of runs)</text>\n"
      "<text x='{}' y='20' class='head'>% of peak ({:.0f} GFLOP/s)</text>\n",
      kLabelEnd, kTimeX, kEffX, peak_gflops);
  for (int pct = 0; pct <= 100; pct += 25) {
    int x = kEffX + kEffW * pct / 100;
    svg += fmt::format(
        "<line x1='{0}' y1='{1}' x2='{0}' y2='{2}' class='grid'/><text x='{0}' y='{3}' "
        "text-anchor='middle' class='tick'>{4}%</text>\n",
        x, kTop - 8, height - 4, kTop - 14, pct);
  }
  double step = tick_step(max_ms);
  for (double ms = 0; max_ms > 0 && ms <= max_ms * 1.0001; ms += step) {
    double x = kTimeX + kTimeW * ms / max_ms;
    svg += fmt::format(
        "<line x1='{0:.1f}' y1='{1}' x2='{0:.1f}' y2='{2}' class='grid'/><text x='{0:.1f}' "
        "y='{3}' text-anchor='middle' class='tick'>{4:g}</text>\n",
        x, kTop - 8, height - 4, kTop - 14, ms);
  }
  return svg;
}

std::string row_svg(const LayerRow& l, int y, double max_ms, const std::string& colour) {
  double w = max_ms > 0 ? l.median_ms / max_ms * kTimeW : 0;
  double eff = std::min(l.percent_of_peak, 100.0) / 100 * kEffW;
  std::string label = fmt::format("#{} {}", l.step, l.description);
  if (label.size() > 58) label = label.substr(0, 57) + "\u2026";
  std::string svg = fmt::format(
      "<g><title>#{} {} ({})&#10;layers: {}&#10;shapes: {}&#10;schedule: {}&#10;{:.3f} ms/call, "
      "{:.1f} GFLOP/s, "
      "{:.1f}% of peak, {:.1f}% of kernel time, threads {:.1f}% idle at its end</title>\n",
      l.step, escape(l.description), escape(l.kernel), escape(join(l.layers)), escape(l.shapes),
      escape(l.schedule_shown()), l.median_ms, l.gflops, l.percent_of_peak, l.share,
      l.wait_percent);
  svg += fmt::format("<text x='{}' y='{}' text-anchor='end' class='label'>{}</text>\n", kLabelEnd,
                     y + 13, escape(label));
  svg += fmt::format("<rect x='{}' y='{}' width='{:.1f}' height='{}' fill='{}'/>\n", kTimeX, y + 3,
                     std::max(w, 0.5), kRow - 5, colour);
  svg += fmt::format("<text x='{:.1f}' y='{}' class='value'>{:.3f} ms · {:.1f}%</text>\n",
                     kTimeX + w + 4, y + 13, l.median_ms, l.share);
  if (l.flops > 0) {
    svg += fmt::format("<rect x='{}' y='{}' width='{:.1f}' height='{}' class='eff'/>\n", kEffX,
                       y + 3, std::max(eff, 0.5), kRow - 5);
    svg += fmt::format("<text x='{:.1f}' y='{}' class='value'>{:.0f}%</text>\n", kEffX + eff + 4,
                       y + 13, l.percent_of_peak);
  }
  return svg + "</g>\n";
}

std::string chart_svg(const std::vector<LayerRow>& rows, double peak_gflops,
                      const std::map<std::string, std::string>& colours) {
  double max_ms = 0;
  for (const LayerRow& l : rows) max_ms = std::max(max_ms, l.median_ms);
  int height = kTop + kRow * static_cast<int>(rows.size()) + 8;
  std::string svg = fmt::format(
      "<svg xmlns='http://www.w3.org/2000/svg' width='{0}' height='{1}' viewBox='0 0 {0} {1}' "
      "role='img'>\n",
      kWidth, height);
  svg += axes_svg(height, max_ms, peak_gflops);
  for (size_t i = 0; i < rows.size(); ++i) {
    int y = kTop + kRow * static_cast<int>(i);
    if (i % 2 == 1)
      svg += fmt::format("<rect x='0' y='{}' width='{}' height='{}' class='stripe'/>\n", y, kWidth,
                         kRow);
    svg += row_svg(rows[i], y, max_ms, colours.at(rows[i].op));
  }
  return svg + "</svg>\n";
}

// One table row: each cell wrapped in `tag` ("th" or "td"); cells are HTML already.
std::string html_row(const char* tag, const std::vector<std::string>& cells) {
  std::string row = "<tr>";
  for (const std::string& cell : cells) row += fmt::format("<{0}>{1}</{0}>", tag, cell);
  return row + "</tr>\n";
}

std::string table_html(const std::vector<LayerRow>& rows) {
  std::string html =
      "<table>\n" + html_row("th", {"#", "op", "description", "shapes", "ms/call", "GFLOP/s",
                                    "% peak", "share", "wait", "schedule", "layers"});
  for (const LayerRow& l : rows)
    html +=
        html_row("td", {std::to_string(l.step), escape(l.op), escape(l.description),
                        escape(l.shapes), fmt::format("{:.3f}", l.median_ms),
                        fmt::format("{:.1f}", l.gflops), fmt::format("{:.1f}", l.percent_of_peak),
                        fmt::format("{:.1f}%", l.share), fmt::format("{:.1f}%", l.wait_percent),
                        escape(l.schedule_shown()), escape(join(l.layers))});
  html += "</table>\n";
  html +=
      "<p>wait: the share of the threads' time idle at the end of the kernel's parallel loops "
      "(uneven work; 0 with one thread).</p>\n";
  if (std::any_of(rows.begin(), rows.end(),
                  [](const LayerRow& l) { return l.op == "winograd_conv2d"; }))
    html +=
        "<p>winograd_conv2d rows: GFLOP/s and % peak are direct-equivalent (the direct "
        "convolution's flops over the Winograd kernel's time).</p>\n";
  return html;
}

std::string kinds_html(const std::vector<KindRow>& kinds) {
  std::string html = "<table class=kinds>\n" +
                     html_row("th", {"kind", "calls", "ms", "share", "GFLOP/s", "% peak", "% now"});
  for (const KindRow& k : kinds)
    html += html_row("td", {escape(k.kind), std::to_string(k.calls), fmt::format("{:.3f}", k.ms),
                            fmt::format("{:.1f}%", k.share), fmt::format("{:.1f}", k.gflops),
                            fmt::format("{:.1f}", k.percent_of_peak),
                            fmt::format("{:.1f}", k.percent_of_peak_now)});
  return html + "</table>\n";
}

constexpr const char* kStyle = R"(<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; }
h1 { font-size: 20px; } h2 { font-size: 16px; margin-top: 28px; }
svg text { font: 11px monospace; fill: #222; }
svg .head { font: bold 12px system-ui, sans-serif; }
svg .tick { fill: #666; } svg .grid { stroke: #ddd; } svg .stripe { fill: #f4f4f4; }
svg .eff { fill: #555; }
table { border-collapse: collapse; font: 12px monospace; }
td, th { border-bottom: 1px solid #ddd; padding: 2px 8px; text-align: right; white-space: nowrap; }
td:nth-child(-n+4), th:nth-child(-n+4), td:nth-child(9), th:nth-child(9) { text-align: left; }
td:nth-child(9) { white-space: normal; }
table.kinds td:nth-child(n+2), table.kinds th:nth-child(n+2) { text-align: right; }
</style>
)";

}  // namespace

std::string bench_html(const BenchReport& r) {
  std::map<std::string, std::string> colours = op_colours(r.layers);
  std::string html = "<!DOCTYPE html>\n<html lang=en>\n<head>\n<meta charset='utf-8'>\n";
  html +=
      fmt::format("<title>kiln bench: {}</title>\n{}</head>\n<body>\n", escape(r.model), kStyle);
  html += summary_html(r);
  if (r.layers.empty()) return html + "<p>No per-layer timings.</p>\n</body>\n</html>\n";
  html += "<h2>Kernel time by op</h2>\n" + op_share_svg(r.layers, colours);
  html += "<h2>By kind (flop-weighted)</h2>\n" +
          kinds_html(kind_rows(r.layers, r.peak.all_threads_gflops, r.peak_now_gflops()));
  html += "<h2>Per kernel, in execution order</h2>\n" +
          chart_svg(r.layers, r.peak.all_threads_gflops, colours);
  html += "<h2>Table</h2>\n" + table_html(r.layers);
  return html + "</body>\n</html>\n";
}

}  // namespace kiln::driver
