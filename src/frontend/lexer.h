// Lexer: turns Havel source text into tokens.
//
// Newlines end statements, except inside ( ) and [ ], where an expression may wrap freely:
// the lexer keeps a stack of open brackets and drops newlines while the innermost one is a
// parenthesis or a square bracket. Inside { } they stay, since a block holds statements.
//
// The lexer owns strings whole: it applies escapes, and it splits an interpolated string into
// text parts and the tokens of each embedded expression (see TokenType), so the parser parses
// `${expr}` in place, with the same depth limits and line numbers as any other expression, and
// never lexes anything twice. An open interpolation sits on the bracket stack like a bracket;
// its `}` ends the expression and resumes the string.
//
// Every pass is linear in the source. A long scan polls an optional cancellation flag, so a
// stop request (SIGINT) ends even a huge input's lexing promptly.
#pragma once

#include "token.h"

#include <QtCore/QList>
#include <QtCore/QString>

#include <atomic>

namespace havel::script {

//! Splits a script into tokens. Thread: any; an instance is used by one thread at a time.
//! Only the cancellation flag is shared: any thread may set it.
class Lexer
{
public:
    explicit Lexer(const QString &source);

    //! Polls @p flag (null: none) during tokenize(); once it is true, tokenize() stops early
    //! and cancelled() says so. The flag must outlive the lexer.
    void setCancelFlag(const std::atomic<bool> *flag) { m_cancelFlag = flag; }

    //! Every token of the source, ending with EndOfFile. A lexical error yields one Error
    //! token (its lexeme is the message) and stops the scan.
    QList<Token> tokenize();
    //! Whether tokenize() stopped because the cancellation flag was set.
    bool cancelled() const { return m_cancelled; }

private:
    //! An open bracket; `$` stands for an interpolation, with the string it resumes.
    struct Open
    {
        QChar bracket;
        QChar quote;      //!< `$` only: the string's quote
        bool fstring = false;
        int line = 0;     //!< `$` only: where the string began
    };

    bool atEnd() const { return m_current >= m_source.size(); }
    QChar peek(qsizetype ahead = 0) const;
    QChar advance();
    bool match(QChar expected);
    Token make(TokenType type) const;
    void add(TokenType type);
    void addNewline();
    void error(const QString &message);
    bool pollCancel();
    void skipBlockComment();
    void closeBrace();
    void scanString(QChar quote, bool fstring, int startLine);
    void scanNumber();
    void scanIdentifier();

    const QString m_source;
    QList<Token> m_tokens;
    QList<Open> m_brackets; // the open ( [ { and interpolations, in nesting order
    qsizetype m_start = 0;
    qsizetype m_current = 0;
    int m_line = 1;
    bool m_spaceBefore = false;
    int m_indent = 0; //!< the current line's indentation
    bool m_failed = false;
    const std::atomic<bool> *m_cancelFlag = nullptr;
    unsigned m_pollCountdown = 0;
    bool m_cancelled = false;
};

} // namespace havel::script
