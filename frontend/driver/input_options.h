// `kiln run --input NAME=FILE.npy`: binding graph inputs to .npy files, and
// seeded inputs for the rest.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "ir/tensor.h"

namespace CLI {
class App;
}

namespace kiln::driver {

void add_input_option(CLI::App& app, std::vector<std::string>& specs);

// What a file of another batch size than the input's is told to do: a model
// takes --batch, a compiled artifact's batch is fixed until it is recompiled.
enum class BatchAdvice { kBatchFlag, kRecompile };

// One tensor per graph input: read from its --input file, else generated
// from `seed` (input i uses seed + i, so that two inputs differ). Throws
// kiln::Error when a spec names no graph input, an input is given twice,
// or a file's shape is not the input's.
TensorMap make_inputs(const Graph& g, const std::vector<std::string>& specs, uint64_t seed,
                      BatchAdvice advice = BatchAdvice::kBatchFlag);

}  // namespace kiln::driver
