#include "frontend/parser.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unordered_map>

#include "frontend/lexer.h"
#include "frontend/spelling.h"
#include "ir/verifier.h"

namespace kiln {

namespace {

std::string describe(const Token& t) {
  switch (t.kind) {
    case Tok::End:
      return "end of file";
    case Tok::Value:
      return "'%" + t.text + "'";
    case Tok::Global:
      return "'@" + t.text + "'";
    case Tok::String:
      return "string \"" + t.text + "\"";
    default:
      return "'" + t.text + "'";
  }
}

class Parser {
 public:
  Parser(const std::string& text, const std::string& file) : lex_(text, file) {
    tok_ = lex_.next();
  }

  std::unique_ptr<Graph> parse() {
    const SourceLoc loc = tok_.loc;
    expect_ident("graph");
    if (tok_.kind != Tok::Global) fail_expected("a graph name like '@resnet50'");
    auto g = std::make_unique<Graph>(tok_.text);
    g->set_loc(loc);
    advance();
    expect_punct("{");
    while (!is_punct("}")) {
      if (tok_.kind == Tok::Value) {
        parse_node(*g);
      } else if (tok_.kind == Tok::Ident && tok_.text == "output") {
        parse_output();
      } else {
        fail_expected("a node ('%name = op(...)'), 'output' or '}'");
      }
    }
    advance();
    if (tok_.kind != Tok::End) fail_expected("end of file after the graph's closing '}'");
    resolve(*g);
    verify_or_throw(*g);
    return g;
  }

 private:
  struct PendingOperand {
    std::string name;
    SourceLoc loc;
  };
  struct PendingOutput {
    std::string name;
    OutputRole role;
    SourceLoc loc;
  };

  void advance() { tok_ = lex_.next(); }
  bool is_punct(const char* p) const { return tok_.kind == Tok::Punct && tok_.text == p; }
  [[noreturn]] void fail_expected(const std::string& what) {
    throw Error(tok_.loc, "expected " + what + ", got " + describe(tok_));
  }
  void expect_punct(const char* p) {
    if (!is_punct(p)) fail_expected(std::string("'") + p + "'");
    advance();
  }
  void expect_ident(const char* word) {
    if (tok_.kind != Tok::Ident || tok_.text != word) fail_expected(std::string("'") + word + "'");
    advance();
  }

  void parse_node(Graph& g) {
    SourceLoc loc = tok_.loc;
    std::string name = tok_.text;
    if (Node* prev = g.find(name))
      throw Error(
          loc, "duplicate value name %" + name + " (first defined at " + prev->loc().str() + ")");
    advance();
    expect_punct("=");
    if (tok_.kind != Tok::Ident) fail_expected("an op name");
    const OpDef* def = lookup_op(tok_);
    advance();
    std::vector<PendingOperand> operands = parse_operands();
    AttrMap attrs;
    if (is_punct("{")) attrs = parse_attrs(*def);
    expect_punct(":");
    TensorType type = parse_type();
    Node* n = g.add_node(def->name, name, {}, std::move(attrs), std::move(type), loc);
    pending_[n] = std::move(operands);
  }

  const OpDef* lookup_op(const Token& t) {
    if (const OpDef* def = find_op(t.text)) return def;
    std::vector<std::string> names;
    for (const OpDef* d : all_ops()) names.push_back(d->name);
    const std::string best = closest_name(t.text, names);
    throw Error(t.loc, "unknown op '" + t.text + "'" +
                           (best.empty() ? "" : "; did you mean '" + best + "'?") +
                           " ('kiln ops' lists them)");
  }

  std::vector<PendingOperand> parse_operands() {
    expect_punct("(");
    std::vector<PendingOperand> out;
    if (!is_punct(")")) {
      while (true) {
        if (tok_.kind != Tok::Value) fail_expected("an operand like '%x'");
        out.push_back({tok_.text, tok_.loc});
        advance();
        if (is_punct(")")) break;
        expect_punct(",");
      }
    }
    advance();
    return out;
  }

  AttrMap parse_attrs(const OpDef& def) {
    expect_punct("{");
    AttrMap attrs;
    while (true) {
      if (tok_.kind != Tok::Ident) fail_expected("an attribute name");
      std::string name = tok_.text;
      SourceLoc loc = tok_.loc;
      if (attrs.has(name)) throw Error(loc, "attribute '" + name + "' is given twice");
      advance();
      expect_punct("=");
      Attr value = parse_attr_value();
      // An empty list reads as ints; it takes the kind the schema asks for.
      const AttrSpec* spec = def.find_attr(name);
      if (spec && spec->kind == AttrKind::Floats && value.kind() == AttrKind::Ints &&
          value.as_ints().empty())
        value = Attr(std::vector<double>{});
      attrs.set(name, std::move(value));
      if (is_punct("}")) break;
      expect_punct(",");
    }
    advance();
    return attrs;
  }

