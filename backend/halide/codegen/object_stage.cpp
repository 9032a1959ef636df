#include "backend/halide/codegen/object_stage.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <stdexcept>

#include "backend/halide/codegen/file_util.h"
#include "backend/halide/codegen/worker_pool.h"
#include "backend/halide/schedule_description.h"
#include "backend/halide/schedule_fallbacks.h"

namespace kiln::halide::codegen {
namespace {

using Halide::OutputFileType;

constexpr const char* kRuntimeJob = "halide_runtime";

// Where a compiled kernel's notes go in the cache, next to its object.
struct KernelNotes {
  std::string fallback_path, schedule_path;
};

// Runs in a worker: builds the kernel under its cache symbol and writes the requested files.
// An autoscheduler that gave up on the kernel leaves its reason in the fallback note, and the
// schedule's description goes to the schedule note; both are written before the object, so the
// cache never holds an object without them.
void compile_kernel(const PlanKernel& kernel, const Halide::Target& target,
                    const std::string& symbol, const std::string& object_path,
                    const KernelNotes& notes, std::map<OutputFileType, std::string> outputs) {
  // What the parent recorded before forking (say, the same kernel built in process) would
  // otherwise hide this build's own fallback: the record keeps one entry per kernel.
  forget_schedule_fallbacks();
  take_schedule_description();
  const Halide::Module module = kernel.build(target, symbol);
  const std::vector<ScheduleFallback> fallbacks = schedule_fallbacks();
  if (!object_path.empty() && !fallbacks.empty()) {
    const ScheduleFallback& f = fallbacks.front();
    write_file_atomic(notes.fallback_path,
                      {f.scheduler + " cannot schedule it: " + f.reason + "\n"});
  }
  const std::string description = take_schedule_description();
  if (!object_path.empty() && !description.empty())
    write_file_atomic(notes.schedule_path, {description, "\n"});
  const auto& fns = module.functions();
  if (std::none_of(fns.begin(), fns.end(), [&](const auto& f) { return f.name == symbol; })) {
    throw std::runtime_error("build() did not name its function '" + symbol +
                             "' as asked (module '" + module.name() + "')");
  }
  const std::string temp = object_path.empty() ? "" : temp_sibling(object_path);
  if (!temp.empty()) outputs[OutputFileType::object] = temp;
  module.compile(outputs);
  if (!temp.empty()) commit_file(temp, object_path);
}

void compile_runtime_object(const Halide::Target& target, const std::string& path) {
  const std::string temp = temp_sibling(path);
  Halide::compile_standalone_runtime(temp, target.without_feature(Halide::Target::NoRuntime));
  commit_file(temp, path);
}

struct Schedule {
  std::vector<WorkerJob> jobs;
  std::vector<int> job_kernel;  // kernel index per job, -1 for the runtime
  std::vector<bool> kernel_hit;
};

class ObjectStage {
 public:
  ObjectStage(const ArtifactContents& c, const KernelCache& cache, const CodegenOptions& o,
              const std::string& emit_dir)
      : c_(c), cache_(cache), o_(o), emit_dir_(emit_dir), target_(kernel_target(*c.plan)) {}

  ObjectStageResult run() {
    Schedule s = plan_jobs();
    total_ = static_cast<int>(c_.plan->kernels.size()) + 1;
    for (size_t k = 0; k < c_.plan->kernels.size(); ++k) {
      if (!has_job(s, static_cast<int>(k)))
        report(s.kernel_hit[k], c_.plan->kernels[k].function_name);
    }
    if (result_.runtime_hit) report(true, kRuntimeJob);
    run_in_workers(s.jobs, std::max(1, o_.jobs), [&](size_t j) {
      const int k = s.job_kernel[j];
      report(k < 0 ? false : s.kernel_hit[k],
             k < 0 ? kRuntimeJob : c_.plan->kernels[k].function_name);
    });
    std::sort(result_.emitted.begin(), result_.emitted.end());
    read_notes();
    return result_;
  }

 private:
  static bool has_job(const Schedule& s, int k) {
    return std::find(s.job_kernel.begin(), s.job_kernel.end(), k) != s.job_kernel.end();
  }

