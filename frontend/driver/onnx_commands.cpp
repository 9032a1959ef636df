// `kiln import` (ONNX -> text IR + safetensors) and `kiln export` (any
// model, optionally after passes -> ONNX with its weights).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <fstream>

#include "frontend/driver/command.h"
#include "frontend/driver/model_options.h"
#include "frontend/driver/pass_options.h"
#include "frontend/onnx/onnx_exporter.h"
#include "frontend/onnx/onnx_importer.h"
#include "frontend/weights.h"
#include "ir/printer.h"

namespace kiln::driver {

namespace {

struct ImportArgs {
  std::string model;
  std::string out;
  std::string weights_out;
};

int import_model(const ImportArgs& a) {
  ImportedModel m = import_onnx(a.model);
  std::ofstream out(a.out, std::ios::binary);
  if (!out) throw Error("cannot write '" + a.out + "'");
  out << print_graph(*m.graph);
  if (!out.flush()) throw Error("cannot write '" + a.out + "'");
  std::string weights = a.weights_out.empty() ? a.out + ".safetensors" : a.weights_out;
  save_weights(weights, m.weights);
  fmt::print("imported @{} ({} nodes, {} weight tensors) to {} and {}\n", m.graph->name(),
             m.graph->size(), m.weights.size(), a.out, weights);
  return 0;
}

struct ExportArgs {
  ModelOptions model;
  std::string out;
  PassFlags passes;
};

int export_model(const ExportArgs& a) {
  auto [g, weights] = load_model_with_weights(a.model);
  run_selected_passes(*g, weights, a.passes);
  export_onnx(*g, weights, a.out);
  fmt::print("exported @{} to {}\n", g->name(), a.out);
  return 0;
}

}  // namespace

Command add_import_command(CLI::App& parent) {
  auto args = std::make_shared<ImportArgs>();
  CLI::App* app = parent.add_subcommand("import", "Convert an ONNX model to text IR and weights");
  app->add_option("MODEL", args->model, "An .onnx file")->required()->check(CLI::ExistingFile);
  app->add_option("-o,--output", args->out, "Text IR file to write")->required()->type_name("FILE");
  app->add_option("--weights-out", args->weights_out,
                  "Safetensors file to write (default: OUTPUT.safetensors)")
      ->type_name("FILE");
  return {app, [args] { return import_model(*args); }};
}

Command add_export_command(CLI::App& parent) {
  auto args = std::make_shared<ExportArgs>();
  CLI::App* app = parent.add_subcommand(
      "export", "Write a model (optionally after passes) as ONNX with its weights");
  add_model_argument(*app, args->model);
  add_weight_options(*app, args->model);
  add_batch_option(*app, args->model);
  app->add_option("-o,--output", args->out, "ONNX file to write")->required()->type_name("FILE");
  add_pass_options(*app, args->passes, DefaultPasses::kNone);
  return {app, [args] { return export_model(*args); }};
}

}  // namespace kiln::driver
