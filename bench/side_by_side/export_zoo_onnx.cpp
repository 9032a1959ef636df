// Writes a Kiln model with the weights `kiln bench MODEL --seed SEED` uses
// (seeded_weights) as ONNX, so that ONNX Runtime and PyTorch run exactly the
// network and numbers Kiln runs. Built by run.sh against the static libraries
// of a Kiln build: there is no `kiln export` command yet.
//
// usage: export_zoo_onnx MODEL.kir SEED OUT.onnx
#include <cstdint>
#include <cstdio>
#include <exception>
#include <string>

#include "frontend/onnx/onnx_exporter.h"
#include "frontend/parser.h"
#include "frontend/weight_init.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s MODEL.kir SEED OUT.onnx\n", argv[0]);
    return 2;
  }
  try {
    std::unique_ptr<kiln::Graph> g = kiln::parse_graph_file(argv[1]);
    kiln::WeightMap weights = kiln::seeded_weights(*g, std::stoull(argv[2]));
    kiln::export_onnx(*g, weights, argv[3]);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