  Attr parse_attr_value() {
    if (is_punct("[")) return parse_list();
    Token t = tok_;
    advance();
    switch (t.kind) {
      case Tok::Int:
        return Attr(parse_int(t));
      case Tok::Float:
        return Attr(parse_float(t));
      case Tok::String:
        return Attr(t.text);
      case Tok::Ident:
        if (t.text == "true" || t.text == "false") return Attr(t.text == "true");
        if (t.text == "inf" || t.text == "nan") return Attr(parse_float(t));
        break;
      default:
        break;
    }
    tok_ = t;
    fail_expected("an attribute value (number, string, true/false or [list])");
  }

  Attr parse_list() {
    SourceLoc loc = tok_.loc;
    advance();
    std::vector<int64_t> ints;
    std::vector<double> floats;
    bool any_float = false, any_int = false;
    if (!is_punct("]")) {
      while (true) {
        if (tok_.kind == Tok::Int) {
          ints.push_back(parse_int(tok_));
          any_int = true;
        } else if (tok_.kind == Tok::Float ||
                   (tok_.kind == Tok::Ident && (tok_.text == "inf" || tok_.text == "nan"))) {
          floats.push_back(parse_float(tok_));
          any_float = true;
        } else {
          fail_expected("a number in the list");
        }
        advance();
        if (is_punct("]")) break;
        expect_punct(",");
      }
    }
    advance();
    if (any_int && any_float)
      throw Error(loc, "a list mixes ints and floats; write every float with a '.'");
    return any_float ? Attr(floats) : Attr(ints);
  }

  int64_t parse_int(const Token& t) {
    int64_t v = 0;
    const char* begin = t.text.data() + (t.text[0] == '+');
    auto res = std::from_chars(begin, t.text.data() + t.text.size(), v);
    if (res.ec != std::errc() || res.ptr != t.text.data() + t.text.size())
      throw Error(t.loc, "integer '" + t.text + "' is out of range");
    return v;
  }

  double parse_float(const Token& t) {
    if (t.text == "inf" || t.text == "+inf") return INFINITY;
    if (t.text == "-inf") return -INFINITY;
    if (t.text == "nan") return NAN;
    double v = 0;
    const char* begin = t.text.data() + (t.text[0] == '+');
    auto res = std::from_chars(begin, t.text.data() + t.text.size(), v);
    if (res.ec != std::errc() || res.ptr != t.text.data() + t.text.size())
      throw Error(t.loc, "malformed number '" + t.text + "'");
    return v;
  }

  TensorType parse_type() {
    if (tok_.kind != Tok::Ident || tok_.text != "f32")
      fail_expected("a tensor type like 'f32[1,3,224,224]'");
    const SourceLoc loc = tok_.loc;
    advance();
    expect_punct("[");
    std::vector<int64_t> dims;
    while (true) {
      if (tok_.kind != Tok::Int) fail_expected("a dimension");
      int64_t d = parse_int(tok_);
      if (d < 1) throw Error(tok_.loc, "dimension " + tok_.text + " must be >= 1");
      dims.push_back(d);
      advance();
      if (is_punct("]")) break;
      expect_punct(",");
    }
    advance();
    TensorType type(dims);
    try {
      type.check_size();
    } catch (const Error& e) {
      throw Error(loc, e.what());
    }
    return type;
  }

  void parse_output() {
    SourceLoc loc = tok_.loc;
    advance();
    OutputRole role = OutputRole::main;
    if (tok_.kind == Tok::Ident) {
      if (tok_.text == "aux")
        role = OutputRole::aux;
      else if (tok_.text != "main")
        fail_expected("an output role ('main' or 'aux') or a value");
      advance();
    }
    if (tok_.kind != Tok::Value) fail_expected("the output value like '%prob'");
    outputs_.push_back({tok_.text, role, tok_.loc});
    (void)loc;
    advance();
  }

  // Operands may refer forward; the verifier then reports cycles and uses
  // before definition with both locations in hand.
  void resolve(Graph& g) {
    for (Node* n : g.nodes()) {
      std::vector<Node*> inputs;
      for (const auto& op : pending_[n]) {
        Node* v = g.find(op.name);
        if (!v) throw Error(op.loc, "use of undefined value %" + op.name);
        inputs.push_back(v);
      }
      n->set_inputs(std::move(inputs));
    }
    for (const auto& o : outputs_) {
      Node* v = g.find(o.name);
      if (!v) throw Error(o.loc, "output names undefined value %" + o.name);
      g.add_output(v, o.role, o.loc);
    }
  }

  Lexer lex_;
  Token tok_;
  std::unordered_map<Node*, std::vector<PendingOperand>> pending_;
  std::vector<PendingOutput> outputs_;
};

}  // namespace

std::unique_ptr<Graph> parse_graph(const std::string& text, const std::string& filename) {
  return Parser(text, filename).parse();
}

std::unique_ptr<Graph> parse_graph_file(const std::string& path) {
  // An ifstream opens a directory without complaint and then reads nothing.
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec))
    throw Error("cannot read model file '" + path + "': it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot read model file '" + path + "': " + std::strerror(errno));
  std::stringstream ss;
  ss << in.rdbuf();
  return parse_graph(ss.str(), path);
}

}  // namespace kiln
