#include "backend/halide/autoschedule.h"

#include <link.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>

#include "backend/halide/schedule_fallbacks.h"
#include "ir/error.h"

namespace kiln::halide {
namespace {

namespace fs = std::filesystem;
using Halide::Internal::Parameter;

constexpr std::array<Scheduler, 4> kSchedulers = {Scheduler::hand, Scheduler::adams2019,
                                                  Scheduler::li2018, Scheduler::mullapudi2016};

struct SchedulerInfo {
  const char* name;              // --scheduler spelling
  const char* registered;        // the name the plugin registers with Halide
  std::vector<const char*> env;  // HL_* variables the plugin reads that change its schedule
};

const SchedulerInfo& info(Scheduler s) {
  static const std::array<SchedulerInfo, 4> table = {{
      {"hand", "", {}},
      {"adams2019",
       "Adams2019",
       {"HL_BEAM_SIZE", "HL_NUM_PASSES", "HL_RANDOM_DROPOUT", "HL_SEED", "HL_WEIGHTS_DIR",
        "HL_RANDOMIZE_WEIGHTS", "HL_NO_SUBTILING", "HL_AUTOSCHEDULE_MEMORY_LIMIT"}},
      {"li2018", "Li2018", {}},
      {"mullapudi2016", "Mullapudi2016", {}},
  }};
  return table.at(static_cast<size_t>(s));
}

std::string describe(Scheduler s) {
  return std::string("halide backend: ") + scheduler_name(s) + " autoscheduler";
}

// Halide's defaults (16 cores, 16 MB last-level cache, balance 40) rather
// than this machine's: a kernel's schedule then depends only on its
// signature, so cached objects and artifacts are the same on every machine,
// and 16-way parallel loops still balance well on fewer cores.
const Halide::MachineParams& machine_params() {
  static const Halide::MachineParams params = Halide::MachineParams::generic();
  return params;
}

// The file libHalide was loaded from, or "" when Halide is linked statically.
std::string loaded_libhalide() {
  std::string found;
  dl_iterate_phdr(
      [](dl_phdr_info* lib, size_t, void* out) {
        const std::string path = lib->dlpi_name ? lib->dlpi_name : "";
        if (fs::path(path).filename().string().rfind("libHalide", 0) != 0) return 0;
        *static_cast<std::string*>(out) = path;
        return 1;
      },
      &found);
  return found;
}

// Where to look for plugins, most specific first.
std::vector<fs::path> plugin_dirs() {
  if (const char* dir = std::getenv("KILN_HALIDE_PLUGIN_DIR"); dir && *dir) return {dir};
  const std::string lib = loaded_libhalide();
  if (lib.empty()) return {};
  const fs::path dir = fs::canonical(lib).parent_path();
  return {dir / ("halide" + std::to_string(KILN_HALIDE_VERSION_MAJOR)), dir};
}

// Collects every buffer parameter read by the Funcs of a pipeline.
class BufferParams : public Halide::Internal::IRGraphVisitor {
 public:
  void add(const Halide::Internal::Function& f) {
    if (functions_.insert(f.name()).second) f.accept(this);
  }
  const std::map<std::string, Parameter>& found() const { return found_; }

 private:
  using IRGraphVisitor::visit;
  void visit(const Halide::Internal::Call* op) override {
    if (op->param.defined() && op->param.is_buffer()) found_.emplace(op->param.name(), op->param);
    if (op->func.defined()) add(Halide::Internal::Function(op->func));
    IRGraphVisitor::visit(op);
  }

  std::set<std::string> functions_;
  std::map<std::string, Parameter> found_;
};

struct Bounds {
  int64_t min, extent;
};

Bounds constant_bounds(const Parameter& p, int d) {
  const int64_t* min = Halide::Internal::as_const_int(p.min_constraint(d));
  const int64_t* extent = Halide::Internal::as_const_int(p.extent_constraint(d));
  if (!min || !extent)
    throw Error("halide backend: buffer " + p.name() + " has no constant bounds in dimension " +
                std::to_string(d) + ", which the autoschedulers need as estimates");
  return {*min, *extent};
}

// Halide 14's LLVM backend rejects a predicated store in a lock-free atomic
// block when it generates code (halide/Halide#4298), i.e. after the module
// is returned; finding one in the lowered code reports it while the hand
// schedule can still take over.
class AtomicPredicatedStore : public Halide::Internal::IRVisitor {
 public:
  bool found = false;

