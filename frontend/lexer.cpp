#include "frontend/lexer.h"

#include <cctype>
#include <cstdio>

namespace kiln {

namespace {

// Bytes outside printable ASCII are shown as hex: echoed raw, a stray UTF-8
// byte or control character prints as garbage or nothing.
std::string unexpected_character(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7f) return std::string("unexpected character '") + c + "'";
  char hex[8];
  std::snprintf(hex, sizeof hex, "0x%02X", byte);
  return std::string("unexpected byte ") + hex + (byte >= 0x80 ? " (names and ops are ASCII)" : "");
}

}  // namespace

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' ||
         c == '/';
}

Lexer::Lexer(std::string_view text, std::string filename)
    : text_(text), file_(std::move(filename)) {
  // Some editors on Windows start UTF-8 files with a byte order mark; it is
  // not part of the text, and column 1 stays the first character after it.
  constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
  if (text_.substr(0, kUtf8Bom.size()) == kUtf8Bom) pos_ = kUtf8Bom.size();
}

char Lexer::advance() {
  char c = text_[pos_++];
  if (c == '\n') {
    ++line_;
    col_ = 1;
  } else {
    ++col_;
  }
  return c;
}

void Lexer::skip_space_and_comments() {
  while (pos_ < text_.size()) {
    char c = peek();
    if (c == '#') {
      while (pos_ < text_.size() && peek() != '\n') advance();
    } else if (std::isspace(static_cast<unsigned char>(c))) {
      advance();
    } else {
      return;
    }
  }
}

Token Lexer::lex_name(Tok kind, SourceLoc loc) {
  advance();  // the sigil
  std::string name;
  while (is_name_char(peek())) name += advance();
  if (name.empty())
    throw Error(loc,
                std::string("expected a name after '") + (kind == Tok::Value ? '%' : '@') + "'");
  return {kind, name, loc};
}

Token Lexer::lex_number(SourceLoc loc) {
  std::string s;
  if (peek() == '-' || peek() == '+') s += advance();
  if (std::isalpha(static_cast<unsigned char>(peek()))) {  // -inf
    while (std::isalpha(static_cast<unsigned char>(peek()))) s += advance();
    if (s == "-inf" || s == "+inf") return {Tok::Float, s, loc};
    throw Error(loc, "expected a number, got '" + s + "'");
  }
  bool is_float = false;
  while (true) {
    char c = peek();
    if (std::isdigit(static_cast<unsigned char>(c))) {
      s += advance();
    } else if (c == '.' || c == 'e' || c == 'E') {
      is_float = true;
      s += advance();
      if ((c == 'e' || c == 'E') && (peek() == '-' || peek() == '+')) s += advance();
    } else {
      break;
    }
  }
  if (s.empty() || s == "-" || s == "+") throw Error(loc, "expected a number");
  return {is_float ? Tok::Float : Tok::Int, s, loc};
}

Token Lexer::lex_string(SourceLoc loc) {
  advance();  // opening quote
  std::string s;
  while (true) {
    if (pos_ >= text_.size() || peek() == '\n') throw Error(loc, "unterminated string");
    char c = advance();
    if (c == '"') break;
    if (c == '\\') {
      if (pos_ >= text_.size()) throw Error(loc, "unterminated string");
      c = advance();
    }
    s += c;
  }
  return {Tok::String, s, loc};
}

Token Lexer::next() {
  skip_space_and_comments();
  SourceLoc loc = here();
  if (pos_ >= text_.size()) return {Tok::End, "", loc};
  char c = peek();
  if (c == '%') return lex_name(Tok::Value, loc);
  if (c == '@') return lex_name(Tok::Global, loc);
  if (c == '"') return lex_string(loc);
  if (std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '+') return lex_number(loc);
  if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
    std::string s;
    while (std::isalnum(static_cast<unsigned char>(peek())) || peek() == '_') s += advance();
    return {Tok::Ident, s, loc};
  }
  if (std::string_view("=(){}[],:").find(c) != std::string_view::npos) {
    advance();
    return {Tok::Punct, std::string(1, c), loc};
  }
  throw Error(loc, unexpected_character(c));
}

}  // namespace kiln
