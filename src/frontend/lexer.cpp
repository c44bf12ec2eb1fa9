#include "lexer.h"

#include <QtCore/QHash>

#include <limits>

namespace havel::script {

namespace {

const QHash<QString, TokenType> &keywords()
{
    static const QHash<QString, TokenType> table = {
        {QStringLiteral("let"), TokenType::Let},       {QStringLiteral("val"), TokenType::Val},
        {QStringLiteral("fn"), TokenType::Fn},         {QStringLiteral("return"), TokenType::Return},
        {QStringLiteral("if"), TokenType::If},         {QStringLiteral("else"), TokenType::Else},
        {QStringLiteral("while"), TokenType::While},   {QStringLiteral("loop"), TokenType::Loop},
        {QStringLiteral("for"), TokenType::For},       {QStringLiteral("in"), TokenType::In},
        {QStringLiteral("break"), TokenType::Break},   {QStringLiteral("continue"), TokenType::Continue},
        {QStringLiteral("try"), TokenType::Try},       {QStringLiteral("catch"), TokenType::Catch},
        {QStringLiteral("finally"), TokenType::Finally}, {QStringLiteral("throw"), TokenType::Throw},
        {QStringLiteral("true"), TokenType::True},     {QStringLiteral("false"), TokenType::False},
        {QStringLiteral("null"), TokenType::Null},     {QStringLiteral("nil"), TokenType::Null},
    };
    return table;
}

bool isIdentifierStart(QChar c)
{
    return c == u'_' || c.isLetter();
}

bool isIdentifierPart(QChar c)
{
    return c == u'_' || c.isLetterOrNumber();
}

} // namespace

Lexer::Lexer(const QString &source) : m_source(source) { }

QChar Lexer::peek(qsizetype ahead) const
{
    const qsizetype at = m_current + ahead;
    return at < m_source.size() ? m_source.at(at) : QChar();
}

QChar Lexer::advance()
{
    return m_source.at(m_current++);
}

bool Lexer::match(QChar expected)
{
    if (atEnd() || m_source.at(m_current) != expected)
        return false;
    ++m_current;
    return true;
}

Token Lexer::make(TokenType type) const
{
    Token token;
    token.type = type;
    token.lexeme = m_source.mid(m_start, m_current - m_start);
    token.line = m_line;
    token.spaceBefore = m_spaceBefore;
    token.indent = m_indent;
    return token;
}

void Lexer::add(TokenType type)
{
    m_tokens.append(make(type));
    m_spaceBefore = false;
}

void Lexer::addNewline()
{
    m_spaceBefore = true;
    // Inside ( ) or [ ] (or an interpolation) an expression continues on the next line.
    if (!m_brackets.isEmpty() && m_brackets.last().bracket != u'{')
        return;
    if (m_tokens.isEmpty() || m_tokens.last().type == TokenType::Newline)
        return;
    Token token;
    token.type = TokenType::Newline;
    token.lexeme = QStringLiteral("\\n");
    token.line = m_line;
    m_tokens.append(token);
}

void Lexer::error(const QString &message)
{
    Token token;
    token.type = TokenType::Error;
    token.lexeme = message;
    token.line = m_line;
    m_tokens.append(token);
    m_failed = true;
}

bool Lexer::pollCancel()
{
    // One relaxed load per few thousand steps: nothing measurable, yet well under a
    // millisecond between polls.
    if (!m_cancelFlag || m_cancelled)
        return m_cancelled;
    if (m_pollCountdown > 0) {
        --m_pollCountdown;
        return false;
    }
    m_pollCountdown = 4096;
    if (m_cancelFlag->load(std::memory_order_relaxed)) {
        m_cancelled = true;
        error(QStringLiteral("Interrupted."));
    }
    return m_cancelled;
}

QList<Token> Lexer::tokenize()
{
    // Checked up front, because it may hide in strings and comments too: a NUL byte means a
    // binary file. (Bytes that are not UTF-8 are the host's to refuse, as it decodes the file.)
    const int firstLine = m_line;
    for (qsizetype i = 0; i < m_source.size(); ++i) {
        const char16_t c = m_source.at(i).unicode();
        if (c == u'\n') {
            ++m_line;
        } else if (c == 0) {
            error(QStringLiteral("The script holds a NUL byte: it is a binary file, not Havel source."));
            return m_tokens;
        }
    }
    m_line = firstLine;
    // A `#!` first line (a shebang, `#!/usr/bin/env havel`) is not Havel source.
    if (m_current == 0 && m_source.startsWith(QLatin1String("#!"))) {
        while (!atEnd() && peek() != u'\n')
            ++m_current;
    }
    while (!atEnd() && !m_failed && !pollCancel()) {
        m_start = m_current;
        const QChar c = advance();
        switch (c.unicode()) {
        case u' ': case u'\t': case u'\r':
        case 0xFEFF: // a byte-order mark, as some editors save UTF-8
            m_spaceBefore = true;
            break;
        case u'\n':
            addNewline();
            ++m_line;
            m_indent = 0;
            while (m_current + m_indent < m_source.size()
                   && (m_source.at(m_current + m_indent) == u' ' || m_source.at(m_current + m_indent) == u'\t'))
                ++m_indent;
            break;
        case u'(': m_brackets.append(Open{c, QChar(), false, 0}); add(TokenType::LeftParen); break;
        case u'[': m_brackets.append(Open{c, QChar(), false, 0}); add(TokenType::LeftBracket); break;
        case u'{': m_brackets.append(Open{c, QChar(), false, 0}); add(TokenType::LeftBrace); break;
        case u')': case u']':
            // A stray closer is the parser's business; only pop a bracket that is open, and
            // never an interpolation, which only its `}` ends.
            if (!m_brackets.isEmpty() && m_brackets.last().bracket != u'$')
                m_brackets.removeLast();
            add(c == u')' ? TokenType::RightParen : TokenType::RightBracket);
            break;
        case u'}':
            closeBrace();
            break;
        case u',': add(TokenType::Comma); break;
        case u';': add(TokenType::Semicolon); break;
        case u':': add(TokenType::Colon); break;
        case u'.':
            add(match(u'.') ? (match(u'.') ? TokenType::Ellipsis : TokenType::DotDot) : TokenType::Dot);
            break;
        case u'?':
            add(match(u'?') ? TokenType::QuestionQuestion : TokenType::Question);
            break;
        case u'+':
            add(match(u'+') ? TokenType::PlusPlus
                            : match(u'=') ? TokenType::PlusEqual : TokenType::Plus);
            break;
        case u'-':
            add(match(u'-') ? TokenType::MinusMinus
                            : match(u'=') ? TokenType::MinusEqual : TokenType::Minus);
            break;
        case u'*':
            add(match(u'*') ? TokenType::StarStar
                            : match(u'=') ? TokenType::StarEqual : TokenType::Star);
            break;
        case u'%': add(match(u'=') ? TokenType::PercentEqual : TokenType::Percent); break;
        case u'!': add(match(u'=') ? TokenType::BangEqual : TokenType::Bang); break;
        case u'=':
            add(match(u'=') ? TokenType::EqualEqual
                            : match(u'>') ? TokenType::Arrow : TokenType::Equal);
            break;
        case u'<':
            // `<-` sends and receives (channels, coroutines); write `a < -b` with a space.
            add(match(u'=') ? TokenType::LessEqual : match(u'-') ? TokenType::LeftArrow
                          : match(u'<') ? TokenType::LessLess : TokenType::Less);
            break;
        case u'>':
            add(match(u'=') ? TokenType::GreaterEqual : match(u'>') ? TokenType::GreaterGreater : TokenType::Greater);
            break;
        case u'&': add(match(u'&') ? TokenType::AndAnd : match(u'=') ? TokenType::AmpEqual : TokenType::Amp); break;
        case u'|': add(match(u'|') ? TokenType::OrOr : match(u'=') ? TokenType::PipeEqual : TokenType::Pipe); break;
        case u'^': add(match(u'=') ? TokenType::CaretEqual : TokenType::Caret); break;
        case u'~': add(TokenType::Tilde); break;
        case u'#': add(TokenType::Hash); break;
        case u'/':
            if (match(u'/')) {
                while (!atEnd() && peek() != u'\n')
                    ++m_current;
                m_spaceBefore = true;
            } else if (match(u'*')) {
                skipBlockComment();
            } else {
                add(match(u'=') ? TokenType::SlashEqual : TokenType::Slash);
            }
            break;
        case u'@':
            if (m_source.mid(m_current, 4) == QLatin1String("stop")
                && !isIdentifierPart(peek(4))) {
                m_current += 4;
                add(TokenType::AtStop);
            } else if (isIdentifierPart(peek()) || peek() == u'(') {
                add(TokenType::At);
            } else {
                error(QStringLiteral("Unexpected character '@'."));
            }
            break;
        case u'"': case u'\'':
            scanString(c, false, m_line);
            break;
        default:
            if (c == u'f' && (peek() == u'"' || peek() == u'\'')) {
                scanString(advance(), true, m_line);
            } else if (c.isDigit()) {
                scanNumber();
            } else if (isIdentifierStart(c)) {
                scanIdentifier();
            } else if (c.isHighSurrogate() || c.isLowSurrogate() || c.isSpace()) {
                // Non-BMP symbols (emoji) and exotic spaces are only valid inside strings.
                if (c.isSpace()) {
                    m_spaceBefore = true;
                    break;
                }
                error(QStringLiteral("Unexpected character."));
            } else if (c.category() == QChar::Other_Control || c.category() == QChar::Other_Format) {
                // Printed by code point: the character itself would garble the message.
                error(QStringLiteral("Unexpected character U+%1.")
                              .arg(QString::number(c.unicode(), 16).toUpper().rightJustified(4, u'0')));
            } else {
                error(QStringLiteral("Unexpected character '%1'.").arg(c));
            }
        }
    }
    if (!m_failed) {
        // The input ended inside an interpolation: its string is the one left open.
        for (qsizetype i = m_brackets.size() - 1; i >= 0; --i) {
            if (m_brackets.at(i).bracket == u'$') {
                m_line = m_brackets.at(i).line;
                error(QStringLiteral("Unterminated string."));
                return m_tokens;
            }
        }
        addNewline();
        m_start = m_current;
        Token eof;
        eof.type = TokenType::EndOfFile;
        eof.line = m_line;
        m_tokens.append(eof);
    }
    return m_tokens;
}

void Lexer::skipBlockComment()
{
    m_spaceBefore = true;
    while (!atEnd()) {
        if (peek() == u'*' && peek(1) == u'/') {
            m_current += 2;
            return;
        }
        if (advance() == u'\n')
            ++m_line;
    }
    error(QStringLiteral("Unterminated block comment."));
}

void Lexer::closeBrace()
{
    // A `}` closes the innermost { or interpolation; a ( or [ left open inside it stays
    // unclosed (the parser reports it), rather than letting the `}` end the wrong thing.
    // Each entry is pushed once and popped once, so this stays linear.
    while (!m_brackets.isEmpty() && m_brackets.last().bracket != u'{'
           && m_brackets.last().bracket != u'$')
        m_brackets.removeLast();
    if (!m_brackets.isEmpty() && m_brackets.last().bracket == u'$') {
        const Open open = m_brackets.takeLast();
        add(TokenType::InterpolationEnd);
        scanString(open.quote, open.fstring, open.line);
        return;
    }
    if (!m_brackets.isEmpty())
        m_brackets.removeLast();
    add(TokenType::RightBrace);
}

void Lexer::scanString(QChar quote, bool fstring, int startLine)
{
    // From just past the opening quote, or past the `}` that ended an interpolation, up to the
    // closing quote or the next interpolation. A `$name` is emitted in place (a StringPart, the
    // name, an InterpolationEnd) and the scan goes on.
    qsizetype segmentStart = m_current;
    QString text;
    auto emitText = [&](TokenType type) {
        Token token;
        token.type = type;
        token.lexeme = m_source.mid(segmentStart, m_current - segmentStart);
        token.text = text;
        token.line = startLine;
        token.spaceBefore = m_spaceBefore;
        m_spaceBefore = false;
        m_tokens.append(token);
        text.clear();
    };
    while (!atEnd()) {
        if (pollCancel())
            return;
        const QChar c = peek();
        if (c == quote) {
            emitText(TokenType::String);
            ++m_current;
            return;
        }
        if (c == u'\\' && m_current + 1 < m_source.size()) {
            const QChar e = peek(1);
            m_current += 2;
            switch (e.unicode()) {
            case u'n': text.append(u'\n'); break;
            case u't': text.append(u'\t'); break;
            case u'r': text.append(u'\r'); break;
            case u'0': text.append(QChar(u'\0')); break;
            case u'\\': case u'"': case u'\'': case u'$': case u'{': case u'}':
                text.append(e);
                break;
            default:
                // Not an escape: both characters stay, as in the subset's first version.
                text.append(c);
                text.append(e);
                if (e == u'\n')
                    ++m_line;
            }
            continue;
        }
        const bool dollarBrace = c == u'$' && peek(1) == u'{';
        if (dollarBrace || (fstring && c == u'{')) {
            emitText(TokenType::StringPart);
            m_current += dollarBrace ? 2 : 1;
            m_brackets.append({u'$', quote, fstring, startLine});
            return;
        }
        if (c == u'$' && (peek(1) == u'_' || peek(1).isLetter())) {
            emitText(TokenType::StringPart);
            m_start = ++m_current;
            while (!atEnd() && isIdentifierPart(peek()))
                ++m_current;
            add(TokenType::Identifier); // a name even when it spells a keyword: "$if" is a variable
            m_start = m_current;
            add(TokenType::InterpolationEnd);
            segmentStart = m_current;
            continue;
        }
        if (c == u'\n')
            ++m_line;
        text.append(c);
        ++m_current;
    }
    m_line = startLine;
    error(QStringLiteral("Unterminated string."));
}

void Lexer::scanNumber()
{
    const QChar first = m_source.at(m_start);
    int base = 10;
    if (first == u'0' && (peek() == u'x' || peek() == u'X'))
        base = 16;
    else if (first == u'0' && (peek() == u'b' || peek() == u'B'))
        base = 2;
    else if (first == u'0' && (peek() == u'o' || peek() == u'O'))
        base = 8;

    QString digits;
    bool isFloat = false;
    if (base != 10) {
        ++m_current;
        while (!atEnd() && (peek().isLetterOrNumber() || peek() == u'_')) {
            if (peek() != u'_')
                digits.append(peek());
            ++m_current;
        }
    } else {
        digits.append(first);
        auto digitRun = [this, &digits] {
            while (!atEnd() && (peek().isDigit() || (peek() == u'_' && peek(1).isDigit()))) {
                if (peek() != u'_')
                    digits.append(peek());
                ++m_current;
            }
        };
        digitRun();
        // `1..5` is a range, so a dot makes a float only when a digit follows it.
        if (peek() == u'.' && peek(1).isDigit()) {
            isFloat = true;
            digits.append(advance());
            digitRun();
        }
        if ((peek() == u'e' || peek() == u'E')
            && (peek(1).isDigit() || ((peek(1) == u'+' || peek(1) == u'-') && peek(2).isDigit()))) {
            isFloat = true;
            digits.append(advance());
            if (peek() == u'+' || peek() == u'-')
                digits.append(advance());
            digitRun();
        }
        if (!atEnd() && isIdentifierStart(peek())) {
            error(QStringLiteral("Invalid number literal."));
            return;
        }
    }

    Token token = make(TokenType::Integer);
    bool ok = false;
    if (isFloat) {
        token.type = TokenType::Float;
        token.floatValue = digits.toDouble(&ok);
    } else {
        token.type = TokenType::Integer;
        token.intValue = digits.toLongLong(&ok, base);
    }
    if (!ok) {
        error(digits.isEmpty() || base != 10 ? QStringLiteral("Invalid number literal.")
                                             : QStringLiteral("Integer literal too large."));
        return;
    }
    m_tokens.append(token);
    m_spaceBefore = false;
}

void Lexer::scanIdentifier()
{
    while (!atEnd() && isIdentifierPart(peek()))
        ++m_current;
    const QString text = m_source.mid(m_start, m_current - m_start);
    add(keywords().value(text, TokenType::Identifier));
}

} // namespace havel::script
