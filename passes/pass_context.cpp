#include <algorithm>

#include "passes/pass.h"

namespace kiln {

std::string Remark::str() const {
  return pass + ": " + message;
}

void PassContext::remark(Remark::Kind kind, const std::string& pass, const Node& at,
                         std::string message) {
  remarks_.push_back({kind, pass, at.name(), std::move(message), at.loc()});
}

void PassContext::count(const std::string& pass, const std::string& statistic, int64_t delta) {
  stats_[pass][statistic] += delta;
}

}  // namespace kiln
