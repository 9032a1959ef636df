// The built-in passes' factories, one a file; pass_registry.cpp lists them.
#pragma once

#include <memory>

#include "passes/pass.h"

namespace kiln::passes {

std::unique_ptr<Pass> make_strip_training();
std::unique_ptr<Pass> make_fold_batch_norm();
std::unique_ptr<Pass> make_fuse_conv_activation();
std::unique_ptr<Pass> make_canonicalize();
std::unique_ptr<Pass> make_dce();

}  // namespace kiln::passes
