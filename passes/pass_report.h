// The text run_pipeline writes to its log: remarks, the statistics table and
// the numerics failure message.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "passes/numerics_check.h"
#include "passes/pass_manager.h"

namespace kiln {

// "file:line:col: remark: fold-bn: folded %bn1 into %conv1", or with
// "missed:" for missed remarks; without a location it starts at the kind.
std::string format_remark(const Remark& r);

// One block per pipeline position: time, parameters and FLOPs before ->
// after, then the pass's own counters.
void print_statistics(std::ostream& out, const std::vector<PassStep>& steps);

// "verify-numerics: pass 'x' changed the outputs: ..." naming the worst
// output element.
std::string numerics_failure(const std::string& pass, const passes::Discrepancy& d,
                             double tolerance);

}  // namespace kiln
