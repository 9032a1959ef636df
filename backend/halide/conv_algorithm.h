// Which algorithm computes a conv2d: the direct register-tiled kernel (conv2d_kernel.h) or
// Winograd F(m x m, 3x3) (winograd_conv2d_kernel.h), as chosen by the user
// (`--conv-algorithm=auto|direct|winograd`) and, for auto, by a cost rule measured on the
// hand schedules (see choose_conv_algorithm).
#pragma once

#include <string>
#include <vector>

#include "backend/halide/autoschedule.h"
#include "backend/halide/conv2d_kernel.h"

namespace kiln::halide {

enum class ConvAlgorithm { automatic, direct, winograd };

// "auto", "direct", "winograd": the --conv-algorithm spellings, in enum order.
const char* conv_algorithm_name(ConvAlgorithm a);
const std::vector<std::string>& conv_algorithm_names();
// Throws kiln::Error listing the valid names.
ConvAlgorithm parse_conv_algorithm(const std::string& name);

struct ConvChoice {
  bool winograd = false;
  int tile = 0;  // m of F(m x m, 3x3) when winograd
};

// The algorithm for one conv2d. `winograd` forces Winograd on every eligible conv (3x3,
// stride 1, dilation 1, groups 1), `direct` never uses it, `automatic` uses it where it was
// measured faster with the hand schedules (never with an autoscheduler: its rule was not
// measured there).
ConvChoice choose_conv_algorithm(const Conv2dSpec& spec, ConvAlgorithm requested,
                                 Scheduler scheduler);

}  // namespace kiln::halide
