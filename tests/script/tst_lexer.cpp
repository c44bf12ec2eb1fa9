#include <lexer.h>

#include <QtTest/QTest>

using havel::script::Lexer;
using havel::script::Token;
using havel::script::TokenType;

namespace {

//! "Integer(255) Dot Identifier(x) Newline EndOfFile": kinds, with values where they matter.
QString describe(const QList<Token> &tokens)
{
    QStringList parts;
    for (const Token &token : tokens) {
        switch (token.type) {
        case TokenType::Integer: parts.append(QStringLiteral("int(%1)").arg(token.intValue)); break;
        case TokenType::Float: parts.append(QStringLiteral("float(%1)").arg(token.floatValue)); break;
        case TokenType::Identifier: parts.append(QStringLiteral("id(%1)").arg(token.lexeme)); break;
        case TokenType::String: parts.append(QStringLiteral("str(%1)").arg(token.text)); break;
        case TokenType::StringPart: parts.append(QStringLiteral("part(%1)").arg(token.text)); break;
        case TokenType::InterpolationEnd: parts.append(QStringLiteral("end")); break;
        case TokenType::Newline: parts.append(QStringLiteral("NL")); break;
        case TokenType::EndOfFile: parts.append(QStringLiteral("EOF")); break;
        case TokenType::Error: parts.append(QStringLiteral("error(%1)").arg(token.lexeme)); break;
        default: parts.append(token.lexeme);
        }
    }
    return parts.join(u' ');
}

} // namespace

//! Thread: the test's main thread.
class tst_Lexer : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void tokens_data();
    void tokens();
    void lines();
    void spaceBefore();
    void cancellation();
    void excerpt_data();
    void excerpt();
};

void tst_Lexer::tokens_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("expected");

    QTest::newRow("integer bases") << "42 0xFF 0b1010 0o17 1_000_000"
                                   << "int(42) int(255) int(10) int(15) int(1000000) NL EOF";
    QTest::newRow("floats") << "3.14 1000.0 1e3" << "float(3.14) float(1000) float(1000) NL EOF";
    QTest::newRow("range is not a float") << "1..5" << "int(1) .. int(5) NL EOF";
    QTest::newRow("operators") << "a += b ** c ?? d => e" << "id(a) += id(b) ** id(c) ?? id(d) => id(e) NL EOF";
    QTest::newRow("increments") << "i++ j--" << "id(i) ++ id(j) -- NL EOF";
    QTest::newRow("comparison") << "a <= b != c == d" << "id(a) <= id(b) != id(c) == id(d) NL EOF";
    QTest::newRow("line comment") << "a // b c\nd" << "id(a) NL id(d) NL EOF";
    QTest::newRow("block comment") << "a /* b\n c */ d" << "id(a) id(d) NL EOF";
    QTest::newRow("newline inside parens dropped") << "f(a,\n b)" << "id(f) ( id(a) , id(b) ) NL EOF";
    QTest::newRow("newline inside brackets dropped") << "[1,\n2]" << "[ int(1) , int(2) ] NL EOF";
    QTest::newRow("newline inside braces kept") << "{a\nb}" << "{ id(a) NL id(b) } NL EOF";
    QTest::newRow("fn body inside parens keeps newlines") << "f(fn() {\na\nb\n})"
                                                          << "id(f) ( fn ( ) { NL id(a) NL id(b) NL } ) NL EOF";
    QTest::newRow("blank lines collapse") << "a\n\n\nb" << "id(a) NL id(b) NL EOF";
    QTest::newRow("escapes applied") << R"("a\tb\\c\"d\'e\$f\{g\}\q" 'h')" << "str(a\tb\\c\"d'e$f{g}\\q) str(h) NL EOF";
    QTest::newRow("interpolation parts") << R"("a ${b + 1} c")" << "part(a ) id(b) + int(1) end str( c) NL EOF";
    QTest::newRow("dollar name") << R"("x $y!")" << "part(x ) id(y) end str(!) NL EOF";
    QTest::newRow("dollar name then text") << R"('$a$b')" << "part() id(a) end part() id(b) end str() NL EOF";
    QTest::newRow("dollar keyword is a name") << R"("$if")" << "part() id(if) end str() NL EOF";
    QTest::newRow("dollar digit is text") << R"("$5 $")" << "str($5 $) NL EOF";
    QTest::newRow("nested string in interpolation") << R"("${a + "!"}")" << "part() id(a) + str(!) end str() NL EOF";
    QTest::newRow("nested interpolation") << R"("<${"[${a}]"}>")" << "part(<) part([) id(a) end str(]) end str(>) NL EOF";
    QTest::newRow("object inside interpolation") << R"("${ {a: 1}.a }")" << "part() { id(a) : int(1) } . id(a) end str() NL EOF";
    QTest::newRow("newline inside interpolation dropped") << "\"${a +\n b}\"" << "part() id(a) + id(b) end str() NL EOF";
    QTest::newRow("f-string") << R"(f"x = {x}")" << "part(x = ) id(x) end str() NL EOF";
    QTest::newRow("f-string dollar name") << R"(f'{x}$y')" << "part() id(x) end part() id(y) end str() NL EOF";
    QTest::newRow("f-string escaped brace") << R"(f"\{x\}")" << "str({x}) NL EOF";
    QTest::newRow("brace in plain string") << R"("{x}")" << "str({x}) NL EOF";
    QTest::newRow("unterminated interpolation") << R"("${a)" << "part() id(a) error(Unterminated string.)";
    QTest::newRow("paren left open in interpolation") << R"("${f(}")" << "part() id(f) ( end str() NL EOF";
    QTest::newRow("closer does not end interpolation") << R"("${a)}")" << "part() id(a) ) end str() NL EOF";
    QTest::newRow("f as a name") << "f(1)" << "id(f) ( int(1) ) NL EOF";
    QTest::newRow("byte-order mark") << QStringLiteral("\uFEFFa") << "id(a) NL EOF";
    QTest::newRow("CRLF line ends") << "a\r\nb\r\n" << "id(a) NL id(b) NL EOF";
    QTest::newRow("emoji in string") << "\"⏰🎉\"" << "str(⏰🎉) NL EOF";
    QTest::newRow("keywords") << "let val fn if else while loop for in break continue return"
                              << "let val fn if else while loop for in break continue return NL EOF";
    QTest::newRow("contextual names") << "timer mode interval timeout" << "id(timer) id(mode) id(interval) id(timeout) NL EOF";
    QTest::newRow("nil is null") << "nil null" << "nil null NL EOF";
    QTest::newRow("@stop") << "@stop" << "@stop NL EOF";
    QTest::newRow("unterminated string") << "\"abc" << "error(Unterminated string.)";
    QTest::newRow("unterminated comment") << "/* abc" << "error(Unterminated block comment.)";
    QTest::newRow("stray character") << "a ` b" << "id(a) error(Unexpected character '`'.)";
    // Issue 11: & | ^ ~ << >> are the bitwise operators and # the length operator.
    QTest::newRow("bitwise and length") << "a & b | c ^ ~d << #e >> f"
                                        << "id(a) & id(b) | id(c) ^ ~ id(d) << # id(e) >> id(f) NL EOF";
    QTest::newRow("integer too large") << "99999999999999999999" << "error(Integer literal too large.)";
    QTest::newRow("bad hex") << "0x" << "error(Invalid number literal.)";
    QTest::newRow("digits then letters") << "12abc" << "error(Invalid number literal.)";
}

