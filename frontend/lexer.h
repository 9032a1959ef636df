// Tokens of the text IR. Whitespace, newlines and '#' comments separate
// tokens and are otherwise ignored.
#pragma once

#include <string>
#include <string_view>

#include "ir/error.h"

namespace kiln {

enum class Tok {
  Ident,   // graph, conv2d, f32, true, inf, attribute names
  Value,   // %name
  Global,  // @name
  Int,     // -12
  Float,   // 1.5, 1e-05, -0.5
  String,  // "relu" (text holds the unescaped contents)
  Punct,   // one of = ( ) { } [ ] , :
  End,
};

struct Token {
  Tok kind = Tok::End;
  std::string text;
  SourceLoc loc;
};

class Lexer {
 public:
  Lexer(std::string_view text, std::string filename);
  Token next();

 private:
  char peek(size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  char advance();
  void skip_space_and_comments();
  SourceLoc here() const { return {file_, line_, col_}; }
  Token lex_name(Tok kind, SourceLoc loc);
  Token lex_number(SourceLoc loc);
  Token lex_string(SourceLoc loc);

  std::string_view text_;
  std::string file_;
  size_t pos_ = 0;
  int line_ = 1;
  int col_ = 1;
};

// Characters allowed in value and graph names after '%' / '@'.
bool is_name_char(char c);

}  // namespace kiln
