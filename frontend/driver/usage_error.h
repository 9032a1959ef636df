// A command line that CLI11 accepted but that asks for something the command cannot do as
// given (an option the chosen backend, or an artifact directory, would ignore). main reports
// it like CLI11's own errors: one message, exit status 2.
#pragma once

#include "ir/error.h"

namespace kiln::driver {

struct UsageError : Error {
  using Error::Error;
};

}  // namespace kiln::driver
