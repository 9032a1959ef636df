// Import errors: one message listing every unsupported node, dtype and
// attribute; corrupt, truncated and non-ONNX files named in the message.
#include <gtest/gtest.h>

#include <fstream>

#include "frontend/onnx/onnx_exporter.h"
#include "frontend/onnx/onnx_importer.h"
#include "ir/builder.h"
#include "tests/onnx/onnx_model_maker.h"

namespace kiln::onnx_test {
namespace {

using onnx_io::set_attr;

std::string import_error(const onnx::ModelProto& m) {
  try {
    import_onnx_model(m, "model.onnx");
  } catch (const Error& e) {
    return e.what();
  }
  return "(imported without error)";
}

std::string import_file_error(const std::string& path) {
  try {
    import_onnx(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "(imported without error)";
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

TEST(OnnxImportErrors, ListsEveryUnsupportedOpWithNodeNamesAndCounts) {
  OnnxModelMaker m;
  m.input("x", {1, 4}).output("y").output("z");
  m.node("LSTM", {"x"}, {"h1"}, "lstm_1");
  m.node("Relu", {"h1"}, {"r"});  // supported, but fed by an unsupported node: not listed
  m.node("LSTM", {"r"}, {"h2"}, "lstm_2");
  m.node("Where", {"h2", "x", "x"}, {"y"}, "w");
  m.node("Relu", {"x"}, {"z"});
  EXPECT_EQ(import_error(m.model()),
            "model.onnx: cannot import: unsupported ONNX ops: LSTM (2 nodes: lstm_1, lstm_2), "
            "Where (1 node: w)");
}

TEST(OnnxImportErrors, ReportsAttributesDtypesAndOtherDomainsTogether) {
  OnnxModelMaker m;
  m.input("x", {1, 1, 4, 4}).input("u", {1, 4}, onnx::TensorProto::UINT8).output("y").output("v");
  auto& pool = m.node("MaxPool", {"x"}, {"p"}, "pool");
  set_attr(pool, "kernel_shape", std::vector<int64_t>{2, 2});
  set_attr(pool, "dilations", std::vector<int64_t>{2, 2});
  m.node("Relu", {"p"}, {"y"});
  m.node("FusedThing", {"u"}, {"v"}, "ms").set_domain("com.microsoft");
  EXPECT_EQ(import_error(m.model()),
            "model.onnx: cannot import: unsupported ONNX ops: MaxPool (1 node: pool (dilations "
            "other than 1 (Kiln pools have none))), com.microsoft.FusedThing (1 node: ms); "
            "unsupported graph inputs: u (dtype UINT8)");
}

// Kiln's clip holds its bounds as attributes: one computed by the graph
// cannot be imported, and the error names the node and the bound.
TEST(OnnxImportErrors, ClipBoundComputedAtRunTimeNamesTheNode) {
  OnnxModelMaker m(13);
  m.input("x", {1, 4}).input("hi", {1}).output("y");
  m.node("Clip", {"x", "", "hi"}, {"y"}, "relu_n");
  EXPECT_EQ(import_error(m.model()),
            "model.onnx: cannot import: unsupported ONNX ops: Clip (1 node: relu_n (max 'hi' is "
            "computed at run time; Kiln needs constant Clip bounds (an initializer or a "
            "Constant)))");
}

TEST(OnnxImportErrors, NamesAnUnusedOutputThatIsRead) {
  OnnxModelMaker m(13);
  m.input("x", {2, 3}).output("y").output("mask");
  m.node("Dropout", {"x"}, {"y", "mask"}, "drop");
  EXPECT_NE(import_error(m.model()).find("Dropout (1 node: drop (output 1 'mask' is used))"),
            std::string::npos);
}

TEST(OnnxImportErrors, RejectsNewerOpsets) {
  OnnxModelMaker m(18);
  m.input("x", {1}).output("x");
  EXPECT_NE(import_error(m.model()).find("opset 18 is not supported"), std::string::npos);
}

// Every proper prefix of a model file is rejected with the file's name:
// protobuf parses some prefixes, but they lack the graph or the opset.
TEST(OnnxImportErrors, EveryTruncationOfAFileIsAnErrorNamingIt) {
  Graph g("tiny");
  GraphBuilder b(g);
  Node* x = b.input("data", {1, 2, 4, 4});
  b.output(b.relu("r", b.conv2d("conv", x, 2, 3, 1, 1)));
  WeightMap w = {{"conv.weight", Tensor{TensorType({2, 2, 3, 3})}},
                 {"conv.bias", Tensor{TensorType({2})}}};
  std::string bytes;
  ASSERT_TRUE(export_onnx_model(g, w).SerializeToString(&bytes));
  const std::string path =
      (std::filesystem::temp_directory_path() / "kiln_truncated.onnx").string();
  for (size_t len = 0; len < bytes.size(); ++len) {
    write_bytes(path, bytes.substr(0, len));
    const std::string message = import_file_error(path);
    EXPECT_EQ(message.rfind(path + ": ", 0), 0u) << "length " << len << ": " << message;
  }
  write_bytes(path, bytes);
  EXPECT_NO_THROW(import_onnx(path));
  std::filesystem::remove(path);
}

TEST(OnnxImportErrors, NonOnnxFilesAreErrorsNamingThem) {
  const std::string path = (std::filesystem::temp_directory_path() / "kiln_not_onnx.onnx").string();
  for (const std::string& bytes : {std::string("graph @m {\n  %x = input() : f32[1]\n}\n"),
                                   std::string("\x93NUMPY\x01\x00garbage", 15),
                                   std::string("\xff\xff\xff\xff\xff\xff", 6), std::string()}) {
    write_bytes(path, bytes);
    const std::string message = import_file_error(path);
    EXPECT_EQ(message.rfind(path + ": not ", 0), 0u) << message;
  }
  std::filesystem::remove(path);
  EXPECT_EQ(import_file_error(path), path + ": cannot open file: No such file or directory");
}

TEST(OnnxImportErrors, InvalidModelsNameTheNode) {
  OnnxModelMaker m;
  m.input("x", {1, 3}).output("y");
  m.node("Relu", {"nowhere"}, {"y"}, "r");
  EXPECT_EQ(import_error(m.model()),
            "model.onnx: node 'r' (Relu): value 'nowhere' is used before it is defined (or never "
            "defined)");
}

// ONNX graphs are SSA; the second producer used to be imported as "y.1".
TEST(OnnxImportErrors, TwoProducersOfOneValueAreAnError) {
  OnnxModelMaker m;
  m.input("x", {1, 3}).output("y");
  m.node("Relu", {"x"}, {"y"}, "r1");
  m.node("Sigmoid", {"x"}, {"y"});
  EXPECT_EQ(import_error(m.model()),
            "model.onnx: value 'y' is produced by both node 'r1' (Relu) and unnamed node #1 "
            "(Sigmoid) (ONNX assigns each value once)");
  OnnxModelMaker shadow;
  shadow.input("x", {1, 3}).output("x");
  shadow.node("Relu", {"x"}, {"x"}, "r");
  EXPECT_EQ(import_error(shadow.model()),
            "model.onnx: value 'x' is produced by both a graph input and node 'r' (Relu) (ONNX "
            "assigns each value once)");
}

// Relu of a 1x2x4x4 input "x", whose declared shape the tests then edit.
struct ReluOfX {
  OnnxModelMaker m;
  ReluOfX() {
    m.input("x", {1, 2, 4, 4}).output("y");
    m.node("Relu", {"x"}, {"y"}, "r");
  }
  onnx::TensorShapeProto_Dimension* dim(int i) {
    auto* t = m.model().mutable_graph()->mutable_input(0)->mutable_type()->mutable_tensor_type();
    return t->mutable_shape()->mutable_dim(i);
  }
};

TEST(OnnxImportErrors, NegativeInputDimensionIsNamed) {
  ReluOfX r;
  r.dim(1)->set_dim_value(-2);
  EXPECT_EQ(import_error(r.m.model()),
            "model.onnx: graph input 'x' has negative dimension -2 (dimension 1)");
  r.dim(1)->set_dim_value(-3);
  r.dim(0)->set_dim_value(-1);
  EXPECT_EQ(import_error(r.m.model()),
            "model.onnx: graph input 'x' has negative dimension -3 (dimension 1)");
}

// Some exporters write -1 for a dynamic dimension: a batch of -1 reads as a symbolic batch.
TEST(OnnxImportErrors, MinusOneBatchIsSymbolic) {
  ReluOfX r;
  r.dim(0)->set_dim_value(-1);
  EXPECT_EQ(import_error(r.m.model()), "(imported without error)");
}

TEST(OnnxImportErrors, InputWhoseSizeOverflowsIsNamed) {
  OnnxModelMaker m;
  m.input("x", {4294967296, 4294967296, 1, 1}).output("y");
  m.node("Relu", {"x"}, {"y"}, "r");
  EXPECT_EQ(import_error(m.model()),
            "model.onnx: graph input 'x': type f32[4294967296,4294967296,1,1] is too large: its "
            "size in bytes overflows 64 bits");
}

// The product of the known entries used to wrap to 0: SIGFPE.
TEST(OnnxImportErrors, ReshapeToAnOverflowingShapeNamesTheNode) {
  OnnxModelMaker m;
  m.input("x", {1, 32}).output("y");
  m.int_initializer("s", {int64_t{1} << 32, int64_t{1} << 32, -1});
  m.node("Reshape", {"x", "s"}, {"y"}, "rs");
  EXPECT_EQ(import_error(m.model()),
            "model.onnx: node 'rs' (Reshape): %y (reshape): cannot reshape f32[1,32] to "
            "[4294967296, 4294967296, -1]");
}

}  // namespace
}  // namespace kiln::onnx_test
