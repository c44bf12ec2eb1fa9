#include <parser.h>

#include <QtTest/QTest>

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
    QTest::newRow("if without block") << "if a b" << "[line 1] Error at 'b': Expect '{' before block.";
    QTest::newRow("two statements") << "a b" << "[line 1] Error at 'b': Expect end of statement.";
    QTest::newRow("@stop outside timer") << "@stop" << "[line 1] Error at '@stop': Can't use '@stop' outside a timer block.";
    QTest::newRow("break outside loop") << "break" << "[line 1] Error at 'break': Can't use 'break' outside of a loop.";
    QTest::newRow("break in fn in loop") << "loop { fn f() { break } }" << "[line 1] Error at 'break': Can't use 'break' outside of a loop.";
    QTest::newRow("return at top level") << "return" << "[line 1] Error at 'return': Can't return from top-level code.";
    QTest::newRow("try alone") << "try { }\nx" << "[line 1] Error at end of line: Expect 'catch' or 'finally' after try block.";
    QTest::newRow("timer block without body") << "interval 5 x" << "[line 1] Error at 'x': Expect '{' after interval delay.";
    QTest::newRow("lexical error") << "x = \"abc" << "[line 1] Error: Unterminated string.";
    QTest::newRow("bad interpolation") << "\"${1 +}\"" << "[line 1] Error at end: Expect expression.";
    QTest::newRow("quote inside f-string braces") << "f\"{a\"" << "[line 1] Error: Unterminated string.";
    QTest::newRow("duplicate parameter") << "fn f(a, a) { }" << "[line 1] Error at 'a': Duplicate parameter name.";
    QTest::newRow("deep nesting") << QString(300, u'(') << "[line 1] Error at '(': Too much nesting.";
    QTest::newRow("deep blocks") << QString(300, u'{') << "[line 1] Error at '{': Too much nesting.";
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
