#include "frontend/lexer.h"

#include <cctype>

namespace kiln {

bool is_name_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' ||
         c == '/';
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
  throw Error(loc, std::string("unexpected character '") + c + "'");
}

}  // namespace kiln
