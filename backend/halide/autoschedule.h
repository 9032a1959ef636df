// Scheduling a kernel with one of the autoschedulers that ship with Halide
// (Adams2019, Li2018, Mullapudi2016) instead of Kiln's hand schedule, so that
// users can compare them (`kiln compile --scheduler=adams2019`).
//
// Every kernel family has define_X(spec, block), an unscheduled pipeline whose
// buffers are all constrained to constant extents, and compile_X_module(spec,
// target, fn), the hand-scheduled kernel. scheduled_build() picks between the
// two: for an autoscheduler it turns the constant bounds into the estimates
// the autoschedulers need, runs the plugin's search and compiles the result.
//
// The plugins are shared libraries found in $KILN_HALIDE_PLUGIN_DIR when set,
// else in halide<major>/ next to the loaded libHalide (Debian's layout), else
// next to libHalide itself (upstream's). Adams2019 uses the cost-model weights
// built into its plugin; its HL_* environment variables (HL_BEAM_SIZE, ...)
// are honoured and, because they change the schedule, are part of
// schedule_tag() and so of the kernel cache key.
//
// Failures: a missing or unloadable plugin throws kiln::Error naming the
// scheduler and the plugin's path. A kernel the autoscheduler cannot schedule
// (its search throws, or its schedule does not lower, or it needs a store
// Halide 14 cannot generate: Li2018 vectorizes small reductions into
// predicated atomic stores, halide/Halide#4298) falls back to its hand
// schedule: a warning is printed once per kernel and process, and the
// fallback is recorded (schedule_fallbacks.h). Falling back depends only
// on the kernel, the scheduler and Halide, so the kernel cache stays exact.
// Code generation errors that no check predicts still fail the compilation,
// naming the kernel and its schedule.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "Halide.h"
#include "backend/halide/layout.h"
#include "backend/halide/schedule_description.h"

namespace kiln::halide {

enum class Scheduler { hand, adams2019, li2018, mullapudi2016 };

// "hand", "adams2019", "li2018", "mullapudi2016": the --scheduler spellings.
const char* scheduler_name(Scheduler s);
// Every spelling, in enum order.
const std::vector<std::string>& scheduler_names();
// Throws kiln::Error listing the valid names.
Scheduler parse_scheduler(const std::string& name);

// The plugin file of an autoscheduler (not hand), where it is looked for.
// Throws kiln::Error naming the scheduler and the paths tried when absent.
std::string autoscheduler_plugin_path(Scheduler s);
// Loads the plugin once per process (hand: nothing). Throws kiln::Error
// naming the scheduler and the plugin's path when it cannot be loaded.
void load_autoscheduler(Scheduler s);

// What besides the kernel's algorithm and target decides its schedule:
// "hand", or e.g. "adams2019 machine=16,16777216,40 HL_BEAM_SIZE=1".
std::string schedule_tag(Scheduler s);

// Sets estimates on `output` and on every input buffer it reads from their
// constant bounds (set_bounds in define_X). Throws kiln::Error for a
// dimension without constant bounds.
void set_estimates_from_bounds(Halide::Func output);

// Autoschedules the unscheduled pipeline computing `output` (estimates set)
// with `s` and compiles it; nullopt (warned about and recorded) when the
// autoscheduler cannot schedule it. `kernel` names it in messages.
std::optional<Halide::Module> compile_autoscheduled_module(
    Scheduler s, Halide::Func output, const std::vector<Halide::Argument>& arguments,
    const Halide::Target& target, const std::string& function_name, const std::string& kernel);

using KernelBuild =
    std::function<Halide::Module(const Halide::Target&, const std::string& function_name)>;

// The build function of a kernel of some family: compile_hand for
// Scheduler::hand, else define + the autoscheduler `s` (compile_hand when it
// cannot). `kernel` names the kernel in messages, e.g. "conv2d:n1_c64_...".
template <typename Spec, typename Pipeline>
KernelBuild scheduled_build(Scheduler s, const std::string& kernel, const Spec& spec,
                            Pipeline (*define)(const Spec&, int block),
                            Halide::Module (*compile_hand)(const Spec&, const Halide::Target&,
                                                           const std::string&)) {
  if (s == Scheduler::hand)
    return [spec, compile_hand](const Halide::Target& t, const std::string& fn) {
      return compile_hand(spec, t, fn);
    };
  return [s, kernel, spec, define, compile_hand](const Halide::Target& t, const std::string& fn) {
    Pipeline p = define(spec, channel_block(t));
    set_estimates_from_bounds(p.output);
    // After the estimates, so that the arguments' metadata carries them too.
    std::optional<Halide::Module> m =
        compile_autoscheduled_module(s, p.output, p.arguments(), t, fn, kernel);
    if (!m) return compile_hand(spec, t, fn);
    record_schedule_description(schedule_tag(s));
    return *m;
  };
}

}  // namespace kiln::halide
