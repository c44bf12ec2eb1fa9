// Token: one lexeme of a Havel script, as the lexer hands it to the parser.
#pragma once

#include <QtCore/QString>

namespace havel::script {

enum class TokenType : quint8 {
    // Single-character punctuation.
    LeftParen, RightParen, LeftBrace, RightBrace, LeftBracket, RightBracket,
    Comma, Dot, Semicolon, Colon, Question,
    // Operators, one or more characters.
    Plus, PlusPlus, PlusEqual, Minus, MinusMinus, MinusEqual,
    Star, StarStar, StarEqual, Slash, SlashEqual, Percent, PercentEqual,
    Bang, BangEqual, Equal, EqualEqual, Arrow,
    Less, LessEqual, Greater, GreaterEqual,
    AndAnd, OrOr, QuestionQuestion, DotDot, AtStop, LeftArrow,
    // Havel compatibility (issue 11): bitwise operators and `#x` (length).
    Amp, Pipe, Caret, Tilde, LessLess, GreaterGreater, Hash, AmpEqual, PipeEqual, CaretEqual,
    Ellipsis, // `...` (spread, rest)
    At,       // `@` before a name in a class (`@count`), or `@(` (its constructor)
    // Literals. The lexer owns strings whole, escapes and interpolation included: a string
    // without interpolation is one String; an interpolated one is a StringPart before each
    // embedded expression, the expression's own tokens, an InterpolationEnd after each, and a
    // String for the rest (possibly empty):
    //   "a ${b + 1} c"  ->  StringPart(a ) Identifier(b) Plus Integer(1) InterpolationEnd String( c)
    //   f"{x}$y"       ->  StringPart() Identifier(x) InterpolationEnd
    //                      StringPart() Identifier(y) InterpolationEnd String()
    Identifier, String, StringPart, InterpolationEnd, Integer, Float,
    // Keywords. timer, mode, interval and timeout are deliberately not keywords.
    Let, Val, Fn, Return, If, Else, While, Loop, For, In, Break, Continue,
    Try, Catch, Finally, Throw, True, False, Null,
    // Layout.
    Newline, EndOfFile, Error,
};

//! A lexeme with its line. Thread: plain value. (A huge script holds millions of these, so
//! the small fields share one word.)
struct Token
{
    TokenType type = TokenType::EndOfFile;
    bool spaceBefore = false; //!< white space, a comment or a line end comes right before it
    int line = 1;
    QString lexeme; //!< the source text; for String and StringPart the raw text between delimiters
    QString text;   //!< String and StringPart: the characters, escapes applied
    qint64 intValue = 0;
    double floatValue = 0;
    //! The indentation (spaces and tabs) of the line the token is on: colon blocks
    //! (`if c:` then indented lines, Havel's second block form) end where it drops.
    int indent = 0;

    //! Whether the type is a keyword (which may still serve as a property name: `o.if`).
    static bool isKeyword(TokenType type) { return type >= TokenType::Let && type <= TokenType::Null; }

    //! @p text short enough to quote in a message: at most kExcerptLength characters, then
    //! "...". A 14 KB identifier must not fill the terminal with one error line.
    static QString excerpt(const QString &text)
    {
        if (text.size() <= kExcerptLength)
            return text;
        qsizetype cut = kExcerptLength;
        if (text.at(cut - 1).isHighSurrogate())
            --cut; // never split an emoji's surrogate pair
        return text.left(cut) + QStringLiteral("...");
    }
    static constexpr qsizetype kExcerptLength = 40;
};

} // namespace havel::script
