#include "interpreter.h"

#include "parser.h"
#include "scriptlogging.h"
#include "scriptobjects.h"
#include "timerbindings.h"

#include <QtCore/QEventLoop>
#include <QtCore/QTimer>

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace havel::script {

namespace {

//! The lowest frame address this thread may reach before "Stack overflow.": its stack's end
//! plus a margin for the error path. The call-depth limit catches runaway recursion first; this
//! catches what it cannot (a deep tree in every frame, a thread with a small stack), so that a
//! script never overflows the native stack. Taken from the frame address, which ASan's fake
//! stack (detect_stack_use_after_return) does not move.
const char *stackFloor()
{
    thread_local const char *const floor = [] {
        pthread_attr_t attr;
        if (pthread_getattr_np(pthread_self(), &attr) != 0)
            return static_cast<const char *>(nullptr);
        void *base = nullptr;
        std::size_t size = 0;
        pthread_attr_getstack(&attr, &base, &size);
        pthread_attr_destroy(&attr);
        const std::size_t margin = std::min<std::size_t>(size / 4, std::size_t(1) << 20);
        return static_cast<const char *>(base) + margin;
    }();
    return floor;
}

bool nearStackEnd()
{
    return static_cast<const char *>(__builtin_frame_address(0)) < stackFloor();
}

//! Integer arithmetic that becomes float arithmetic instead of overflowing.
Value addInts(qint64 a, qint64 b)
{
    qint64 r;
    if (__builtin_add_overflow(a, b, &r))
        return double(a) + double(b);
    return r;
}

Value subInts(qint64 a, qint64 b)
{
    qint64 r;
    if (__builtin_sub_overflow(a, b, &r))
        return double(a) - double(b);
    return r;
}

Value mulInts(qint64 a, qint64 b)
{
    qint64 r;
    if (__builtin_mul_overflow(a, b, &r))
        return double(a) * double(b);
    return r;
}

//! Now on the steady clock, for ScriptProbe.
qint64 steadyNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
}

} // namespace

Interpreter::ExecutionScope::ExecutionScope(Interpreter *interpreter) : m_interpreter(interpreter)
{
    ++m_interpreter->m_executionDepth;
    // Script code runs from an event loop (the thread's, or a nested one of sleep()): the
    // interpreter has left its loop now.
    m_interpreter->m_probe->busySinceNs.store(steadyNs(), std::memory_order_relaxed);
}

Interpreter::ExecutionScope::~ExecutionScope()
{
    // Back to the event loop this scope was entered from.
    m_interpreter->m_probe->busySinceNs.store(0, std::memory_order_relaxed);
    if (--m_interpreter->m_executionDepth == 0 && m_interpreter->m_finishPending)
        QMetaObject::invokeMethod(m_interpreter, "completeFinish", Qt::QueuedConnection);
}

Interpreter::Interpreter(TimerManager *timers, QObject *parent)
    : QObject(parent), m_timerManager(timers)
{
    m_globals = std::make_shared<Environment>(&m_heap, nullptr, true);
    m_timers = std::make_unique<TimerBindings>(*this);
    m_out = [](const QString &text) {
        const QByteArray bytes = text.toUtf8();
        std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), stdout);
        std::fflush(stdout);
    };
    m_err = [](const QString &text) {
        const QByteArray bytes = text.toUtf8();
        std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), stderr);
        std::fflush(stderr);
    };
    installBuiltins();
    m_timers->install(*m_globals);
}

Interpreter::~Interpreter()
{
    // Pairs with completeFinish(): see m_finishHandoff.
    { std::lock_guard handoff(m_finishHandoff); }
    if (!m_finished)
        teardown();
}

void Interpreter::setOutput(Output out, Output err)
{
    m_out = std::move(out);
    m_err = std::move(err);
}

void Interpreter::print(const QString &text)
{
    m_out(text);
}

void Interpreter::printError(const QString &text)
{
    m_err(text);
}

// --- the run -----------------------------------------------------------------------------

void Interpreter::runScript(const QString &source)
{
    SyntaxError syntaxError;
    std::unique_ptr<Program> program = Parser::parse(source, &syntaxError);
    if (!program) {
        printError(syntaxError.toString() + u'\n');
        requestFinish(ExitSyntax);
        return;
    }
    const Program *body = program.get();
    m_programs.push_back(std::move(program));
    {
        ExecutionScope scope(this);
        try {
            checkStop();
            executeStatements(body->statements, m_globals);
        } catch (const RuntimeError &error) {
            printError(error.toString() + u'\n');
            requestFinish(ExitRuntime);
        } catch (const StopUnwind &) {
        }
    }
    m_bodyDone = true;
    Q_EMIT bodyFinished();
    if (m_exitWhenDone)
        requestFinish(ExitOk);
    else
        scheduleKeepAliveCheck();
}

void Interpreter::requestStop(int exitCode)
{
    int expected = -1;
    if (m_stopRequest.compare_exchange_strong(expected, exitCode))
        QMetaObject::invokeMethod(this, "onStopRequested", Qt::QueuedConnection);
}

void Interpreter::onStopRequested()
{
    requestFinish(m_stopRequest.load());
}

void Interpreter::timersChangedElsewhere()
{
    // A string-based queued call carries no payload: nothing for TSan to see handed over.
    if (!m_changedElsewhere.exchange(true))
        QMetaObject::invokeMethod(this, "onTimersChangedElsewhere", Qt::QueuedConnection);
}