void tst_Lexer::tokens()
{
    QFETCH(QString, source);
    QFETCH(QString, expected);
    QCOMPARE(describe(Lexer(source).tokenize()), expected);
}

void tst_Lexer::lines()
{
    const QList<Token> tokens = Lexer(QStringLiteral("a\n/* x\ny */ b\n\"multi\nline\" c\n\"x\n${\nd}\" e")).tokenize();
    QList<int> lines;
    for (const Token &token : tokens) {
        if (token.type != TokenType::Newline)
            lines.append(token.line);
    }
    // a on 1; b on 3 after a two-line comment; the string starts on 4; c on 5; the parts of
    // the string on 6 carry its line, d and the closing brace of its interpolation their own
    // (8); e and the end on 8.
    QCOMPARE(lines, (QList<int>{1, 3, 4, 5, 6, 8, 8, 6, 8, 8}));
}

void tst_Lexer::spaceBefore()
{
    // The parser reads `timeout -5 { }` as a negative delay by the spacing around the minus.
    const QList<Token> tokens = Lexer(QStringLiteral("a -5 b - 5 c-5 /* x */d\ne")).tokenize();
    QList<bool> spaces;
    for (const Token &token : tokens) {
        if (token.type != TokenType::Newline && token.type != TokenType::EndOfFile)
            spaces.append(token.spaceBefore);
    }
    //                            a      -     5      b     -     5     c     -      5      d     e
    QCOMPARE(spaces, (QList<bool>{false, true, false, true, true, true, true, false, false, true, true}));
}

void tst_Lexer::cancellation()
{
    QString source;
    for (int i = 0; i < 100'000; ++i)
        source += QStringLiteral("x%1 = \"v ${%1}\"\n").arg(i);

    std::atomic<bool> cancel{false};
    Lexer running(source);
    running.setCancelFlag(&cancel);
    const QList<Token> all = running.tokenize();
    QVERIFY(!running.cancelled());
    QCOMPARE(all.last().type, TokenType::EndOfFile);

    // Set before the scan: it stops at the first poll, long before the end of the input.
    cancel.store(true);
    Lexer cancelled(source);
    cancelled.setCancelFlag(&cancel);
    const QList<Token> some = cancelled.tokenize();
    QVERIFY(cancelled.cancelled());
    QCOMPARE(some.last().type, TokenType::Error);
    QVERIFY2(some.size() < all.size() / 100, qPrintable(QString::number(some.size())));
}

void tst_Lexer::excerpt_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("expected");
    QTest::newRow("short") << "abc" << "abc";
    QTest::newRow("exactly 40") << QString(40, u'a') << QString(40, u'a');
    QTest::newRow("41") << QString(41, u'a') << QString(40, u'a') + "...";
    QTest::newRow("14 KB") << QString(14'000, u'b') << QString(40, u'b') + "...";
    // An emoji is two UTF-16 units: a cut between them would leave half a character.
    QTest::newRow("surrogate pair at the cut") << QString(39, u'a') + QStringLiteral("🎉🎉") << QString(39, u'a') + "...";
}

void tst_Lexer::excerpt()
{
    QFETCH(QString, text);
    QFETCH(QString, expected);
    QCOMPARE(Token::excerpt(text), expected);
}

QTEST_GUILESS_MAIN(tst_Lexer)
#include "tst_lexer.moc"
