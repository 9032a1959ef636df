#include "backend/halide/codegen/weights_packing.h"

#include <cstring>
#include <map>
#include <utility>

#include "runtime/checksum.h"
#include "runtime/weights_format.h"

namespace kiln::halide::codegen {
namespace {

constexpr int64_t kAlignFloats = weights_format::kAlignment / sizeof(float);

int64_t align_up(int64_t n) {
  return (n + kAlignFloats - 1) / kAlignFloats * kAlignFloats;
}

}  // namespace

PackedWeights pack_weights(const Plan& plan, const CheckedPlan& checked) {
  PackedWeights out;
  // Placement first, then one allocation and one copy per span: appending let the payload
  // (144 MB on ResNet-50) grow by doubling, copying it again into fresh pages at every step.
  std::map<std::pair<int64_t, int64_t>, int64_t> placed;  // (old offset, span) -> new offset
  struct Copy {
    int64_t from, to, span;
  };
  std::vector<Copy> copies;
  int64_t size = 0;
  for (size_t t = 0; t < plan.tensors.size(); ++t) {
    const PlanTensor& x = plan.tensors[t];
    out.offsets.push_back(x.offset);
    const bool weights_root =
        checked.root[t] == static_cast<int>(t) && x.storage == PlanTensor::Storage::weights;
    if (!weights_root) continue;
    const int64_t span = span_floats(x);
    auto [it, fresh] = placed.try_emplace({x.offset, span}, align_up(size));
    if (fresh) {
      copies.push_back({x.offset, it->second, span});
      size = it->second + span;
    }
    out.offsets.back() = it->second;
  }
  out.payload.assign(align_up(size), 0.0f);  // zero padding between and after the tensors
  for (const Copy& c : copies) {
    if (c.span > 0)
      std::memcpy(out.payload.data() + c.to, plan.weights_blob.data() + c.from,
                  c.span * sizeof(float));
  }
  out.checksum = xxh64(out.payload.data(), out.payload.size() * sizeof(float));
  return out;
}

std::string weights_header(const PackedWeights& weights, uint64_t library_checksum) {
  weights_format::Header h{};
  std::memcpy(h.magic, weights_format::kMagic, sizeof h.magic);
  h.version = weights_format::kVersion;
  h.header_bytes = sizeof h;
  h.payload_bytes = static_cast<uint64_t>(weights.bytes());
  h.checksum = weights.checksum;
  h.alignment = weights_format::kAlignment;
  h.library_checksum = library_checksum;
  return std::string(reinterpret_cast<const char*>(&h), sizeof h);
}

}  // namespace kiln::halide::codegen