  Schedule plan_jobs() {
    Schedule s;
    add_runtime_job(s);  // first: the longest single job (~2 s), so it overlaps the kernels
    std::set<std::string> seen;
    for (size_t k = 0; k < c_.plan->kernels.size(); ++k) {
      const std::string& key = c_.cache_keys[k];
      const bool first = seen.insert(key).second;
      const std::string path = cache_.kernel_path(key);
      const bool compile = first && !KernelCache::contains(path);
      if (first) ++(compile ? result_.misses : result_.hits);
      s.kernel_hit.push_back(!compile);
      auto outputs = emit_outputs(o_.emit, emit_dir_, c_.plan->kernels[k].function_name);
      for (const auto& [type, file] : outputs) result_.emitted.push_back(file);
      if (!compile && outputs.empty()) continue;
      add_kernel_job(s, k, compile ? path : "", std::move(outputs));
    }
    result_.objects = static_cast<int>(seen.size());
    return s;
  }

  void add_kernel_job(Schedule& s, size_t k, const std::string& object_path,
                      std::map<OutputFileType, std::string> outputs) {
    const PlanKernel& kernel = c_.plan->kernels[k];
    const std::string symbol = c_.symbols[k];
    const KernelNotes notes{cache_.fallback_path(c_.cache_keys[k]),
                            cache_.schedule_path(c_.cache_keys[k])};
    const Halide::Target target = target_;
    s.jobs.push_back({kernel.function_name + " (" + kernel.signature + ")",
                      [&kernel, target, symbol, object_path, notes, outputs] {
                        compile_kernel(kernel, target, symbol, object_path, notes, outputs);
                      }});
    s.job_kernel.push_back(static_cast<int>(k));
  }

  void add_runtime_job(Schedule& s) {
    const std::string path = cache_.runtime_path(KernelCache::runtime_key(target_));
    result_.runtime_hit = KernelCache::contains(path);
    if (result_.runtime_hit) return;
    const Halide::Target target = target_;
    s.jobs.push_back({kRuntimeJob, [target, path] { compile_runtime_object(target, path); }});
    s.job_kernel.push_back(-1);
  }

  // Read back from the cache, so that a cached kernel reports its notes as a fresh one does.
  void read_notes() {
    for (const std::string& key : c_.cache_keys) {
      result_.fallbacks.push_back(read_note(cache_.fallback_path(key)));
      result_.schedules.push_back(read_note(cache_.schedule_path(key)));
    }
  }

  static std::string read_note(const std::string& path) {
    std::string text = std::filesystem::exists(path) ? read_file(path) : "";
    while (!text.empty() && text.back() == '\n') text.pop_back();
    return text;
  }

  void report(bool hit, const std::string& name) {
    ++done_;
    if (o_.progress) o_.progress(done_, total_, hit, name);
  }

  const ArtifactContents& c_;
  const KernelCache& cache_;
  const CodegenOptions& o_;
  std::string emit_dir_;
  Halide::Target target_;
  ObjectStageResult result_;
  int done_ = 0, total_ = 0;
};

}  // namespace

std::map<OutputFileType, std::string> emit_outputs(const std::vector<std::string>& kinds,
                                                   const std::string& emit_dir,
                                                   const std::string& fn) {
  static const std::map<std::string, std::pair<OutputFileType, const char*>> known = {
      {"stmt", {OutputFileType::stmt, ".stmt"}},
      {"html", {OutputFileType::stmt_html, ".html"}},
      {"asm", {OutputFileType::assembly, ".s"}},
      {"llvm", {OutputFileType::llvm_assembly, ".ll"}},
  };
  std::map<OutputFileType, std::string> out;
  for (const std::string& kind : kinds) {
    auto it = known.find(kind);
    if (it == known.end()) {
      throw std::invalid_argument("unknown emit kind '" + kind + "' (stmt, html, asm, llvm)");
    }
    out[it->second.first] = emit_dir + "/" + fn + it->second.second;
  }
  return out;
}

Halide::Target artifact_target(const Plan& plan) {
  if (plan.target.has_feature(Halide::Target::UserContext)) {
    throw std::invalid_argument("invalid plan: target " + plan.target.to_string() +
                                " has user_context, which the plan ABI does not pass");
  }
  return plan.target.without_feature(Halide::Target::JIT)
      .without_feature(Halide::Target::NoRuntime);
}

Halide::Target kernel_target(const Plan& plan) {
  return artifact_target(plan).with_feature(Halide::Target::NoRuntime);
}

ObjectStageResult build_objects(const ArtifactContents& contents, const KernelCache& cache,
                                const CodegenOptions& options, const std::string& emit_dir) {
  return ObjectStage(contents, cache, options, emit_dir).run();
}

}  // namespace kiln::halide::codegen
