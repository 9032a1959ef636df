#include "frontend/onnx/onnx_importer.h"

#include <sstream>
#include <unordered_map>
#include <unordered_set>

#include "frontend/onnx/import_context.h"
#include "frontend/onnx/import_ops.h"
#include "frontend/onnx/onnx_names.h"
#include "frontend/onnx/onnx_proto_io.h"
#include "frontend/onnx/onnx_tensor.h"
#include "ir/verifier.h"

namespace kiln {

namespace onnx_io {
namespace {

constexpr int kMinOpset = 1, kMaxOpset = 17;
constexpr size_t kMaxNamesListed = 20;

bool is_default_domain(const std::string& d) {
  return d.empty() || d == "ai.onnx";
}

// Unsupported things grouped by kind ("LSTM", "graph input"), each with the
// nodes in model order and why, for the one error at the end.
class IssueList {
 public:
  void add(const std::string& kind, const std::string& label, const std::string& reason) {
    auto it = std::find_if(groups_.begin(), groups_.end(), [&](auto& g) { return g.kind == kind; });
    if (it == groups_.end()) it = groups_.insert(groups_.end(), Group{kind, {}});
    it->entries.push_back(reason.empty() ? label : label + " (" + reason + ")");
  }
  bool empty() const { return groups_.empty(); }

  std::string message() const {
    std::string ops, inputs;
    for (const Group& g : groups_) {
      std::string& out = g.kind == kInput ? inputs : ops;
      out += (out.empty() ? "" : ", ") + describe(g);
    }
    std::string s;
    if (!ops.empty()) s += "unsupported ONNX ops: " + ops;
    if (!inputs.empty())
      s += std::string(s.empty() ? "" : "; ") + "unsupported graph inputs: " + inputs;
    return s;
  }

  static constexpr const char* kInput = "graph input";

 private:
  struct Group {
    std::string kind;
    std::vector<std::string> entries;
  };

  static std::string describe(const Group& g) {
    if (g.kind == kInput) return join(g.entries);
    const size_t n = g.entries.size();
    return g.kind + " (" + std::to_string(n) + (n == 1 ? " node: " : " nodes: ") + join(g.entries) +
           ")";
  }
  static std::string join(const std::vector<std::string>& v) {
    std::string s;
    for (size_t i = 0; i < v.size() && i < kMaxNamesListed; ++i) s += (i ? ", " : "") + v[i];
    if (v.size() > kMaxNamesListed)
      s += " and " + std::to_string(v.size() - kMaxNamesListed) + " more";
    return s;
  }

  std::vector<Group> groups_;
};

int default_opset(const onnx::ModelProto& m, const std::string& source) {
  for (const auto& o : m.opset_import())
    if (is_default_domain(o.domain())) {
      if (o.version() < kMinOpset || o.version() > kMaxOpset)
        throw Error(source + ": ONNX opset " + std::to_string(o.version()) +
                    " is not supported (this importer knows opsets up to " +
                    std::to_string(kMaxOpset) + ")");
      return static_cast<int>(o.version());
    }
  throw Error(source + ": the model imports no opset of the default ONNX domain");
}

std::string graph_name(const onnx::ModelProto& m) {
  return m.graph().name().empty() ? "model" : sanitize_name(m.graph().name());
}

class Importer {
 public:
  Importer(const onnx::ModelProto& m, const std::string& source)
      : model_(m),
        source_(source),
        graph_(std::make_unique<Graph>(graph_name(m))),
        ctx_(*graph_, weights_, default_opset(m, source), m.graph()) {}

  ImportedModel run() {
    check_single_assignment();
    for (const auto& t : model_.graph().initializer()) {
      ctx_.define_constant(t.name(), &t);
      initializers_.insert(t.name());
    }
    for (const auto& in : model_.graph().input())
      if (!is_initializer(in.name())) add_input(in);
    for (const auto& n : model_.graph().node()) convert(n);
    add_outputs();
    if (!issues_.empty()) throw Error(source_ + ": cannot import: " + issues_.message());
    try {
      verify_or_throw(*graph_);
    } catch (const Error& e) {
      throw Error(source_ + ": the imported graph is invalid: " + e.what());
    }
    return ImportedModel{std::move(graph_), std::move(weights_)};
  }

 private:
  bool is_initializer(const std::string& name) const { return initializers_.count(name) != 0; }

  // ONNX graphs are in SSA form: one producer per value. A second producer
  // used to replace the first under a renamed copy ("y.1"), and whichever
  // the outputs then meant was a guess.
  void check_single_assignment() const {
    std::unordered_map<std::string, std::string> producer;
    for (const auto& t : model_.graph().initializer()) producer.emplace(t.name(), "an initializer");
    // An initializer may also be listed as an input (IR version < 4).
    for (const auto& in : model_.graph().input()) producer.emplace(in.name(), "a graph input");
    const auto& nodes = model_.graph().node();
    for (int i = 0; i < nodes.size(); ++i)
      for (const auto& out : nodes[i].output()) {
        if (out.empty()) continue;  // an omitted optional output
        auto [it, fresh] = producer.emplace(out, producer_name(nodes[i], i));
        if (!fresh)
          throw Error(source_ + ": value '" + out + "' is produced by both " + it->second +
                      " and " + producer_name(nodes[i], i) + " (ONNX assigns each value once)");
      }
  }

  static std::string producer_name(const onnx::NodeProto& n, int index) {
    const std::string where =
        n.name().empty() ? "unnamed node #" + std::to_string(index) : "node '" + n.name() + "'";
    return where + " (" + n.op_type() + ")";
  }

