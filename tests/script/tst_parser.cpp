#include <lexer.h>
#include <parser.h>

#include <QtCore/QElapsedTimer>
#include <QtCore/QThread>
#include <QtTest/QTest>

#include <functional>

using namespace havel::script;

namespace {

QString show(const Expr *expr);

QString showArgs(const std::vector<ExprPtr> &args)
{
    QStringList parts;
    for (const ExprPtr &arg : args)
        parts.append(show(arg.get()));
    return parts.join(u' ');
}

//! An s-expression of the tree, so a test can state precedence and associativity exactly.
QString show(const Expr *expr)
{
    switch (expr->kind) {
    case Expr::Kind::Literal: {
        const auto *literal = static_cast<const LiteralExpr *>(expr);
        switch (literal->type) {
        case LiteralExpr::Type::Null: return QStringLiteral("null");
        case LiteralExpr::Type::Bool: return literal->boolValue ? QStringLiteral("true") : QStringLiteral("false");
        case LiteralExpr::Type::Int: return QString::number(literal->intValue);
        case LiteralExpr::Type::Float: return QString::number(literal->floatValue);
        case LiteralExpr::Type::String: return u'"' + literal->stringValue + u'"';
        }
        return QString();
    }
    case Expr::Kind::Interpolation: {
        QStringList parts;
        for (const auto &part : static_cast<const InterpolationExpr *>(expr)->parts)
            parts.append(part.expr ? show(part.expr.get()) : u'"' + part.text + u'"');
        return QStringLiteral("(str %1)").arg(parts.join(u' '));
    }
    case Expr::Kind::Variable: return static_cast<const VariableExpr *>(expr)->name;
    case Expr::Kind::Assign: {
        const auto *assign = static_cast<const AssignExpr *>(expr);
        return QStringLiteral("(%1 %2 %3)").arg(assign->op == TokenType::Equal ? QStringLiteral("=") : QStringLiteral("op="),
                                                show(assign->target.get()), show(assign->value.get()));
    }
    case Expr::Kind::Unary: {
        const auto *unary = static_cast<const UnaryExpr *>(expr);
        return QStringLiteral("(%1 %2)").arg(unary->op == TokenType::Bang ? u"!" : u"neg", show(unary->operand.get()));
    }
    case Expr::Kind::Binary:
    case Expr::Kind::Logical: {
        const auto *binary = static_cast<const BinaryExpr *>(expr);
        return QStringLiteral("(%1 %2 %3)").arg(binary->opText, show(binary->left.get()), show(binary->right.get()));
    }
    case Expr::Kind::Ternary: {
        const auto *ternary = static_cast<const TernaryExpr *>(expr);
        return QStringLiteral("(? %1 %2 %3)").arg(show(ternary->condition.get()), show(ternary->thenExpr.get()),
                                                   show(ternary->elseExpr.get()));
    }
    case Expr::Kind::Call: {
        const auto *call = static_cast<const CallExpr *>(expr);
        return QStringLiteral("(call %1%2%3)").arg(show(call->callee.get()), call->arguments.empty() ? u"" : u" ",
                                                    showArgs(call->arguments));
    }
    case Expr::Kind::Member: {
        const auto *member = static_cast<const MemberExpr *>(expr);
        return QStringLiteral("(. %1 %2)").arg(show(member->object.get()), member->name);
    }
    case Expr::Kind::Index: {
        const auto *index = static_cast<const IndexExpr *>(expr);
        return QStringLiteral("([] %1 %2)").arg(show(index->object.get()), show(index->index.get()));
    }
    case Expr::Kind::Array: return QStringLiteral("[%1]").arg(showArgs(static_cast<const ArrayExpr *>(expr)->elements));
    case Expr::Kind::Object: {
        const auto *object = static_cast<const ObjectExpr *>(expr);
        QStringList parts;
        for (qsizetype i = 0; i < object->keys.size(); ++i)
            parts.append(object->keys.at(i) + u':' + show(object->values[std::size_t(i)].get()));
        return QStringLiteral("{%1}").arg(parts.join(u' '));
    }
    case Expr::Kind::Function: {
        const auto *fn = static_cast<const FunctionExpr *>(expr);
        return QStringLiteral("(fn (%1) %2)").arg(fn->decl->params.join(u' '),
                                                   fn->decl->expressionBody ? show(fn->decl->expressionBody.get())
                                                                            : QStringLiteral("{%1}").arg(fn->decl->body.size()));
    }
    case Expr::Kind::Postfix: {
        const auto *postfix = static_cast<const PostfixExpr *>(expr);
        return QStringLiteral("(post%1 %2)").arg(postfix->op == TokenType::PlusPlus ? u"++" : u"--", show(postfix->target.get()));
    }
    case Expr::Kind::TimerBlock: {
        const auto *block = static_cast<const TimerBlockExpr *>(expr);
        return QStringLiteral("(%1 %2 {%3})").arg(block->isInterval ? u"interval" : u"timeout", show(block->delay.get()))
                .arg(block->body->body.size());
    }
    case Expr::Kind::AtStop: return QStringLiteral("@stop");
    }
    return QString();
}

//! @p open repeated @p n times, then @p middle, then @p close repeated @p n times.
QString nested(const QString &open, int n, const QString &middle, const QString &close)
{
    return open.repeated(n) + middle + close.repeated(n);
}

//! A script whose parse does work proportional to @p n, of the shape named by @p kind.
QString generated(const QString &kind, int n)
{
    QStringList items;
    items.reserve(n);
    for (int i = 0; i < n; ++i) {
        if (kind == u"object keys")
            items.append(QStringLiteral("k%1: %1").arg(i));
        else if (kind == u"parameters")
            items.append(QStringLiteral("p%1").arg(i));
        else if (kind == u"else if")
            items.append(QStringLiteral(" else if x == %1 { y = %1 }").arg(i));
        else if (kind == u"arguments" || kind == u"array")
            items.append(QString::number(i));
        else if (kind == u"interpolations")
            items.append(QStringLiteral("s = \"a ${x + %1} $y\"").arg(i));
    }
    if (kind == u"object keys")
        return QStringLiteral("o = {") + items.join(QStringLiteral(", ")) + QStringLiteral("}");
    if (kind == u"parameters")
        return QStringLiteral("fn f(") + items.join(QStringLiteral(", ")) + QStringLiteral(") { }");
    if (kind == u"else if")
        return QStringLiteral("if x { }") + items.join(QString());
    if (kind == u"arguments")
        return QStringLiteral("f(") + items.join(QStringLiteral(", ")) + QStringLiteral(")");
    if (kind == u"array")
        return QStringLiteral("a = [") + items.join(QStringLiteral(", ")) + QStringLiteral("]");
    return items.join(u'\n');
}

//! The fastest of @p runs parses of @p source, in ms: the minimum filters out the time a busy
//! machine takes away.
double fastestParseMs(const QString &source, int runs)
{
    double best = 1e300;
    for (int i = 0; i < runs; ++i) {
        QElapsedTimer timer;
        timer.start();
        SyntaxError error;
        const bool ok = bool(Parser::parse(source, &error));
        best = std::min(best, timer.nsecsElapsed() / 1e6);
        if (!ok)
            qFatal("generated script does not parse: %s", qPrintable(error.toString()));
    }
    return best;
}

} // namespace