void Interpreter::onTimersChangedElsewhere()
{
    m_changedElsewhere.store(false);
    timersChanged();
}

void Interpreter::checkStop()
{
    if (m_stopRequest.load(std::memory_order_relaxed) >= 0 && !m_stopping)
        requestFinish(m_stopRequest.load());
    if (m_stopping)
        throw StopUnwind{};
}

void Interpreter::requestFinish(int exitCode)
{
    if (m_stopping)
        return;
    m_stopping = true;
    m_exitCode = exitCode;
    // No callback may start after this; those on the stack unwind with StopUnwind.
    m_timers->stopAll();
    for (const NestedLoop &nested : m_loops)
        nested.loop->quit();
    QMetaObject::invokeMethod(this, "completeFinish", Qt::QueuedConnection);
}

void Interpreter::completeFinish()
{
    if (m_finished)
        return;
    // A nested loop may deliver this while script frames are still on the stack; they hold
    // values that teardown would clear under them. The last frame to leave posts it again.
    if (m_executionDepth > 0) {
        m_finishPending = true;
        return;
    }
    m_finishPending = false;
    teardown();
    m_finished = true;
    Q_EMIT finished(m_exitCode);
    // The last thing this thread does with the interpreter; see m_finishHandoff.
    { std::lock_guard handoff(m_finishHandoff); }
}

void Interpreter::teardown()
{
    m_timers->stopAll();
    m_timers->clear();
    m_returnValue = Value();
    // The globals and every closure hold each other; break all cycles so LeakSanitizer sees
    // every script object freed.
    m_heap.clearAll();
    m_globals->clearReferences();
    if (m_heap.objectCount() > 1)
        qCWarning(lcScript, "Interpreter::teardown: %lld script objects outlive the run",
                  qlonglong(m_heap.objectCount() - 1));
}

void Interpreter::scheduleKeepAliveCheck()
{
    if (m_keepAliveCheckQueued || m_stopping)
        return;
    m_keepAliveCheckQueued = true;
    // Deferred to the next loop iteration: a timeout leaves the timer registry only after
    // its callback has returned, and the run may end only once no script frame is left.
    QMetaObject::invokeMethod(
            this,
            [this] {
                m_keepAliveCheckQueued = false;
                keepAliveCheck();
            },
            Qt::QueuedConnection);
}

void Interpreter::keepAliveCheck()
{
    if (!m_bodyDone || m_stopping || m_executionDepth > 0 || !m_loops.empty())
        return;
    if (!m_timers->keepsAlive())
        requestFinish(ExitOk);
}

void Interpreter::timersChanged()
{
    for (const NestedLoop &nested : m_loops) {
        if (nested.done && nested.done())
            nested.loop->quit();
    }
    scheduleKeepAliveCheck();
}

void Interpreter::runNestedLoop(qint64 timeoutMs, const std::function<bool()> &done)
{
    checkStop();
    if (done && done())
        return;
    QEventLoop loop;
    QTimer timer;
    if (timeoutMs >= 0) {
        timer.setSingleShot(true);
        timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
        timer.start(int(std::min<qint64>(timeoutMs, std::numeric_limits<int>::max())));
    }
    m_loops.push_back({&loop, done});
    m_probe->busySinceNs.store(0, std::memory_order_relaxed); // waiting, not busy
    loop.exec();
    m_probe->busySinceNs.store(steadyNs(), std::memory_order_relaxed);
    // Loops nest strictly, so this loop is the last entry.
    m_loops.pop_back();
    checkStop();
}

void Interpreter::setMode(const QString &mode)
{
    if (mode == m_mode)
        return;
    m_mode = mode;
    m_timers->modeChanged();
}

QString Interpreter::runTimerCallback(quint64 id, const Value &callable)
{
    ExecutionScope scope(this);
    try {
        checkStop();
        std::vector<Value> args;
        call(callable, args, 0);
        return QString();
    } catch (const RuntimeError &error) {
        printError(QStringLiteral("[line %1] RuntimeError in timer %2: %3\n")
                           .arg(error.line)
                           .arg(id)
                           .arg(error.message));
        return error.message;
    } catch (const StopUnwind &) {
        return QString();
    }
}

void Interpreter::fail(int line, const QString &message)
{
    RuntimeError error;
    error.line = line;
    error.message = message;
    throw error;
}

