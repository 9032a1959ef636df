// Runs ONNX's own backend test cases (libonnx-testdata) through the importer
// and the reference interpreter, comparing with ONNX's expected outputs at
// rtol 1e-3, atol 1e-7. The cases and their expected status are listed in
// conformance_cases.h; a per-op table of the results is printed.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <set>

#include "backend/reference/interpreter.h"
#include "frontend/onnx/onnx_importer.h"
#include "frontend/onnx/onnx_proto_io.h"
#include "frontend/onnx/onnx_tensor.h"
#include "tests/onnx/conformance_cases.h"
#include "tests/onnx/onnx_test_util.h"

namespace kiln::onnx_test {
namespace {

namespace fs = std::filesystem;
constexpr double kRtol = 1e-3, kAtol = 1e-7;

struct DataSet {
  std::vector<onnx::TensorProto> inputs, outputs;
};

std::vector<onnx::TensorProto> read_numbered(const fs::path& dir, const std::string& prefix) {
  std::vector<onnx::TensorProto> out;
  for (int i = 0;; ++i) {
    const fs::path p = dir / (prefix + std::to_string(i) + ".pb");
    if (!fs::exists(p)) return out;
    out.push_back(onnx_io::read_tensor_proto(p.string()));
  }
}

std::vector<DataSet> read_data_sets(const fs::path& case_dir) {
  std::vector<fs::path> dirs;
  for (const auto& e : fs::directory_iterator(case_dir))
    if (e.is_directory() && e.path().filename().string().rfind("test_data_set_", 0) == 0)
      dirs.push_back(e.path());
  std::sort(dirs.begin(), dirs.end());
  std::vector<DataSet> sets;
  for (const auto& d : dirs)
    sets.push_back({read_numbered(d, "input_"), read_numbered(d, "output_")});
  return sets;
}

// Graph inputs without an initializer: what a test data set feeds, in order.
std::vector<std::string> runtime_inputs(const onnx::ModelProto& m) {
  std::set<std::string> init;
  for (const auto& t : m.graph().initializer()) init.insert(t.name());
  std::vector<std::string> names;
  for (const auto& in : m.graph().input())
    if (!init.count(in.name())) names.push_back(in.name());
  return names;
}

void bind_parameters(onnx::ModelProto& m, const DataSet& ds) {
  const std::vector<std::string> names = runtime_inputs(m);
  for (size_t k = 1; k < names.size() && k < ds.inputs.size(); ++k) {
    onnx::TensorProto t = ds.inputs[k];
    t.set_name(names[k]);
    *m.mutable_graph()->add_initializer() = t;
  }
}

struct Outcome {
  bool passed = false;
  std::string detail;  // why not
};

// Imports with `ds` bound, runs, compares every output.
Outcome run_data_set(const ConformanceCase& c, onnx::ModelProto m, const DataSet& ds) {
  if (c.bind == Bind::data_only) bind_parameters(m, ds);
  ImportedModel im;
  try {
    im = import_onnx_model(m, c.dir);
  } catch (const Error& e) {
    return {false, std::string("import: ") + e.what()};
  }
  try {
    const std::vector<Node*> inputs = im.graph->inputs();
    if (inputs.size() > ds.inputs.size()) return {false, "the data set has too few inputs"};
    TensorMap feed;
    for (size_t i = 0; i < inputs.size(); ++i)
      feed[inputs[i]->name()] = onnx_io::float_tensor(ds.inputs[i]);
    const TensorMap out = reference::run(*im.graph, im.weights, feed);
    const auto& outputs = im.graph->outputs();
    if (outputs.size() != ds.outputs.size()) return {false, "output count differs"};
    for (size_t i = 0; i < outputs.size(); ++i) {
      const std::string diff = compare_tensors(out.at(outputs[i].value->name()),
                                               onnx_io::float_tensor(ds.outputs[i]), kRtol, kAtol);
      if (!diff.empty()) return {false, "output " + std::to_string(i) + ": " + diff};
    }
  } catch (const Error& e) {
    return {false, std::string("run: ") + e.what()};
  }
  return {true, ""};
}

Outcome run_case(const ConformanceCase& c) {
  const fs::path dir = onnx_testdata_root() / c.dir;
  const onnx::ModelProto model = onnx_io::read_model_proto((dir / "model.onnx").string());
  const std::vector<DataSet> sets = read_data_sets(dir);
  if (sets.empty()) return {false, "no test_data_set_* directories"};
  for (const DataSet& ds : sets) {
    Outcome o = run_data_set(c, model, ds);
    if (!o.passed) return o;
  }
  return {true, ""};
}

struct Tally {
  int passed = 0, failed = 0, skipped = 0;
};

void print_table(const std::vector<std::pair<std::string, Tally>>& rows) {
  Tally total;
  std::printf("\n%-22s %7s %7s %8s\n", "ONNX op", "passed", "failed", "skipped");
  for (const auto& [op, t] : rows) {
    std::printf("%-22s %7d %7d %8d\n", op.c_str(), t.passed, t.failed, t.skipped);
    total.passed += t.passed, total.failed += t.failed, total.skipped += t.skipped;
  }
  std::printf("%-22s %7d %7d %8d\n\n", "total", total.passed, total.failed, total.skipped);
}

Tally& row(std::vector<std::pair<std::string, Tally>>& rows, const std::string& op) {
  for (auto& r : rows)
    if (r.first == op) return r.second;
  return rows.emplace_back(op, Tally{}).second;
}

TEST(OnnxConformance, ListedCasesBehaveAsExpected) {
  std::vector<std::pair<std::string, Tally>> rows;
  const bool verbose = std::getenv("KILN_ONNX_VERBOSE") != nullptr;
  for (const ConformanceCase& c : conformance_cases()) {
    const Outcome o = run_case(c);
    Tally& t = row(rows, c.op);
    if (verbose) std::printf("%-60s %s %s\n", c.dir, o.passed ? "PASS" : "FAIL", o.detail.c_str());
    if (c.expect == Expect::pass) {
      o.passed ? ++t.passed : ++t.failed;
      EXPECT_TRUE(o.passed) << c.dir << ": " << o.detail;
    } else if (o.passed) {
      ++t.failed;
      ADD_FAILURE() << c.dir << " is listed as skipped (" << c.reason
                    << ") but passes: make it a pass case";
    } else {
      ++t.skipped;
    }
  }
  print_table(rows);
}

TEST(OnnxConformance, ListIsWellFormed) {
  std::set<std::string> seen;
  for (const ConformanceCase& c : conformance_cases()) {
    EXPECT_TRUE(seen.insert(c.dir).second) << c.dir << " is listed twice";
    EXPECT_TRUE(fs::exists(onnx_testdata_root() / c.dir / "model.onnx")) << c.dir << " is missing";
    EXPECT_EQ(c.expect == Expect::skip, std::string(c.reason).size() > 0)
        << c.dir << ": a skip needs a reason, a pass case has none";
  }
}

// Every node/ case of the op types in scope is listed, so a case added to
// the test data (or forgotten) shows up here rather than going unrun.
TEST(OnnxConformance, EveryNodeCaseOfCoveredOpsIsListed) {
  static const char* const prefixes[] = {"test_conv",
                                         "test_basic_conv",
                                         "test_relu",
                                         "test_batchnorm",
                                         "test_maxpool",
                                         "test_averagepool",
                                         "test_globalaveragepool",
                                         "test_globalmaxpool",
                                         "test_lrn",
                                         "test_concat",
                                         "test_add",
                                         "test_sum",
                                         "test_gemm",
                                         "test_matmul",
                                         "test_flatten",
                                         "test_reshape",
                                         "test_dropout",
                                         "test_softmax",
                                         "test_identity",
                                         "test_constant",
                                         "test_edge_pad",
                                         "test_reflect_pad",
                                         "test_clip",
                                         "test_leakyrelu",
                                         "test_sigmoid"};
  std::set<std::string> listed;
  for (const ConformanceCase& c : conformance_cases()) listed.insert(c.dir);
  int covered = 0;
  for (const auto& e : fs::directory_iterator(onnx_testdata_root() / "node")) {
    const std::string name = e.path().filename().string();
    for (const char* p : prefixes)
      if (name.rfind(p, 0) == 0) {
        ++covered;
        EXPECT_TRUE(listed.count("node/" + name)) << "node/" << name << " is not listed";
        break;
      }
  }
  EXPECT_GT(covered, 150);
}

}  // namespace
}  // namespace kiln::onnx_test