//! Thread: the test's main thread.
class tst_Parser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void expressions_data();
    void expressions();
    void statements_data();
    void statements();
    void errors_data();
    void errors();
    void limits_data();
    void limits();
    void limitsOnASmallStack_data();
    void limitsOnASmallStack();
    void linearTime_data();
    void linearTime();
    void cancellation();
};

void tst_Parser::expressions_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("tree");

    QTest::newRow("* over +") << "1 + 2 * 3" << "(+ 1 (* 2 3))";
    QTest::newRow("left assoc -") << "1 - 2 - 3" << "(- (- 1 2) 3)";
    QTest::newRow("** right assoc") << "2 ** 3 ** 2" << "(** 2 (** 3 2))";
    QTest::newRow("** over prefix -") << "-2 ** 2" << "(neg (** 2 2))";
    QTest::newRow("** with negative exponent") << "2 ** -1" << "(** 2 (neg 1))";
    QTest::newRow("range under +") << "1..n + 1" << "(.. 1 (+ n 1))";
    QTest::newRow("comparison under range") << "a == 1..2" << "(== a (.. 1 2))";
    QTest::newRow("&& over ||") << "a || b && c" << "(|| a (&& b c))";
    QTest::newRow("?? under ||") << "a ?? b || c" << "(?? a (|| b c))";
    QTest::newRow("ternary under ??") << "a ?? b ? c : d" << "(? (?? a b) c d)";
    QTest::newRow("nested ternary") << "a ? b : c ? d : e" << "(? a b (? c d e))";
    QTest::newRow("assignment right assoc") << "a = b = 1" << "(= a (= b 1))";
    QTest::newRow("compound assignment") << "a.b += 2" << "(op= (. a b) 2)";
    QTest::newRow("postfix on member") << "o.count++" << "(post++ (. o count))";
    QTest::newRow("call member index") << "a.b(1)[2].c" << "(. ([] (call (. a b) 1) 2) c)";
    QTest::newRow("not binds tight") << "!a == b" << "(== (! a) b)";
    QTest::newRow("arrow one param") << "x => x * 2" << "(fn (x) (* x 2))";
    QTest::newRow("arrow params") << "(a, b) => a + b" << "(fn (a b) (+ a b))";
    QTest::newRow("arrow block") << "() => { return 1 }" << "(fn () {1})";
    QTest::newRow("grouping is not arrow") << "(a) + 1" << "(+ a 1)";
    QTest::newRow("anonymous fn") << "fn(a) { a }" << "(fn (a) {1})";
    QTest::newRow("array and object") << "[1, {a: 2, b: [3]}]" << "[1 {a:2 b:[3]}]";
    QTest::newRow("interpolation") << R"("a $b ${c + 1}")" << R"((str "a " b " " (+ c 1)))";
    QTest::newRow("f-string") << R"(f"x={x} $y")" << R"((str "x=" x " " y))";
    QTest::newRow("escaped dollar") << R"("\$x")" << R"("$x")";
    QTest::newRow("interval block") << "interval 500 { a; b }" << "(interval 500 {2})";
    QTest::newRow("timeout block with name") << "timeout delay { }" << "(timeout delay {0})";
    QTest::newRow("block as call") << "interval(250) { x }" << "(interval 250 {1})";
    QTest::newRow("interval call") << "interval(250, f)" << "(call interval 250 f)";
    QTest::newRow("interval namespace") << "interval.stop(h)" << "(call (. interval stop) h)";
    QTest::newRow("assign block") << "h = interval 10 { @stop }" << "(= h (interval 10 {1}))";
    // A minus attached to its operand after a space is a negative delay (issue 13); otherwise
    // `timeout` is a variable being subtracted from.
    QTest::newRow("timeout negative delay") << "timeout -5 { }" << "(timeout (neg 5) {0})";
    QTest::newRow("interval negative name") << "interval -d { x }" << "(interval (neg d) {1})";
    QTest::newRow("timeout minus spaced") << "timeout - 5" << "(- timeout 5)";
    QTest::newRow("timeout minus unspaced") << "timeout-5" << "(- timeout 5)";
    QTest::newRow("timeout null delay") << "timeout null { }" << "(timeout null {0})";
    QTest::newRow("timeout bool delay") << "interval true { }" << "(interval true {0})";
    QTest::newRow("timeout interpolated delay") << "timeout \"${n}ms\" { }" << "(timeout (str n \"ms\") {0})";
    QTest::newRow("timeout as a value") << "f(timeout, interval)" << "(call f timeout interval)";
    QTest::newRow("chained assignment") << "a = b.c += d = 1" << "(= a (op= (. b c) (= d 1)))";
    QTest::newRow("escapes") << R"("a\tb\$c\{")" << "\"a\tb$c{\"";
    QTest::newRow("interpolated object") << R"("${ {a: 1}.a }!")" << R"((str (. {a:1} a) "!"))";
    QTest::newRow("nested interpolation") << R"("<${"[$a]"}>")" << R"((str "<" (str "[" a "]") ">"))";
    QTest::newRow("interpolated keyword name") << R"("$if")" << "(str if)";
    QTest::newRow("interpolation alone") << R"(f"{x}")" << "(str x)";
    QTest::newRow("interpolation over lines") << "\"${a +\n b}\"" << "(str (+ a b))";
    QTest::newRow("string and keyword keys") << R"(({"a b": 1, if: 2, 3: 4}))" << "{a b:1 if:2 3:4}";
    QTest::newRow("repeated key keeps its place") << "({a: 1, b: 2, a: 3})" << "{a:3 b:2}";
    QTest::newRow("keyword member") << "o.if.null" << "(. (. o if) null)";
}

