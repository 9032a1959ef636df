#include "passes/pass_report.h"

#include <fmt/format.h>

#include "frontend/graph_stats.h"

namespace kiln {

std::string format_remark(const Remark& r) {
  std::string s = r.loc.valid() ? r.loc.str() + ": " : "";
  s += r.kind == Remark::Kind::applied ? "remark: " : "missed: ";
  return s + r.str();
}

namespace {

std::string before_after(int64_t before, int64_t after) {
  std::string s = fmt::format("{} -> {}", before, after);
  if (before != after) s += fmt::format(" ({:+})", after - before);
  return s + fmt::format("  [{} -> {}]", format_count(static_cast<double>(before)),
                         format_count(static_cast<double>(after)));
}

}  // namespace

void print_statistics(std::ostream& out, const std::vector<PassStep>& steps) {
  out << "# === Pass statistics ===\n";
  for (size_t i = 0; i < steps.size(); ++i) {
    const PassStep& s = steps[i];
    out << fmt::format("{}. {} ({:.3f} s)\n", i + 1, s.pass, s.seconds);
    out << "   parameters: " << before_after(s.params_before, s.params_after) << "\n";
    out << "   FLOPs:      " << before_after(s.flops_before, s.flops_after) << "\n";
    if (s.max_rel_error >= 0)
      out << fmt::format("   max relative error: {:.3g}\n", s.max_rel_error);
    for (const auto& [name, value] : s.counters) out << fmt::format("   {}: {}\n", name, value);
  }
  out << std::flush;
}

std::string numerics_failure(const std::string& pass, const passes::Discrepancy& d,
                             double tolerance) {
  std::string head = "verify-numerics: pass '" + pass + "' changed the outputs";
  if (!d.problem.empty()) return head + ": " + d.problem;
  return head + fmt::format(
                    ": worst relative error {:.3g} > tolerance {:.3g} in %{} at flat index {} "
                    "(expected {:.9g}, got {:.9g})",
                    d.error, tolerance, d.output, d.index, d.expected, d.actual);
}

}  // namespace kiln
