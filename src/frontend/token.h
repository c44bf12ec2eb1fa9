// Token: one lexeme of a Havel script, as the lexer hands it to the parser.
#pragma once

#include <QtCore/QString>

namespace havel::script {

enum class TokenType {
    // Single-character punctuation.
    LeftParen, RightParen, LeftBrace, RightBrace, LeftBracket, RightBracket,
    Comma, Dot, Semicolon, Colon, Question,
    // Operators, one or more characters.
    Plus, PlusPlus, PlusEqual, Minus, MinusMinus, MinusEqual,
    Star, StarStar, StarEqual, Slash, SlashEqual, Percent, PercentEqual,
    Bang, BangEqual, Equal, EqualEqual, Arrow,
    Less, LessEqual, Greater, GreaterEqual,
    AndAnd, OrOr, QuestionQuestion, DotDot, AtStop, LeftArrow,
    // Literals. A String token keeps its raw body: the parser splits out interpolations.
    Identifier, String, FString, Integer, Float,
    // Keywords. timer, mode, interval and timeout are deliberately not keywords.
    Let, Val, Fn, Return, If, Else, While, Loop, For, In, Break, Continue,
    Try, Catch, Finally, Throw, True, False, Null,
    // Layout.
    Newline, EndOfFile, Error,
};

//! A lexeme with its line. Thread: plain value.
struct Token
{
    TokenType type = TokenType::EndOfFile;
    QString lexeme; //!< the source text; for strings the body between the quotes
    int line = 1;
    qint64 intValue = 0;
    double floatValue = 0;
};

} // namespace havel::script