qint64 Interpreter::durationMs(const Value &value, const QString &function, int line)
{
    double ms = 0;
    if (value.isInt()) {
        ms = double(value.asInt());
    } else if (value.isFloat()) {
        ms = value.asFloat();
    } else if (value.isString()) {
        const QString text = value.asString().trimmed();
        static const std::pair<const char *, double> units[] = {
            {"ms", 1}, {"s", 1000}, {"m", 60'000}, {"h", 3'600'000}};
        bool ok = false;
        for (const auto &[suffix, factor] : units) {
            if (text.endsWith(QLatin1String(suffix))) {
                const double number = text.chopped(int(qstrlen(suffix))).trimmed().toDouble(&ok);
                if (ok) {
                    ms = number * factor;
                    break;
                }
            }
        }
        if (!ok) {
            ms = text.toDouble(&ok);
            if (!ok)
                fail(line, QStringLiteral("%1: invalid duration \"%2\" (use a number of "
                                          "milliseconds or \"500ms\", \"1s\", \"2.5m\", \"1h\")")
                                   .arg(function, value.asString()));
        }
    } else {
        fail(line, QStringLiteral("%1: duration must be a number of milliseconds or a string "
                                  "like \"500ms\", not %2")
                           .arg(function, value.typeName()));
    }
    if (std::isnan(ms))
        fail(line, QStringLiteral("%1: duration is not a number").arg(function));
    if (ms < 0)
        fail(line, QStringLiteral("%1: duration must not be negative (got %2)")
                           .arg(function, Value::formatNumber(ms)));
    // Far-future delays saturate: the timer core treats them as "never".
    if (ms > 9.0e15)
        return qint64(9e15);
    return qint64(std::ceil(ms));
}

void Interpreter::maybeCollect()
{
    if (m_heap.collectionDue())
        m_heap.collect();
}

// --- statements --------------------------------------------------------------------------

Interpreter::Flow Interpreter::executeStatements(const std::vector<StmtPtr> &statements,
                                                 const EnvPtr &env)
{
    for (const StmtPtr &stmt : statements) {
        const Flow flow = execute(*stmt, env);
        if (flow != Flow::Normal)
            return flow;
    }
    return Flow::Normal;
}

Interpreter::Flow Interpreter::execute(const Stmt &stmt, const EnvPtr &env)
{
    if (nearStackEnd())
        fail(stmt.line, QStringLiteral("Stack overflow."));
    checkStop();
    maybeCollect();
    m_probe->line.store(stmt.line, std::memory_order_relaxed);
    switch (stmt.kind) {
    case Stmt::Kind::Expression:
        evaluate(*static_cast<const ExpressionStmt &>(stmt).expr, env);
        return Flow::Normal;
    case Stmt::Kind::Let: {
        const auto &let = static_cast<const LetStmt &>(stmt);
        Value value = let.initializer ? evaluate(*let.initializer, env) : Value();
        env->define(let.name, std::move(value));
        return Flow::Normal;
    }
    case Stmt::Kind::Function: {
        const auto &fn = static_cast<const FunctionStmt &>(stmt);
        env->define(fn.decl->name, std::make_shared<Closure>(&m_heap, fn.decl.get(), env));
        return Flow::Normal;
    }
    case Stmt::Kind::Block: {
        auto inner = std::make_shared<Environment>(&m_heap, env, false);
        return executeStatements(static_cast<const BlockStmt &>(stmt).statements, inner);
    }
    case Stmt::Kind::If: {
        const auto &ifStmt = static_cast<const IfStmt &>(stmt);
        if (evaluate(*ifStmt.condition, env).isTruthy())
            return execute(*ifStmt.thenBranch, env);
        if (ifStmt.elseBranch)
            return execute(*ifStmt.elseBranch, env);
        return Flow::Normal;
    }
    case Stmt::Kind::While:
    case Stmt::Kind::Loop: {
        const auto &loop = static_cast<const WhileStmt &>(stmt);
        while (!loop.condition || evaluate(*loop.condition, env).isTruthy()) {
            const Flow flow = execute(*loop.body, env);
            if (flow == Flow::Break)
                break;
            if (flow == Flow::Return)
                return flow;
            checkStop();
        }
        return Flow::Normal;
    }
    case Stmt::Kind::ForIn:
        return executeForIn(static_cast<const ForInStmt &>(stmt), env);
    case Stmt::Kind::ForC:
        return executeForC(static_cast<const ForCStmt &>(stmt), env);
    case Stmt::Kind::Break:
        return Flow::Break;
    case Stmt::Kind::Continue:
        return Flow::Continue;
    case Stmt::Kind::Return: {
        const auto &ret = static_cast<const ReturnStmt &>(stmt);
        m_returnValue = ret.value ? evaluate(*ret.value, env) : Value();
        return Flow::Return;
    }
    case Stmt::Kind::Throw: {
        RuntimeError error;
        error.line = stmt.line;
        error.thrown = evaluate(*static_cast<const ThrowStmt &>(stmt).value, env);
        error.message = toText(error.thrown);
        error.isThrow = true;
        throw error;
    }
    case Stmt::Kind::Try:
        return executeTry(static_cast<const TryStmt &>(stmt), env);
    }
    return Flow::Normal;
}

Interpreter::Flow Interpreter::executeTry(const TryStmt &stmt, const EnvPtr &env)
{
    Flow flow = Flow::Normal;
    Value savedReturn;
    try {
        flow = execute(*stmt.body, env);
        savedReturn = m_returnValue;
    } catch (const RuntimeError &error) {
        if (!stmt.hasCatch) {
            if (stmt.finallyBody) {
                const Flow finallyFlow = execute(*stmt.finallyBody, env);
                if (finallyFlow != Flow::Normal)
                    return finallyFlow;
            }
            throw;
        }
        auto catchEnv = std::make_shared<Environment>(&m_heap, env, false);
        if (!stmt.catchName.isEmpty())
            catchEnv->define(stmt.catchName, error.isThrow ? error.thrown : Value(error.message));
        try {
            flow = execute(*stmt.catchBody, catchEnv);
            savedReturn = m_returnValue;
        } catch (const RuntimeError &) {
            if (stmt.finallyBody) {
                const Flow finallyFlow = execute(*stmt.finallyBody, env);
                if (finallyFlow != Flow::Normal)
                    return finallyFlow;
            }
            throw;
        }
    }
    if (stmt.finallyBody) {
        const Flow finallyFlow = execute(*stmt.finallyBody, env);
        if (finallyFlow != Flow::Normal)
            return finallyFlow;
    }
    m_returnValue = savedReturn;
    return flow;
}

Interpreter::Flow Interpreter::executeForIn(const ForInStmt &stmt, const EnvPtr &env)
{
    auto runBody = [&](Value item) {
        // A fresh scope per iteration, so a callback made in the body keeps its own item.
        auto iteration = std::make_shared<Environment>(&m_heap, env, false);
        iteration->define(stmt.variable, std::move(item));
        return execute(*stmt.body, iteration);
    };

    // `for i in a..b` walks the range without building an array.
    if (stmt.iterable->kind == Expr::Kind::Binary
        && static_cast<const BinaryExpr &>(*stmt.iterable).op == TokenType::DotDot) {
        const auto &range = static_cast<const BinaryExpr &>(*stmt.iterable);
        const Value from = evaluate(*range.left, env);
        const Value to = evaluate(*range.right, env);
        if (!from.isInt() || !to.isInt())
            fail(range.line, QStringLiteral("Range bounds must be integers."));
        for (qint64 i = from.asInt(); i <= to.asInt(); ++i) {
            const Flow flow = runBody(i);
            if (flow == Flow::Break)
                break;
            if (flow == Flow::Return)
                return flow;
            if (i == std::numeric_limits<qint64>::max())
                break;
        }
        return Flow::Normal;
    }

    const Value iterable = evaluate(*stmt.iterable, env);
    if (iterable.isArray()) {
        const std::shared_ptr<Array> array = iterable.asArray();
        // By index: the body may grow or shrink the array.
        for (std::size_t i = 0; i < array->items.size(); ++i) {
            const Flow flow = runBody(array->items[i]);
            if (flow == Flow::Break)
                break;
            if (flow == Flow::Return)
                return flow;
        }
    } else if (iterable.isObject()) {
        const QStringList keys = iterable.asObject()->keys();
        for (const QString &key : keys) {
            const Flow flow = runBody(key);
            if (flow == Flow::Break)
                break;
            if (flow == Flow::Return)
                return flow;
        }
    } else if (iterable.isString()) {
        const QList<uint> codePoints = iterable.asString().toUcs4();
        for (const uint cp : codePoints) {
            const char32_t c = char32_t(cp);
            const Flow flow = runBody(QString::fromUcs4(&c, 1));
            if (flow == Flow::Break)
                break;
            if (flow == Flow::Return)
                return flow;
        }
    } else {
        fail(stmt.line, QStringLiteral("Can only iterate over a range, array, object or string, not %1.")
                                .arg(iterable.typeName()));
    }
    return Flow::Normal;
}

Interpreter::Flow Interpreter::executeForC(const ForCStmt &stmt, const EnvPtr &env)
{
    // Each iteration gets a fresh copy of the loop variables (as JavaScript's `for (let ...)`),
    // so callbacks created in the body see 0, 1, 2 rather than the final value.
    auto loopEnv = std::make_shared<Environment>(&m_heap, env, false);
    if (stmt.initializer)
        execute(*stmt.initializer, loopEnv);
    auto copyOf = [this, &env](const EnvPtr &from) {
        auto copy = std::make_shared<Environment>(&m_heap, env, false);
        for (auto it = from->values().cbegin(); it != from->values().cend(); ++it)
            copy->define(it.key(), it.value());
        return copy;
    };
    EnvPtr iteration = copyOf(loopEnv);
    while (true) {
        if (stmt.condition && !evaluate(*stmt.condition, iteration).isTruthy())
            break;
        const Flow flow = execute(*stmt.body, iteration);
        if (flow == Flow::Break)
            break;
        if (flow == Flow::Return)
            return flow;
        checkStop();
        iteration = copyOf(iteration);
        if (stmt.increment)
            evaluate(*stmt.increment, iteration);
    }
    return Flow::Normal;
}

// --- expressions -------------------------------------------------------------------------

Value Interpreter::evaluate(const Expr &expr, const EnvPtr &env)
{
    if (nearStackEnd())
        fail(expr.line, QStringLiteral("Stack overflow."));
    switch (expr.kind) {
    case Expr::Kind::Literal: {
        const auto &literal = static_cast<const LiteralExpr &>(expr);
        switch (literal.type) {
        case LiteralExpr::Type::Null: return Value();
        case LiteralExpr::Type::Bool: return literal.boolValue;
        case LiteralExpr::Type::Int: return literal.intValue;
        case LiteralExpr::Type::Float: return literal.floatValue;
        case LiteralExpr::Type::String: return literal.stringValue;
        }
        return Value();
    }
    case Expr::Kind::Interpolation: {
        QString text;
        for (const auto &part : static_cast<const InterpolationExpr &>(expr).parts)
            text += part.expr ? toText(evaluate(*part.expr, env)) : part.text;
        return text;
    }
    case Expr::Kind::Variable: {
        const auto &variable = static_cast<const VariableExpr &>(expr);
        if (const Value *slot = env->find(variable.name))
            return *slot;
        fail(expr.line, QStringLiteral("Undefined variable '%1'.").arg(variable.name));
    }
    case Expr::Kind::Assign:
        return evaluateAssign(static_cast<const AssignExpr &>(expr), env);
    case Expr::Kind::Unary: {
        const auto &unary = static_cast<const UnaryExpr &>(expr);
        const Value operand = evaluate(*unary.operand, env);
        if (unary.op == TokenType::Bang)
            return !operand.isTruthy();
        if (operand.isInt())
            return operand.asInt() == std::numeric_limits<qint64>::min() ? Value(-double(operand.asInt()))
                                                                         : Value(-operand.asInt());
        if (operand.isFloat())
            return -operand.asFloat();
        fail(expr.line, QStringLiteral("Operand of '-' must be a number, not %1.").arg(operand.typeName()));
    }
    case Expr::Kind::Binary:
        return evaluateBinary(static_cast<const BinaryExpr &>(expr), env);
    case Expr::Kind::Logical: {
        const auto &logical = static_cast<const BinaryExpr &>(expr);
        Value left = evaluate(*logical.left, env);
        switch (logical.op) {
        case TokenType::OrOr:
            return left.isTruthy() ? left : evaluate(*logical.right, env);
        case TokenType::AndAnd:
            return !left.isTruthy() ? left : evaluate(*logical.right, env);
        default: // ??
            return !left.isNull() ? left : evaluate(*logical.right, env);
        }
    }
    case Expr::Kind::Ternary: {
        const auto &ternary = static_cast<const TernaryExpr &>(expr);
        return evaluate(evaluate(*ternary.condition, env).isTruthy() ? *ternary.thenExpr
                                                                      : *ternary.elseExpr,
                        env);
    }
    case Expr::Kind::Call:
        return evaluateCall(static_cast<const CallExpr &>(expr), env);
    case Expr::Kind::Member: {
        const auto &member = static_cast<const MemberExpr &>(expr);
        return getMember(evaluate(*member.object, env), member.name, expr.line);
    }
    case Expr::Kind::Index: {
        const auto &index = static_cast<const IndexExpr &>(expr);
        const Value object = evaluate(*index.object, env);
        return getIndex(object, evaluate(*index.index, env), expr.line);
    }
    case Expr::Kind::Array: {
        std::vector<Value> items;
        for (const ExprPtr &element : static_cast<const ArrayExpr &>(expr).elements)
            items.push_back(evaluate(*element, env));
        return std::make_shared<Array>(&m_heap, std::move(items));
    }
    case Expr::Kind::Object: {
        const auto &literal = static_cast<const ObjectExpr &>(expr);
        auto object = std::make_shared<Object>(&m_heap);
        for (qsizetype i = 0; i < literal.keys.size(); ++i)
            object->set(literal.keys.at(i), evaluate(*literal.values[std::size_t(i)], env));
        return object;
    }
    case Expr::Kind::Function:
        return std::make_shared<Closure>(&m_heap, static_cast<const FunctionExpr &>(expr).decl.get(), env);
    case Expr::Kind::Postfix:
        return evaluatePostfix(static_cast<const PostfixExpr &>(expr), env);
    case Expr::Kind::TimerBlock:
        return evaluateTimerBlock(static_cast<const TimerBlockExpr &>(expr), env);
    case Expr::Kind::AtStop: {
        const Value *timer = env->find(TimerBindings::kCurrentTimerName);
        if (timer && timer->isInt())
            m_timers->stop(quint64(timer->asInt()));
        return Value();
    }
    }
    return Value();
}

Value Interpreter::evaluateBinary(const BinaryExpr &expr, const EnvPtr &env)
{
    const Value left = evaluate(*expr.left, env);
    const Value right = evaluate(*expr.right, env);
    return binaryOp(expr.op, expr.opText, left, right, expr.line);
}

Value Interpreter::binaryOp(TokenType op, const QString &opText, const Value &left,
                            const Value &right, int line)
{
    auto numbersRequired = [&]() -> void {
        fail(line, QStringLiteral("Operands of '%1' must be numbers, not %2 and %3.")
                           .arg(opText, left.typeName(), right.typeName()));
    };
    switch (op) {
    case TokenType::EqualEqual: return left.equals(right);
    case TokenType::BangEqual: return !left.equals(right);
    case TokenType::Plus:
    case TokenType::PlusEqual:
        if (left.isString() || right.isString())
            return toText(left) + toText(right);
        if (left.isInt() && right.isInt())
            return addInts(left.asInt(), right.asInt());
        if (left.isNumber() && right.isNumber())
            return left.asNumber() + right.asNumber();
        if (left.isArray() && right.isArray()) {
            std::vector<Value> items = left.asArray()->items;
            items.insert(items.end(), right.asArray()->items.begin(), right.asArray()->items.end());
            return std::make_shared<Array>(&m_heap, std::move(items));
        }
        fail(line, QStringLiteral("Operands of '+' must be numbers or strings, not %1 and %2.")
                           .arg(left.typeName(), right.typeName()));
    case TokenType::Less:
    case TokenType::LessEqual:
    case TokenType::Greater:
    case TokenType::GreaterEqual: {
        int order = 0;
        if (left.isInt() && right.isInt())
            order = left.asInt() < right.asInt() ? -1 : left.asInt() > right.asInt() ? 1 : 0;
        else if (left.isNumber() && right.isNumber()) {
            const double a = left.asNumber(), b = right.asNumber();
            if (std::isnan(a) || std::isnan(b))
                return false;
            order = a < b ? -1 : a > b ? 1 : 0;
        } else if (left.isString() && right.isString())
            order = left.asString().compare(right.asString());
        else
            fail(line, QStringLiteral("Operands of '%1' must be two numbers or two strings, not %2 and %3.")
                               .arg(opText, left.typeName(), right.typeName()));
        switch (op) {
        case TokenType::Less: return order < 0;
        case TokenType::LessEqual: return order <= 0;
        case TokenType::Greater: return order > 0;
        default: return order >= 0;
        }
    }
    case TokenType::DotDot: {
        if (!left.isInt() || !right.isInt())
            fail(line, QStringLiteral("Range bounds must be integers."));
        const qint64 from = left.asInt(), to = right.asInt();
        if (to >= from && (to - from) > 10'000'000)
            fail(line, QStringLiteral("Range %1..%2 is too large.").arg(from).arg(to));
        std::vector<Value> items;
        for (qint64 i = from; i <= to; ++i)
            items.emplace_back(i);
        return std::make_shared<Array>(&m_heap, std::move(items));
    }
    default:
        break;
    }

    if (!left.isNumber() || !right.isNumber())
        numbersRequired();
    const bool ints = left.isInt() && right.isInt();
    switch (op) {
    case TokenType::Minus:
    case TokenType::MinusEqual:
        return ints ? subInts(left.asInt(), right.asInt()) : Value(left.asNumber() - right.asNumber());
    case TokenType::Star:
    case TokenType::StarEqual:
        return ints ? mulInts(left.asInt(), right.asInt()) : Value(left.asNumber() * right.asNumber());
    case TokenType::Slash:
    case TokenType::SlashEqual:
        if (ints) {
            const qint64 a = left.asInt(), b = right.asInt();
            if (b == 0)
                fail(line, QStringLiteral("Division by zero."));
            // Exact when it divides evenly, else a float: 10 / 4 is 2.5, 10 / 5 is 2. The
            // overflow check comes first: min % -1 traps (SIGFPE) just as min / -1 does.
            if (!(a == std::numeric_limits<qint64>::min() && b == -1) && a % b == 0)
                return a / b;
            return double(a) / double(b);
        }
        return left.asNumber() / right.asNumber();
    case TokenType::Percent:
    case TokenType::PercentEqual:
        if (ints) {
            if (right.asInt() == 0)
                fail(line, QStringLiteral("Division by zero."));
            if (right.asInt() == -1)
                return qint64(0);
            return left.asInt() % right.asInt();
        }
        return std::fmod(left.asNumber(), right.asNumber());
    case TokenType::StarStar: {
        if (ints && right.asInt() >= 0) {
            qint64 result = 1, base = left.asInt();
            qint64 exponent = right.asInt();
            bool overflow = false;
            while (exponent > 0 && !overflow) {
                if (exponent & 1)
                    overflow |= __builtin_mul_overflow(result, base, &result);
                exponent >>= 1;
                if (exponent > 0)
                    overflow |= __builtin_mul_overflow(base, base, &base);
            }
            if (!overflow)
                return result;
        }
        return std::pow(left.asNumber(), right.asNumber());
    }
    default:
        fail(line, QStringLiteral("Unknown operator '%1'.").arg(opText));
    }
}

Value Interpreter::evaluateAssign(const AssignExpr &expr, const EnvPtr &env)
{
    Value value = evaluate(*expr.value, env);
    if (expr.op != TokenType::Equal) {
        const Value current = evaluate(*expr.target, env);
        static const QString names[] = {QStringLiteral("+="), QStringLiteral("-="),
                                        QStringLiteral("*="), QStringLiteral("/="),
                                        QStringLiteral("%=")};
        QString opText;
        switch (expr.op) {
        case TokenType::PlusEqual: opText = names[0]; break;
        case TokenType::MinusEqual: opText = names[1]; break;
        case TokenType::StarEqual: opText = names[2]; break;
        case TokenType::SlashEqual: opText = names[3]; break;
        default: opText = names[4]; break;
        }
        value = binaryOp(expr.op, opText, current, value, expr.line);
    }
    assignTo(*expr.target, value, env);
    return value;
}

Value Interpreter::evaluatePostfix(const PostfixExpr &expr, const EnvPtr &env)
{
    const Value current = evaluate(*expr.target, env);
    if (!current.isNumber())
        fail(expr.line, QStringLiteral("Operand of '%1' must be a number, not %2.")
                                .arg(expr.op == TokenType::PlusPlus ? u"++" : u"--")
                                .arg(current.typeName()));
    Value updated;
    if (current.isInt())
        updated = expr.op == TokenType::PlusPlus ? addInts(current.asInt(), 1) : subInts(current.asInt(), 1);
    else
        updated = current.asFloat() + (expr.op == TokenType::PlusPlus ? 1.0 : -1.0);
    assignTo(*expr.target, updated, env);
    return current;
}

void Interpreter::assignTo(const Expr &target, const Value &value, const EnvPtr &env)
{
    switch (target.kind) {
    case Expr::Kind::Variable:
        assignVariable(static_cast<const VariableExpr &>(target).name, value, env);
        return;
    case Expr::Kind::Member: {
        const auto &member = static_cast<const MemberExpr &>(target);
        setMember(evaluate(*member.object, env), member.name, value, target.line);
        return;
    }
    case Expr::Kind::Index: {
        const auto &index = static_cast<const IndexExpr &>(target);
        const Value object = evaluate(*index.object, env);
        setIndex(object, evaluate(*index.index, env), value, target.line);
        return;
    }
    default:
        fail(target.line, QStringLiteral("Invalid assignment target."));
    }
}

void Interpreter::assignVariable(const QString &name, const Value &value, const EnvPtr &env)
{
    // An existing variable anywhere in scope (a local, a captured one, a global) is updated;
    // otherwise the name becomes a local of the innermost function, or a global at top level.
    if (Value *slot = env->find(name)) {
        *slot = value;
        return;
    }
    Environment *scope = env.get();
    while (!scope->isFunctionScope())
        scope = scope->parent().get();
    scope->define(name, value);
}

Value Interpreter::evaluateCall(const CallExpr &expr, const EnvPtr &env)
{
    if (expr.callee->kind == Expr::Kind::Member) {
        // receiver.method(args): dispatch without making a bound method first.
        const auto &member = static_cast<const MemberExpr &>(*expr.callee);
        const Value receiver = evaluate(*member.object, env);
        std::vector<Value> args;
        args.reserve(expr.arguments.size());
        for (const ExprPtr &argument : expr.arguments)
            args.push_back(evaluate(*argument, env));
        return callMethod(receiver, member.name, args, expr.line);
    }
    const Value callee = evaluate(*expr.callee, env);
    std::vector<Value> args;
    args.reserve(expr.arguments.size());
    for (const ExprPtr &argument : expr.arguments)
        args.push_back(evaluate(*argument, env));
    return call(callee, args, expr.line);
}

Value Interpreter::call(const Value &callee, std::vector<Value> &args, int line)
{
    switch (callee.type()) {
    case Value::Type::Closure:
        return callClosure(callee.asClosure(), args, line);
    case Value::Type::Native: {
        const std::shared_ptr<NativeFunction> native = callee.asNative();
        return native->function(*this, args, line);
    }
    case Value::Type::BoundMethod: {
        const std::shared_ptr<BoundMethod> bound = callee.asBoundMethod();
        return callMethod(bound->receiver, bound->name, args, line);
    }
    default:
        fail(line, QStringLiteral("Can only call functions, not %1.").arg(callee.typeName()));
    }
}

Value Interpreter::callClosure(const std::shared_ptr<Closure> &closure, std::vector<Value> &args,
                               int line)
{
    if (m_callDepth >= m_maxCallDepth)
        fail(line, QStringLiteral("Stack overflow."));
    struct DepthGuard
    {
        int &depth;
        explicit DepthGuard(int &d) : depth(d) { ++depth; }
        ~DepthGuard() { --depth; }
    } guard(m_callDepth);

    const FunctionDecl &decl = *closure->decl;
    auto callEnv = std::make_shared<Environment>(&m_heap, closure->env, true);
    for (qsizetype i = 0; i < decl.params.size(); ++i)
        callEnv->define(decl.params.at(i), std::size_t(i) < args.size() ? args[std::size_t(i)] : Value());
    if (decl.expressionBody)
        return evaluate(*decl.expressionBody, callEnv);
    if (executeStatements(decl.body, callEnv) == Flow::Return)
        return std::exchange(m_returnValue, Value());
    return Value();
}

Value Interpreter::evaluateTimerBlock(const TimerBlockExpr &expr, const EnvPtr &env)
{
    const Value delay = evaluate(*expr.delay, env);
    const QString function = expr.isInterval ? QStringLiteral("interval") : QStringLiteral("timeout");
    const qint64 ms = durationMs(delay, function, expr.line);
    // The block's own scope holds its timer id, which @stop finds by lexical lookup: the
    // innermost enclosing timer block wins.
    auto blockEnv = std::make_shared<Environment>(&m_heap, env, false);
    const Value body = std::make_shared<Closure>(&m_heap, expr.body.get(), blockEnv);
    TimerBindings::Options options;
    const std::shared_ptr<const TimerHandle> handle =
            m_timers->create(expr.isInterval, body, ms, options, function, expr.line);
    blockEnv->define(TimerBindings::kCurrentTimerName, qint64(handle->id));
    return handle;
}

// --- members and indexing ----------------------------------------------------------------

Value Interpreter::getMember(const Value &object, const QString &name, int line)
{
    switch (object.type()) {
    case Value::Type::Object: {
        const Value *value = object.asObject()->get(name);
        return value ? *value : Value();
    }
    case Value::Type::Native: {
        const auto &members = object.asNative()->members;
        const auto it = members.constFind(name);
        if (it != members.cend())
            return it.value();
        break;
    }
    case Value::Type::Array:
        if (name == QLatin1String("length"))
            return qint64(object.asArray()->items.size());
        return std::make_shared<BoundMethod>(&m_heap, object, name);
    case Value::Type::String:
        if (name == QLatin1String("length"))
            return qint64(object.asString().toUcs4().size());
        return std::make_shared<BoundMethod>(&m_heap, object, name);
    case Value::Type::Handle:
        return m_timers->handleMember(object.asHandle(), name, line);
    default:
        break;
    }
    fail(line, QStringLiteral("Cannot read property '%1' of %2.").arg(name, object.typeName()));
}

void Interpreter::setMember(const Value &object, const QString &name, const Value &value, int line)
{
    if (!object.isObject())
        fail(line, QStringLiteral("Cannot set property '%1' on %2.").arg(name, object.typeName()));
    object.asObject()->set(name, value);
}

Value Interpreter::getIndex(const Value &object, const Value &index, int line)
{
    if (object.isArray() || object.isString()) {
        if (!index.isInt())
            fail(line, QStringLiteral("Index must be an integer, not %1.").arg(index.typeName()));
        qint64 i = index.asInt();
        if (object.isArray()) {
            const auto &items = object.asArray()->items;
            if (i < 0)
                i += qint64(items.size());
            if (i < 0 || i >= qint64(items.size()))
                fail(line, QStringLiteral("Index %1 out of range (length %2).").arg(index.asInt()).arg(items.size()));
            return items[std::size_t(i)];
        }
        const QList<uint> codePoints = object.asString().toUcs4();
        if (i < 0)
            i += codePoints.size();
        if (i < 0 || i >= codePoints.size())
            fail(line, QStringLiteral("Index %1 out of range (length %2).").arg(index.asInt()).arg(codePoints.size()));
        const char32_t c = char32_t(codePoints.at(i));
        return QString::fromUcs4(&c, 1);
    }
    if (object.isObject()) {
        const QString key = index.isString() ? index.asString() : toText(index);
        const Value *value = object.asObject()->get(key);
        return value ? *value : Value();
    }
    fail(line, QStringLiteral("Cannot index %1.").arg(object.typeName()));
}

void Interpreter::setIndex(const Value &object, const Value &index, const Value &value, int line)
{
    if (object.isArray()) {
        if (!index.isInt())
            fail(line, QStringLiteral("Index must be an integer, not %1.").arg(index.typeName()));
        auto &items = object.asArray()->items;
        qint64 i = index.asInt();
        if (i < 0)
            i += qint64(items.size());
        if (i == qint64(items.size())) {
            items.push_back(value);
            return;
        }
        if (i < 0 || i > qint64(items.size()))
            fail(line, QStringLiteral("Index %1 out of range (length %2).").arg(index.asInt()).arg(items.size()));
        items[std::size_t(i)] = value;
        return;
    }
    if (object.isObject()) {
        object.asObject()->set(index.isString() ? index.asString() : toText(index), value);
        return;
    }
    fail(line, QStringLiteral("Cannot assign to an index of %1.").arg(object.typeName()));
}

// --- text ----------------------------------------------------------------------------------

namespace {
constexpr int kMaxPrintDepth = 64;
} // namespace

//! Keeps a container on the stack of containers being printed while its items print.
struct Interpreter::PrintGuard
{
    PrintGuard(std::vector<const GcObject *> &stack, const GcObject *object) : stack(stack)
    {
        stack.push_back(object);
    }
    ~PrintGuard() { stack.pop_back(); }
    std::vector<const GcObject *> &stack;
};

bool Interpreter::isBeingPrinted(const GcObject *object) const
{
    return std::find(m_printing.begin(), m_printing.end(), object) != m_printing.end();
}

QString Interpreter::toText(const Value &value)
{
    return toText(value, 0, false);
}

QString Interpreter::toText(const Value &value, int depth, bool quoteStrings)
{
    switch (value.type()) {
    case Value::Type::Null: return QStringLiteral("null");
    case Value::Type::Bool: return value.asBool() ? QStringLiteral("true") : QStringLiteral("false");
    case Value::Type::Int: return QString::number(value.asInt());
    case Value::Type::Float: return Value::formatNumber(value.asFloat());
    case Value::Type::String:
        return quoteStrings ? u'"' + value.asString() + u'"' : value.asString();
    case Value::Type::Array: {
        // A container inside itself prints as [...]; so does very deep nesting.
        if (depth > kMaxPrintDepth || isBeingPrinted(value.gcObject()))
            return QStringLiteral("[...]");
        PrintGuard guard(m_printing, value.gcObject());
        QStringList parts;
        for (const Value &item : value.asArray()->items)
            parts.append(toText(item, depth + 1, true));
        return u'[' + parts.join(QStringLiteral(", ")) + u']';
    }
    case Value::Type::Object: {
        if (depth > kMaxPrintDepth || isBeingPrinted(value.gcObject()))
            return QStringLiteral("{...}");
        PrintGuard guard(m_printing, value.gcObject());
        const auto &object = value.asObject();
        QStringList parts;
        for (const QString &key : object->keys())
            parts.append(key + QStringLiteral(": ") + toText(*object->get(key), depth + 1, true));
        return u'{' + parts.join(QStringLiteral(", ")) + u'}';
    }
    case Value::Type::Closure: {
        const QString &name = value.asClosure()->decl->name;
        return name.isEmpty() ? QStringLiteral("<fn>") : QStringLiteral("<fn %1>").arg(name);
    }
    case Value::Type::BoundMethod:
        return QStringLiteral("<method %1>").arg(value.asBoundMethod()->name);
    case Value::Type::Native:
        return QStringLiteral("<native fn %1>").arg(value.asNative()->name);
    case Value::Type::Handle:
        return m_timers->describe(*value.asHandle());
    }
    return QString();
}

} // namespace havel::script