void tst_Parser::expressions()
{
    QFETCH(QString, source);
    QFETCH(QString, tree);
    SyntaxError error;
    const auto program = Parser::parse(source, &error);
    QVERIFY2(program, qPrintable(error.toString()));
    QCOMPARE(program->statements.size(), std::size_t(1));
    const Stmt &stmt = *program->statements.front();
    QCOMPARE(stmt.kind, Stmt::Kind::Expression);
    QCOMPARE(show(static_cast<const ExpressionStmt &>(stmt).expr.get()), tree);
}

void tst_Parser::statements_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QList<int>>("kinds");
    using K = Stmt::Kind;
    auto kinds = [](std::initializer_list<K> list) {
        QList<int> result;
        for (const K k : list)
            result.append(int(k));
        return result;
    };

    QTest::newRow("semicolons and newlines") << "a; b\nc;" << kinds({K::Expression, K::Expression, K::Expression});
    QTest::newRow("let and val") << "let x = 1\nval y" << kinds({K::Let, K::Let});
    QTest::newRow("fn declaration") << "fn f(a) { return a }" << kinds({K::Function});
    QTest::newRow("if else if else") << "if a { } else if (b) { }\nelse { }" << kinds({K::If});
    QTest::newRow("loops") << "while a { break }\nloop { continue }" << kinds({K::While, K::Loop});
    QTest::newRow("for in") << "for x in 1..3 { }\nfor (y in xs) { }" << kinds({K::ForIn, K::ForIn});
    QTest::newRow("c-style for") << "for (let i = 0; i < 3; i++) { }" << kinds({K::ForC});
    QTest::newRow("try catch finally") << "try { } catch (e) { }\ntry { } catch e { } finally { }\ntry { } catch { }"
                                       << kinds({K::Try, K::Try, K::Try});
    QTest::newRow("throw") << "throw \"x\"" << kinds({K::Throw});
    QTest::newRow("command print") << "print \"a\", b\nprint\nsleep 10" << kinds({K::Expression, K::Expression, K::Expression});
    QTest::newRow("closing paren semicolon") << "setTimeout(fn() {\n  x\n}, 10);" << kinds({K::Expression});
}

