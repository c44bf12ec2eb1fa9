// Lexer: turns Havel source text into tokens.
//
// Newlines end statements, except inside ( ) and [ ], where an expression may wrap freely:
// the lexer keeps a stack of open brackets and drops newlines while the innermost one is a
// parenthesis or a square bracket. Inside { } they stay, since a block holds statements.
// String bodies are kept raw; the parser expands escapes and interpolations, because
// `${expr}` needs the parser anyway.
#pragma once

#include "token.h"

#include <QtCore/QList>
#include <QtCore/QString>

namespace havel::script {

//! Splits a script into tokens. Thread: any; an instance is used by one thread at a time.
class Lexer
{
public:
    //! @p firstLine numbers the first line; interpolated `${expr}` starts mid-script.
    explicit Lexer(const QString &source, int firstLine = 1);

    //! Every token of the source, ending with EndOfFile. A lexical error yields one Error
    //! token (its lexeme is the message) and stops the scan.
    QList<Token> tokenize();

private:
    bool atEnd() const { return m_current >= m_source.size(); }
    QChar peek(qsizetype ahead = 0) const;
    QChar advance();
    bool match(QChar expected);
    void add(TokenType type);
    void addNewline();
    void error(const QString &message);
    void skipBlockComment();
    void scanString(QChar quote, TokenType type);
    void scanNumber();
    void scanIdentifier();

    const QString m_source;
    QList<Token> m_tokens;
    QList<QChar> m_brackets; // the open ( [ { in nesting order
    qsizetype m_start = 0;
    qsizetype m_current = 0;
    int m_line = 1;
    bool m_failed = false;
};

} // namespace havel::script
