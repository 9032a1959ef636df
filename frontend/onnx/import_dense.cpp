// Gemm and MatMul with a constant right-hand side -> dense, whose weight is
// [out, in] (Gemm with transB=1, as PyTorch's Linear exports). alpha, beta
// and transB fold into the constants; a bias that is not per-column becomes
// an add.
#include "frontend/onnx/import_ops.h"
#include "frontend/onnx/onnx_tensor.h"

namespace kiln::onnx_io {

namespace {

Tensor transposed(const Tensor& t) {
  const int64_t rows = t.type.dim(0), cols = t.type.dim(1);
  Tensor out(TensorType({cols, rows}));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) out.data[c * rows + r] = t.data[r * cols + c];
  return out;
}

Tensor scaled(Tensor t, double factor) {
  if (factor != 1.0)
    for (float& v : t.data) v = static_cast<float>(v * factor);
  return t;
}

// The data operand: rank 2 and computed at run time (a constant left side
// would need the product the other way round).
Node* data_operand(ImportContext& ctx, const onnx::NodeProto& n) {
  if (ctx.constant(operand(n, 0)) && !ctx.constant(operand(n, 1)))
    throw Unsupported{"a constant left operand with a runtime right operand"};
  Node* a = ctx.tensor(operand(n, 0));
  if (a->type().rank() != 2)
    throw Unsupported{"rank-" + std::to_string(a->type().rank()) +
                      " operands (Kiln's dense is 2-D)"};
  return a;
}

// A bias that is one value per output column: [N], [1, N], or one value.
bool per_column(const std::vector<int64_t>& dims, int64_t columns) {
  int64_t count = 1;
  for (int64_t d : dims) count *= d;
  if (count == 1) return true;
  return dims == std::vector<int64_t>{columns} || dims == std::vector<int64_t>{1, columns};
}

Tensor column_bias(const Tensor& c, int64_t columns, double beta) {
  Tensor out(TensorType({columns}));
  for (int64_t j = 0; j < columns; ++j)
    out.data[j] = static_cast<float>(beta * c.data[c.data.size() == 1 ? 0 : j]);
  return out;
}

Node* dense(ImportContext& ctx, const std::string& name, Node* x, Node* w, Node* bias) {
  std::vector<Node*> operands = {x, w};
  if (bias) operands.push_back(bias);
  return ctx.builder().op("dense", name, operands);
}

// Gemm's C: a dense bias when per column, else an add after the product.
Node* gemm_with_bias(ImportContext& ctx, const onnx::NodeProto& n, Node* x, Node* w, double beta) {
  const std::string& out = n.output(0);
  const int64_t columns = w->type().dim(0);
  if (!ImportContext::present(n, 2) || beta == 0.0)
    return dense(ctx, ctx.fresh_name(out), x, w, nullptr);
  const std::string& c_name = n.input(2);
  const onnx::TensorProto* c = ctx.constant(c_name);
  if (c && per_column(dims_of(*c), columns)) {
    const bool as_is = beta == 1.0 && dims_of(*c) == std::vector<int64_t>{columns};
    Node* bias = as_is ? ctx.tensor(c_name)
                       : ctx.add_weight(out + ".bias", column_bias(ctx.constant_float(c_name, "C"),
                                                                   columns, beta));
    return dense(ctx, ctx.fresh_name(out), x, w, bias);
  }
  Node* c_node = nullptr;
  if (c) {
    Tensor ct = ctx.constant_float(c_name, "C");
    c_node = beta == 1.0 ? ctx.tensor(c_name) : ctx.add_weight(out + ".bias", scaled(ct, beta));
  } else {
    if (beta != 1.0) throw Unsupported{"beta != 1 with a C computed at run time"};
    c_node = ctx.tensor(c_name);
  }
  Node* product = dense(ctx, ctx.fresh_name(out + "/dense"), x, w, nullptr);
  return ctx.builder().add(ctx.fresh_name(out), product, c_node);
}

}  // namespace

void convert_gemm(ImportContext& ctx, const onnx::NodeProto& n) {
  NodeAttrs a(n);
  // Opsets before 7 mark the C broadcast with `broadcast`; the numpy rules
  // used here cover its cases.
  a.allow_only({"alpha", "beta", "transA", "transB", "broadcast"});
  if (a.get_int("transA", 0) != 0)
    throw Unsupported{"transA=1 on a runtime operand (the IR has no transpose op)"};
  Node* x = data_operand(ctx, n);
  const std::string& b_name = operand(n, 1);
  Tensor b = ctx.constant_float(b_name, "B");
  if (b.type.rank() != 2) throw Error("B '" + b_name + "' must have rank 2, got " + b.type.str());
  const bool trans_b = a.get_int("transB", 0) != 0;
  const double alpha = a.get_float("alpha", 1.0);
  Node* w = trans_b && alpha == 1.0
                ? ctx.tensor(b_name)
                : ctx.add_weight(n.output(0) + ".weight",
                                 scaled(trans_b ? std::move(b) : transposed(b), alpha));
  ctx.define(n.output(0), gemm_with_bias(ctx, n, x, w, a.get_float("beta", 1.0)));
}

namespace {

// MatMul followed by nothing but an Add of a per-column constant is a dense
// layer with a bias (how PyTorch exports Linear on some paths).
const onnx::NodeProto* bias_add_after(ImportContext& ctx, const onnx::NodeProto& n, int64_t columns,
                                      std::string& bias_name) {
  const std::string& out = n.output(0);
  if (ctx.use_count(out) != 1 || ctx.consumers(out).size() != 1) return nullptr;
  const onnx::NodeProto* add = ctx.consumers(out)[0];
  if (add->op_type() != "Add" || !add->domain().empty() || add->input_size() != 2 ||
      add->attribute_size() != 0 || add->input(0) == add->input(1))
    return nullptr;
  bias_name = add->input(0) == out ? add->input(1) : add->input(0);
  const onnx::TensorProto* bias = ctx.peek_constant(bias_name);
  if (!bias || bias->data_type() != onnx::TensorProto::FLOAT) return nullptr;
  const auto dims = dims_of(*bias);
  if (dims != std::vector<int64_t>{columns} && dims != std::vector<int64_t>{1, columns})
    return nullptr;
  return add;
}

}  // namespace

void convert_matmul(ImportContext& ctx, const onnx::NodeProto& n) {
  NodeAttrs(n).allow_only({});
  Node* x = data_operand(ctx, n);
  const std::string& b_name = operand(n, 1);
  const Tensor b = ctx.constant_float(b_name, "right operand");
  if (b.type.rank() != 2)
    throw Unsupported{"a rank-" + std::to_string(b.type.rank()) + " right operand"};
  Node* w = ctx.add_weight(b_name + "/T", transposed(b));
  std::string bias_name;
  if (const onnx::NodeProto* add = bias_add_after(ctx, n, w->type().dim(0), bias_name)) {
    Tensor bias = ctx.constant_float(bias_name, "bias");
    bias.type = TensorType({w->type().dim(0)});
    Node* y = dense(ctx, ctx.fresh_name(add->output(0)), x, w,
                    ctx.add_weight(bias_name, std::move(bias)));
    ctx.absorb(add);
    ctx.define(add->output(0), y);
    return;
  }
  ctx.define(n.output(0), dense(ctx, ctx.fresh_name(n.output(0)), x, w, nullptr));
}

}  // namespace kiln::onnx_io
