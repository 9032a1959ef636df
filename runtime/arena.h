// The activation arena: one 64-byte aligned, zeroed allocation per loaded model, made at load
// time. Every intermediate tensor is an offset into it (the generator's liveness packing).
#pragma once

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "runtime/error.h"

namespace kiln::rt {

class Arena {
 public:
  explicit Arena(int64_t bytes) {
    if (bytes <= 0) return;
    // aligned_alloc wants a multiple of the alignment.
    const size_t rounded = (static_cast<size_t>(bytes) + 63) / 64 * 64;
    data_.reset(static_cast<float*>(std::aligned_alloc(64, rounded)));
    if (data_ == nullptr) {
      throw Error("cannot allocate the " + std::to_string(bytes) + "-byte activation arena");
    }
    // Pad lanes of blocked tensors are read by some kernels before anything writes them.
    std::memset(data_.get(), 0, rounded);
  }

  float* data() const { return data_.get(); }

 private:
  struct Free {
    void operator()(float* p) const { std::free(p); }
  };
  std::unique_ptr<float, Free> data_;
};

}  // namespace kiln::rt