 private:
  using IRVisitor::visit;
  void visit(const Halide::Internal::Atomic* op) override {
    const bool lock_free = op->mutex_name.empty();  // a mutex makes plain stores
    lock_free_depth_ += lock_free;
    IRVisitor::visit(op);
    lock_free_depth_ -= lock_free;
  }
  void visit(const Halide::Internal::Store* op) override {
    if (lock_free_depth_ > 0 && !Halide::Internal::is_const_one(op->predicate)) found = true;
    IRVisitor::visit(op);
  }
  int lock_free_depth_ = 0;
};

bool has_atomic_predicated_store(const Halide::Module& module) {
  AtomicPredicatedStore finder;
  for (const auto& f : module.functions()) f.body.accept(&finder);
  return finder.found;
}

// Records the fallback and warns about it, once per kernel and scheduler.
void fall_back(Scheduler s, const std::string& kernel, std::string reason) {
  while (!reason.empty() && (reason.back() == '\n' || reason.back() == ' ')) reason.pop_back();
  if (!record_schedule_fallback({scheduler_name(s), kernel, reason})) return;
  std::fprintf(stderr,
               "warning: the %s autoscheduler cannot schedule %s (%s); using its hand schedule\n",
               scheduler_name(s), kernel.c_str(), reason.c_str());
}

}  // namespace

const char* scheduler_name(Scheduler s) {
  return info(s).name;
}

const std::vector<std::string>& scheduler_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> all;
    for (Scheduler s : kSchedulers) all.push_back(scheduler_name(s));
    return all;
  }();
  return names;
}

Scheduler parse_scheduler(const std::string& name) {
  for (Scheduler s : kSchedulers)
    if (name == scheduler_name(s)) return s;
  std::string known;
  for (const std::string& n : scheduler_names()) known += (known.empty() ? "" : ", ") + n;
  throw Error("unknown scheduler '" + name + "' (" + known + ")");
}

std::string autoscheduler_plugin_path(Scheduler s) {
  const std::string file = std::string("libautoschedule_") + scheduler_name(s) + ".so";
  std::string tried;
  for (const fs::path& dir : plugin_dirs()) {
    const fs::path path = dir / file;
    if (fs::is_regular_file(path)) return path.string();
    tried += (tried.empty() ? "" : ", ") + path.string();
  }
  throw Error(describe(s) + ": plugin " + file + " not found (tried " +
              (tried.empty() ? "nothing: libHalide is not a shared library" : tried) +
              "; set KILN_HALIDE_PLUGIN_DIR to the directory holding it)");
}

void load_autoscheduler(Scheduler s) {
  if (s == Scheduler::hand) return;
  // A call_once whose function throws may be retried, so a failure is
  // reported again on the next kernel rather than turning into a later
  // "unknown autoscheduler" error.
  static std::array<std::once_flag, 4> once;
  std::call_once(once.at(static_cast<size_t>(s)), [s] {
    const std::string path = autoscheduler_plugin_path(s);
    try {
      Halide::load_plugin(path);
    } catch (const Halide::Error& e) {
      throw Error(describe(s) + ": cannot load plugin " + path + ": " + e.what());
    }
  });
}

std::string schedule_tag(Scheduler s) {
  if (s == Scheduler::hand) return "hand";
  std::string tag = std::string(scheduler_name(s)) + " machine=" + machine_params().to_string();
  for (const char* var : info(s).env)
    if (const char* value = std::getenv(var)) tag += std::string(" ") + var + "=" + value;
  return tag;
}

void set_estimates_from_bounds(Halide::Func output) {
  const Parameter out = output.output_buffer().parameter();
  const std::vector<Halide::Var> vars = output.args();
  for (int d = 0; d < output.dimensions(); ++d) {
    const Bounds b = constant_bounds(out, d);
    output.set_estimate(vars[d], static_cast<int>(b.min), static_cast<int>(b.extent));
  }
  BufferParams inputs;
  inputs.add(output.function());
  for (const auto& found : inputs.found()) {
    Parameter param = found.second;  // a handle: the estimates land in the pipeline's
    for (int d = 0; d < param.dimensions(); ++d) {
      const Bounds b = constant_bounds(param, d);
      param.set_min_constraint_estimate(d, static_cast<int>(b.min));
      param.set_extent_constraint_estimate(d, static_cast<int>(b.extent));
    }
  }
}

std::optional<Halide::Module> compile_autoscheduled_module(
    Scheduler s, Halide::Func output, const std::vector<Halide::Argument>& arguments,
    const Halide::Target& target, const std::string& function_name, const std::string& kernel) {
  if (s == Scheduler::hand)
    throw Error("halide backend: compile_autoscheduled_module needs an autoscheduler");
  load_autoscheduler(s);  // outside the try: a plugin that fails to load is an error
  Halide::Pipeline pipeline(output);
  std::string reason;
  try {
    pipeline.auto_schedule(info(s).registered, target, machine_params());
    Halide::Module module = pipeline.compile_to_module(arguments, function_name, target);
    if (!has_atomic_predicated_store(module)) return module;
    reason = "its schedule needs an atomic predicated store, which Halide 14 cannot generate";
  } catch (const Halide::Error& e) {
    reason = e.what();
  }
  fall_back(s, kernel, reason);
  return std::nullopt;
}

}  // namespace kiln::halide