void tst_Parser::statements()
{
    QFETCH(QString, source);
    QFETCH(QList<int>, kinds);
    SyntaxError error;
    const auto program = Parser::parse(source, &error);
    QVERIFY2(program, qPrintable(error.toString()));
    QList<int> actual;
    for (const StmtPtr &stmt : program->statements)
        actual.append(int(stmt->kind));
    QCOMPARE(actual, kinds);
}

void tst_Parser::errors_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("message");

    QTest::newRow("missing operand") << "1 +" << "[line 1] Error at end: Expect expression.";
    QTest::newRow("missing operand mid-line") << "x = * 2" << "[line 1] Error at '*': Expect expression.";
    QTest::newRow("invalid assignment target") << "\n1 = 2" << "[line 2] Error at '=': Invalid assignment target.";
    QTest::newRow("unclosed paren") << "f(1" << "[line 1] Error at end: Expect ')' after arguments.";
    QTest::newRow("unclosed block") << "if a {" << "[line 1] Error at end: Expect '}' after block.";
    // `if a b` is a single-statement if since issue 11; a bare `if a` still needs a body.
    QTest::newRow("if without block") << "if a" << "[line 1] Error at end of line: Expect '{' before block.";
    QTest::newRow("colon block without body") << "if a:" << "[line 1] Error at end of line: Expect an indented block after ':'.";
    QTest::newRow("two statements") << "a b" << "[line 1] Error at 'b': Expect end of statement.";
    QTest::newRow("@stop outside timer") << "@stop" << "[line 1] Error at '@stop': Can't use '@stop' outside a timer block.";
    QTest::newRow("break outside loop") << "break" << "[line 1] Error at 'break': Can't use 'break' outside of a loop.";
    QTest::newRow("break in fn in loop") << "loop { fn f() { break } }" << "[line 1] Error at 'break': Can't use 'break' outside of a loop.";
    QTest::newRow("try alone") << "try { }\nx" << "[line 1] Error at end of line: Expect 'catch' or 'finally' after try block.";
    QTest::newRow("timer block without body") << "interval 5 x" << "[line 1] Error at 'x': Expect '{' after interval delay.";
    QTest::newRow("lexical error") << "x = \"abc" << "[line 1] Error: Unterminated string.";
    QTest::newRow("bad interpolation") << "\"${1 +}\"" << "[line 1] Error at '}': Expect expression.";
    QTest::newRow("empty interpolation") << "f\"{}\"" << "[line 1] Error at '}': Expect expression.";
    QTest::newRow("two expressions in interpolation") << "\"${a b}\"" << "[line 1] Error at 'b': Expect '}' after expression in string.";
    QTest::newRow("paren open in interpolation") << "\"${f(1}\"" << "[line 1] Error at '}': Expect ')' after arguments.";
    QTest::newRow("interpolation error on its line") << "x = \"a\n${\n1 +}\"" << "[line 3] Error at '}': Expect expression.";
    QTest::newRow("unterminated interpolation") << "x = \"${a" << "[line 1] Error: Unterminated string.";
    QTest::newRow("interpolated key") << "x = {\"$a\": 1}" << "[line 1] Error at '\"\"': Expect property name.";
    QTest::newRow("string member") << "o.\"\"" << "[line 1] Error at '\"\"': Expect property name after '.'.";
    QTest::newRow("timeout minus then no block") << "x = timeout -1"
            << "[line 1] Error at end of line: Expect '{' after timeout delay (to subtract, write 'timeout - ...').";
    // Issue 13: a 14 KB token is cut to 40 characters in the message.
    QTest::newRow("long identifier cut") << "x = a " + QString(14'000, u'b')
            << "[line 1] Error at '" + QString(40, u'b') + "...': Expect end of statement.";
    QTest::newRow("long string cut") << "x = a \"" + QString(14'000, u'c') + "\""
            << "[line 1] Error at '\"" + QString(40, u'c') + "...\"': Expect end of statement.";
    QTest::newRow("long number cut") << "x = a " + QString(300, u'7') + ".5"
            << "[line 1] Error at '" + QString(40, u'7') + "...': Expect end of statement.";
    QTest::newRow("quote inside f-string braces") << "f\"{a\"" << "[line 1] Error: Unterminated string.";
    QTest::newRow("duplicate parameter") << "fn f(a, a) { }" << "[line 1] Error at 'a': Duplicate parameter name.";
    QTest::newRow("deep nesting") << QString(300, u'(') << "[line 1] Error at '(': Too much nesting.";
    QTest::newRow("deep blocks") << QString(300, u'{') << "[line 1] Error at '{': Too much nesting.";
}

// The limits of docs/hardening.md, exactly: each kind of nesting at 200 levels parses, at 201
// it is an error; likewise 10,000 chain links and 10,000 else-if branches, and not one more.
void tst_Parser::limits_data()
{
    QTest::addColumn<QString>("source");
    QTest::addColumn<QString>("message"); // empty: it parses
    const QString nesting = QStringLiteral("Too much nesting.");
    const QString tooLong = QStringLiteral("Expression too long.");
    struct Kind
    {
        const char *name;
        std::function<QString(int)> make;
    };
    const Kind kinds[] = {
        {"parentheses", [](int n) { return "x = " + nested("(", n, "1", ")"); }},
        {"calls", [](int n) { return nested("f(", n, "1", ")"); }},
        {"indexes", [](int n) { return "x = " + nested("a[", n, "0", "]"); }},
        {"arrays", [](int n) { return "x = " + nested("[", n, "1", "]"); }},
        {"objects", [](int n) { return "x = " + nested("{a: ", n, "1", "}"); }},
        {"blocks", [](int n) { return nested("{\n", n, "x", "\n}"); }},
        {"if blocks", [](int n) { return nested("if a {\n", n, "x", "\n}"); }},
        {"fn bodies", [](int n) { return "x = " + nested("fn() { ", n, "1", " }"); }},
        {"arrows", [](int n) { return "x = " + nested("y => ", n, "1", ""); }},
        {"prefix operators", [](int n) { return "x = " + nested("!", n, "true", ""); }},
        {"interpolations", [](int n) { return "x = " + nested("\"${", n, "1", "}\""); }},
        {"timer blocks", [](int n) { return nested("timeout 1 { ", n, "x", " }"); }},
        {"ternaries", [](int n) { return "x = " + nested("a ? b : ", n, "c", ""); }},
        {"powers", [](int n) { return "x = 2" + QStringLiteral(" ** 2").repeated(n); }},
        {"mixed", [](int n) {
             QString s = QStringLiteral("1");
             const QString wraps[] = {"(%1)", "[%1]", "{a: %1}", "-%1", "f(%1)", "fn() { %1 }", "\"${%1}\""};
             for (int i = 0; i < n; ++i)
                 s = QString(wraps[i % 7]).arg(s);
             return "x = " + s;
         }},
    };
    for (const Kind &kind : kinds) {
        QTest::addRow("%s at %d", kind.name, Parser::kMaxDepth) << kind.make(Parser::kMaxDepth) << QString();
        QTest::addRow("%s past %d", kind.name, Parser::kMaxDepth) << kind.make(Parser::kMaxDepth + 1) << nesting;
    }
    const int links = Parser::kMaxChainDepth;
    QTest::addRow("sum at %d", links) << "x = 1" + QStringLiteral(" + 1").repeated(links) << QString();
    QTest::addRow("sum past %d", links) << "x = 1" + QStringLiteral(" + 1").repeated(links + 1) << tooLong;
    QTest::addRow("calls at %d", links) << "f" + QStringLiteral("()").repeated(links) << QString();
    QTest::addRow("calls past %d", links) << "f" + QStringLiteral("()").repeated(links + 1) << tooLong;
    QTest::addRow("members past %d", links) << "o" + QStringLiteral(".a").repeated(links + 1) << tooLong;
    QTest::addRow("assignments at %d", links) << QStringLiteral("a = ").repeated(links + 1) + "1" << QString();
    QTest::addRow("assignments past %d", links) << QStringLiteral("a = ").repeated(links + 2) + "1" << tooLong;
    // Links count per statement, nested ones included: two sums in one call add up.
    QTest::newRow("links add up in a statement")
            << "f(1" + QStringLiteral(" + 1").repeated(links / 2) + ", 1" + QStringLiteral(" + 1").repeated(links / 2 + 1) + ")"
            << tooLong;
    QTest::newRow("links end with their statement")
            << "x = 1" + QStringLiteral(" + 1").repeated(links) + "\ny = 1" + QStringLiteral(" + 1").repeated(links) << QString();

    const int branches = Parser::kMaxElseIf;
    QTest::addRow("else if at %d", branches) << generated(QStringLiteral("else if"), branches) << QString();
    QTest::addRow("else if past %d", branches) << generated(QStringLiteral("else if"), branches + 1)
                                                << QStringLiteral("Too many 'else if' branches.");
    // A branch's condition has its own chain budget: the last of 10,000 branches may still
    // hold a 9,999-link condition (its tree is 10,000 + 10,000 deep at most).
    QTest::newRow("long condition in the last branch")
            << generated(QStringLiteral("else if"), branches - 1) + " else if 1" + QStringLiteral(" + 1").repeated(links) + " { }"
            << QString();
    QTest::newRow("nested ladders add up")
            << "if a { }" + QStringLiteral(" else if a { }").repeated(branches / 2) + " else {\n"
               + "if b { }" + QStringLiteral(" else if b { }").repeated(branches / 2 + 1) + "\n}"
            << QStringLiteral("Too many 'else if' branches.");
}

void tst_Parser::limits()
{
    QFETCH(QString, source);
    QFETCH(QString, message);
    SyntaxError error;
    const auto program = Parser::parse(source, &error);
    if (message.isEmpty()) {
        QVERIFY2(program, qPrintable(error.toString().left(200)));
    } else {
        QVERIFY(!program);
        QCOMPARE(error.message, message);
    }
}

// The deepest input each limit admits, parsed and freed on a thread with a 4 MB stack (as in
// tst_hostfaults), so that the limits hold for an embedder's thread too, even under ASan. On a
// stack too small for them (256 KB) the nesting gives "Too much nesting.", never a crash. (Not
// the chains there: a 10,000-deep tree needs more than 256 KB to be freed, under ASan.)
void tst_Parser::limitsOnASmallStack_data()
{
    QTest::addColumn<uint>("stackBytes");
    QTest::addColumn<bool>("allParse");
    QTest::newRow("4 MB") << 4u * 1024u * 1024u << true;
    QTest::newRow("256 KB") << 256u * 1024u << false;
}

void tst_Parser::limitsOnASmallStack()
{
    QFETCH(uint, stackBytes);
    QFETCH(bool, allParse);
    QStringList sources;
    for (const char *wrap : {"(%1)", "f(%1)", "[%1]", "{a: %1}", "fn() { %1 }", "\"${%1}\"", "!%1", "a[%1]",
                             "2 ** %1", "a ? %1 : b", "y => %1", "timeout 1 { %1 }"}) {
        QString s = QStringLiteral("x");
        for (int i = 0; i < Parser::kMaxDepth; ++i)
            s = QString::fromLatin1(wrap).arg(s);
        sources.append("x = " + s);
    }
    sources.append(nested(QStringLiteral("if a { "), Parser::kMaxDepth, QStringLiteral("x"), QStringLiteral(" }")));
    if (allParse) {
        sources.append("x = 1" + QStringLiteral(" + 1").repeated(Parser::kMaxChainDepth));
        sources.append("f" + QStringLiteral("()").repeated(Parser::kMaxChainDepth));
        sources.append(generated(QStringLiteral("else if"), Parser::kMaxElseIf - 1) + " else if 1"
                       + QStringLiteral(" + 1").repeated(Parser::kMaxChainDepth) + " { }");
    }
    QStringList outcomes;
    std::unique_ptr<QThread> thread(QThread::create([&] {
        for (const QString &source : sources) {
            SyntaxError error;
            outcomes.append(Parser::parse(source, &error) ? QStringLiteral("ok") : error.message);
        }
    }));
    thread->setStackSize(stackBytes);
    thread->start();
    QVERIFY(thread->wait(QDeadlineTimer(120'000)));
    QCOMPARE(outcomes.size(), sources.size());
    for (qsizetype i = 0; i < outcomes.size(); ++i) {
        if (allParse || outcomes.at(i) != u"Too much nesting.")
            QVERIFY2(outcomes.at(i) == u"ok", qPrintable(QStringLiteral("%1: %2").arg(sources.at(i).left(40), outcomes.at(i))));
    }
    if (!allParse) // the guard did act: a 256 KB stack cannot hold 200 levels of calls
        QVERIFY(outcomes.contains(QStringLiteral("Too much nesting.")));
}

// The front end is linear in its input (issue 10): ten times the input takes about ten times
// as long, never a hundred. Each size is timed at its fastest of a few runs, interleaved, so
// that a busy machine inflates neither; a linear parse gives a ratio near 10, a quadratic one
// near 100, and the bound sits far from both.
void tst_Parser::linearTime_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<int>("n");
    QTest::newRow("object keys") << "object keys" << 10'000;
    QTest::newRow("parameters") << "parameters" << 5'000;
    QTest::newRow("else if") << "else if" << 1'000;
    QTest::newRow("arguments") << "arguments" << 10'000;
    QTest::newRow("array") << "array" << 10'000;
    QTest::newRow("interpolations") << "interpolations" << 2'000;
}

void tst_Parser::linearTime()
{
    QFETCH(QString, kind);
    QFETCH(int, n);
    const QString small = generated(kind, n);
    const QString large = generated(kind, 10 * n);
    double smallMs = 1e300;
    double largeMs = 1e300;
    for (int round = 0; round < 3; ++round) {
        smallMs = std::min(smallMs, fastestParseMs(small, 3));
        largeMs = std::min(largeMs, fastestParseMs(large, 1));
    }
    const double ratio = largeMs / std::max(smallMs, 0.05);
    qInfo("%s: %d in %.1f ms, %d in %.1f ms: ratio %.1f", qPrintable(kind), n, smallMs, 10 * n,
          largeMs, ratio);
    QVERIFY2(ratio < 50, qPrintable(QStringLiteral("10x the input took %1x the time").arg(ratio)));
}

// A set flag stops the parse, which reports an interruption rather than a syntax error.
void tst_Parser::cancellation()
{
    const QString source = generated(QStringLiteral("object keys"), 50'000);
    std::atomic<bool> cancel{false};
    SyntaxError error;
    QVERIFY(Parser::parse(source, &error, &cancel));
    QVERIFY(!error.interrupted);

    cancel.store(true);
    QVERIFY(!Parser::parse(source, &error, &cancel));
    QVERIFY(error.interrupted);

    // Past the lexer: a parser given the tokens stops at its first poll too.
    Lexer lexer(source);
    Parser parser(lexer.tokenize());
    parser.setCancelFlag(&cancel);
    QVERIFY(!parser.parseProgram());
    QVERIFY(parser.error()->interrupted);
}

void tst_Parser::errors()
{
    QFETCH(QString, source);
    QFETCH(QString, message);
    SyntaxError error;
    QVERIFY(!Parser::parse(source, &error));
    QCOMPARE(error.toString(), message);
}

QTEST_GUILESS_MAIN(tst_Parser)
#include "tst_parser.moc"