  // The static shape, or the reason there is none. Throws on a shape that
  // is not merely unsupported but invalid.
  std::string input_dims(const std::string& name, const onnx::TypeProto_Tensor& t,
                         std::vector<int64_t>& dims) {
    if (t.elem_type() != onnx::TensorProto::FLOAT) return "dtype " + dtype_name(t.elem_type());
    if (!t.has_shape()) return "no shape";
    if (t.shape().dim_size() == 0) return "a scalar (Kiln inputs have a batch dimension)";
    for (int i = 0; i < t.shape().dim_size(); ++i) {
      const auto& d = t.shape().dim(i);
      // Some exporters write -1 for a dynamic dimension instead of a dim_param.
      const bool dynamic = !d.has_dim_value() || d.dim_value() == -1;
      if (d.has_dim_value() && d.dim_value() < -1) {
        throw Error(source_ + ": graph input '" + name + "' has negative dimension " +
                    std::to_string(d.dim_value()) + " (dimension " + std::to_string(i) + ")");
      } else if (d.has_dim_value() && d.dim_value() > 0) {
        dims.push_back(d.dim_value());
      } else if (!dynamic) {
        return "a zero-sized dimension";
      } else if (i == 0) {
        dims.push_back(1);  // a symbolic batch: the user re-batches
      } else {
        return "symbolic dimension " + std::to_string(i) +
               (d.dim_param().empty() ? "" : " '" + d.dim_param() + "'");
      }
    }
    check_input_size(name, dims);
    return "";
  }

  void check_input_size(const std::string& name, const std::vector<int64_t>& dims) const {
    try {
      TensorType(dims).check_size();
    } catch (const Error& e) {
      throw Error(source_ + ": graph input '" + name + "': " + e.what());
    }
  }

  void add_input(const onnx::ValueInfoProto& in) {
    std::vector<int64_t> dims;
    const std::string problem = in.type().has_tensor_type()
                                    ? input_dims(in.name(), in.type().tensor_type(), dims)
                                    : "not a tensor (sequence, map or optional)";
    if (!problem.empty()) {
      issues_.add(IssueList::kInput, in.name(), problem);
      ctx_.poison(in.name());
      return;
    }
    ctx_.define(in.name(), ctx_.builder().input(ctx_.fresh_name(in.name()), dims));
  }

  void poison_outputs(const onnx::NodeProto& n) {
    for (const auto& o : n.output())
      if (!o.empty()) ctx_.poison(o);
  }

  // Kiln ops have one result; the extra ONNX outputs (Dropout's mask,
  // MaxPool's indices, BatchNormalization's training statistics) are
  // supported only while nothing reads them.
  void check_extra_outputs(const onnx::NodeProto& n) {
    if (n.output_size() == 0) throw Error("the node has no outputs");
    for (int i = 1; i < n.output_size(); ++i)
      if (!n.output(i).empty() && ctx_.use_count(n.output(i)) > 0)
        throw Unsupported{"output " + std::to_string(i) + " '" + n.output(i) + "' is used"};
  }

  void convert(const onnx::NodeProto& n) {
    if (ctx_.is_absorbed(&n)) return;
    const bool ours = is_default_domain(n.domain());
    const std::string type = ours ? n.op_type() : n.domain() + "." + n.op_type();
    const std::string label = node_label(n);
    const Converter converter = ours ? find_converter(n.op_type()) : nullptr;
    if (!converter) {
      issues_.add(type, label, "");
      poison_outputs(n);
      return;
    }
    try {
      check_extra_outputs(n);
      converter(ctx_, n);
    } catch (const Unsupported& u) {
      issues_.add(u.op_type.empty() ? type : u.op_type, u.node_label.empty() ? label : u.node_label,
                  u.reason);
      poison_outputs(n);
    } catch (const Poisoned&) {
      poison_outputs(n);
    } catch (const Error& e) {
      throw Error(source_ + ": node '" + label + "' (" + type + "): " + e.what());
    }
  }

  std::vector<OutputRole> output_roles() const {
    std::vector<OutputRole> roles(static_cast<size_t>(model_.graph().output_size()),
                                  OutputRole::main);
    for (const auto& p : model_.metadata_props()) {
      if (p.key() != kOutputRolesKey) continue;
      std::stringstream ss(p.value());
      std::string role;
      for (size_t i = 0; std::getline(ss, role, ',') && i < roles.size(); ++i)
        if (role == "aux") roles[i] = OutputRole::aux;
    }
    return roles;
  }

  void add_outputs() {
    const std::vector<OutputRole> roles = output_roles();
    for (int i = 0; i < model_.graph().output_size(); ++i) {
      const std::string& name = model_.graph().output(i).name();
      try {
        graph_->add_output(ctx_.tensor(name), roles[static_cast<size_t>(i)]);
      } catch (const Unsupported& u) {
        issues_.add(u.op_type.empty() ? "graph output" : u.op_type,
                    u.node_label.empty() ? name : u.node_label, u.reason);
      } catch (const Poisoned&) {
      } catch (const Error& e) {
        throw Error(source_ + ": graph output '" + name + "': " + e.what());
      }
    }
  }

  const onnx::ModelProto& model_;
  std::string source_;
  std::unique_ptr<Graph> graph_;
  WeightMap weights_;
  ImportContext ctx_;
  IssueList issues_;
  std::unordered_set<std::string> initializers_;
};

}  // namespace
}  // namespace onnx_io

ImportedModel import_onnx_model(const onnx::ModelProto& model, const std::string& source) {
  return onnx_io::Importer(model, source).run();
}

ImportedModel import_onnx(const std::string& path) {
  const onnx::ModelProto model = onnx_io::read_model_proto(path);
  return import_onnx_model(model, path);
}

}  // namespace kiln
