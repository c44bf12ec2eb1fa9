#include "interpreter.h"

#include "timerbindings.h"

#include <builtins.h>
#include <compiler.h>
#include <disassembler.h>
#include <parser.h>
#include <scriptlogging.h>
#include <scriptobjects.h>
#include <vm.h>

#include <timermanager.h>

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>

#include <chrono>
#include <cstdio>

namespace havel::script {

Interpreter::Interpreter(TimerManager *timers, QObject *parent)
    : QObject(parent),
      m_timerManager(timers),
      m_lifecycle(this, RunLifecycle::Hooks{
                                [this] { return hasWork(); },
                                [this] {
                                    const auto body = m_body.lock();
                                    printError(QStringLiteral("[line %1] RuntimeError: Deadlock: the "
                                                              "script waits here for ever: every task "
                                                              "waits on a channel, a task or a "
                                                              "coroutine.\n")
                                                       .arg(body ? Vm::lineOf(*body) : 0));
                                },
                                [this] { stopEverything(); },
                                [this] { teardown(); },
                                [this](int exitCode) {
                                    busyEnded(); // a stopped run may leave fibers queued
                                    Q_EMIT finished(exitCode);
                                    // The last thing this thread does with the interpreter; see
                                    // m_finishHandoff.
                                    std::lock_guard handoff(m_finishHandoff);
                                }})
{
    m_vm = std::make_unique<Vm>(static_cast<VmHost &>(*this), this);
    m_timers = std::make_unique<TimerBindings>(static_cast<EngineSeam &>(*this));
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
    Builtins::install(*m_vm);
    m_timers->install(*m_vm);
    installPrelude();
}

void Interpreter::installPrelude()
{
    // The prelude is part of the binary: a syntax error in it is a bug, caught by every test.
    SyntaxError error;
    const std::unique_ptr<Program> program = Parser::parse(Builtins::preludeSource(), &error);
    const auto body = program ? Compiler::compile(*program, *m_vm, &error, true) : nullptr;
    if (!body)
        qFatal("Interpreter: the runtime prelude does not compile: %s", qPrintable(error.toString()));
    Builtins::installPrelude(*m_vm, *body);

    for (const char *name : {"math", "string", "array", "object", "bit", "fmt", "regex", "random",
                                "log", "pack", "time", "sys", "system", "process", "debug", "struct", "timer",
                                "mode", "when", "types", "format", "interval", "timeout"})
        m_builtinModules.append(QLatin1String(name));
    auto define = [this](const QString &name, NativeFunction::Function function) {
        m_vm->defineGlobal(name, Value(makeRef<NativeFunction>(name, std::move(function))));
    };
    define(QStringLiteral("@use"), [this](Vm &, std::vector<Value> &args, int line) {
        return importModule(args.size() == 1 && args[0].isString() ? args[0].asString() : QString(), line);
    });
    define(QStringLiteral("@moduleLoaded"), [this](Vm &, std::vector<Value> &args, int) {
        return moduleLoaded(args.at(0).asString());
    });
}

Value Interpreter::importModule(const QString &spec, int line)
{
    auto giving = [](Value value) {
        return Value(makeRef<NativeFunction>(QStringLiteral("use"), [value](Vm &, std::vector<Value> &, int) {
            return value;
        }));
    };
    const bool isPath = spec.contains(u'/') || spec.endsWith(QLatin1String(".hv"));
    if (!isPath && m_builtinModules.contains(spec)) {
        const Value builtin = m_vm->global(spec == QLatin1String("format") ? QStringLiteral("fmt") : spec);
        if (!builtin.isUndefined())
            return giving(builtin);
    }
    // A path is relative to the module being loaded (a module's own `use`), else to the
    // script's directory.
    const QDir directory(!m_loadingModules.isEmpty() ? QFileInfo(m_loadingModules.last()).absolutePath()
                         : m_moduleDirectory.isEmpty() ? QDir::currentPath() : m_moduleDirectory);
    const QDir base(m_moduleDirectory.isEmpty() ? QDir::currentPath() : m_moduleDirectory);
    auto shown = [&base](const QString &file) { return base.relativeFilePath(file); };
    const QString file = spec.endsWith(QLatin1String(".hv")) ? spec : spec + QStringLiteral(".hv");
    const QString path = QFileInfo(directory.absoluteFilePath(file)).canonicalFilePath();
    if (spec.isEmpty() || path.isEmpty())
        fail(line, QStringLiteral("use: no module '%1': no built-in module of that name and no file %2")
                           .arg(spec, shown(directory.absoluteFilePath(file))));
    const auto known = m_modules.constFind(path);
    if (known != m_modules.cend()) {
        if (known->loaded)
            return giving(known->exports);
        QStringList chain;
        for (const QString &loading : m_loadingModules.mid(m_loadingModules.indexOf(path)))
            chain.append(shown(loading));
        chain.append(shown(path));
        fail(line, QStringLiteral("use: import cycle: %1").arg(chain.join(QStringLiteral(" -> "))));
    }
    QFile source(path);
    if (!source.open(QIODevice::ReadOnly))
        fail(line, QStringLiteral("use: cannot read %1: %2").arg(path, source.errorString()));
    SyntaxError error;
    const std::unique_ptr<Program> program = Parser::parse(QString::fromUtf8(source.readAll()), &error);
    const auto body = program ? Compiler::compile(*program, *m_vm, &error, false, path + QStringLiteral("::"))
                              : nullptr;
    if (!body)
        fail(line, QStringLiteral("use: %1: %2").arg(shown(path), error.toString()));
    m_modules.insert(path, Module{});
    m_loadingModules.append(path);
    return Value(makeRef<Closure>(&m_vm->heap(), body));
}

Value Interpreter::moduleLoaded(const QString &prefix)
{
    const QString path = prefix.chopped(2);
    auto exports = makeRef<Object>(&m_vm->heap());
    for (int i = 0; i < m_vm->globalCount(); ++i) {
        const QString &name = m_vm->globalName(i);
        if (!name.startsWith(prefix))
            continue;
        const Value value = m_vm->global(name);
        if (!value.isUndefined())
            exports->set(name.mid(prefix.size()), value);
    }
    Module &module = m_modules[path];
    module.loaded = true;
    module.exports = Value(exports);
    m_loadingModules.removeAll(path);
    return module.exports;
}

Interpreter::~Interpreter()
{
    // Pairs with the finished hook: see m_finishHandoff.
    { std::lock_guard handoff(m_finishHandoff); }
    m_lifecycle.teardownNow();
}

void Interpreter::setExitWhenDone(bool on)
{
    m_lifecycle.setExitWhenDone(on);
}

void Interpreter::setOutput(Output out, Output err)
{
    m_out = std::move(out);
    m_err = std::move(err);
}

void Interpreter::setMaxCallDepth(int depth)
{
    m_vm->setMaxCallDepth(depth);
}

void Interpreter::setMaxHeapBytes(qint64 bytes)
{
    m_vm->setHeapLimit(bytes);
}

Heap &Interpreter::heap()
{
    return m_vm->heap();
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
    Q_ASSERT(!m_started);
    m_started = true;
    SyntaxError syntaxError;
    // The parser polls m_parseCancel, so a stop request ends even a huge parse at once.
    qCDebug(lcScript, "Interpreter::runScript: parsing %lld characters", qlonglong(source.size()));
    std::unique_ptr<Program> program = Parser::parse(source, &syntaxError, &m_parseCancel);
    if (!program && syntaxError.interrupted) {
        qCDebug(lcScript, "Interpreter::runScript: parsing interrupted by a stop request");
        m_lifecycle.requestFinish(m_stopRequest.load());
        return;
    }
    std::shared_ptr<const FunctionProto> body;
    if (program)
        body = Compiler::compile(*program, *m_vm, &syntaxError);
    // The tree is not needed once compiled: closures point into the bytecode.
    program.reset();
    if (!body) {
        printError(syntaxError.toString() + u'\n');
        m_lifecycle.requestFinish(ExitSyntax);
        return;
    }
    if (m_stopRequest.load() >= 0) {
        m_lifecycle.requestFinish(m_stopRequest.load());
        return;
    }
    const Value closure(makeRef<Closure>(&m_vm->heap(), body));
    auto fiber = m_vm->spawn(closure, [this](Fiber &, const RuntimeError *error) {
        if (error) {
            printError(error->toString() + u'\n');
            m_lifecycle.requestFinish(ExitRuntime);
        }
        if (!m_lifecycle.isStopping())
            Q_EMIT bodyFinished();
        m_lifecycle.bodyEnded();
    });
    m_body = fiber;
    m_vm->schedule(fiber);
}

void Interpreter::requestStop(int exitCode)
{
    int expected = -1;
    if (m_stopRequest.compare_exchange_strong(expected, exitCode)) {
        m_parseCancel.store(true, std::memory_order_relaxed);
        QMetaObject::invokeMethod(this, "onStopRequested", Qt::QueuedConnection);
    }
}

void Interpreter::onStopRequested()
{
    m_lifecycle.requestFinish(m_stopRequest.load());
}

// The probe: the moment the thread left its event loop to run script code, 0 once it is back
// (idle, or every fiber parked on a sleep or a wait). A steady-clock read per outermost slice.
void Interpreter::busyStarted()
{
    if (m_probe->busySinceNs.load(std::memory_order_relaxed) != 0)
        return; // still the same busy stretch: no clock read
    const qint64 now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::steady_clock::now().time_since_epoch())
                               .count();
    m_probe->busySinceNs.store(now, std::memory_order_relaxed);
}

void Interpreter::busyEnded()
{
    m_probe->busySinceNs.store(0, std::memory_order_relaxed);
}

bool Interpreter::stopRequested()
{
    if (m_stopRequest.load(std::memory_order_relaxed) >= 0 && !m_lifecycle.isStopping())
        m_lifecycle.requestFinish(m_stopRequest.load());
    return m_lifecycle.isStopping();
}

void Interpreter::requestExit(int code)
{
    m_lifecycle.requestFinish(code);
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
    if (m_lifecycle.isStopping())
        return;
    m_timers->reconcile();
    timersChanged();
}

void Interpreter::stopEverything()
{
    m_timers->stopAll();
    m_vm->halt();
    m_waiters.clear();
}

void Interpreter::teardown()
{
    m_modules.clear();
    m_timers->stopAll();
    m_timers->clear();
    m_waiters.clear();
    m_vm->dropAllFibers();
    m_vm->clearGlobals();
    // The globals and every closure hold each other; break all cycles so LeakSanitizer sees
    // every script object freed.
    m_vm->heap().clearAll();
    if (m_vm->heap().objectCount() > 0)
        qCWarning(lcScript, "Interpreter::teardown: %lld script objects outlive the run",
                  qlonglong(m_vm->heap().objectCount()));
}

bool Interpreter::hasWork() const
{
    return m_vm->liveFiberCount() > 0 || m_timers->keepsAlive();
}

void Interpreter::timersChanged()
{
    // Wake the fibers whose wait is over; each goes back to the run queue.
    for (std::size_t i = 0; i < m_waiters.size();) {
        if (m_waiters[i].fiber.expired()) {
            m_waiters.erase(m_waiters.begin() + std::ptrdiff_t(i));
        } else if (m_waiters[i].done()) {
            const Waiter waiter = std::move(m_waiters[i]);
            m_waiters.erase(m_waiters.begin() + std::ptrdiff_t(i));
            const QString error = waiter.error ? waiter.error() : QString();
            if (const auto fiber = waiter.fiber.lock(); fiber && !error.isEmpty()) {
                // Raised where the fiber waits, as a throw of the message: catch (e) gets it.
                RuntimeError raised;
                raised.line = Vm::lineOf(*fiber);
                raised.message = error;
                raised.thrown = Value(error);
                raised.isThrow = true;
                fiber->pendingError = std::move(raised);
            }
            m_vm->wakeWith({waiter.fiber, waiter.token}, waiter.value ? waiter.value() : Value());
        } else {
            ++i;
        }
    }
    m_lifecycle.scheduleCheck();
}

void Interpreter::setMode(const QString &mode)
{
    if (mode == m_mode)
        return;
    m_mode = mode;
    m_timers->modeChanged();
}

// --- the seam with the timer bindings --------------------------------------------------------

void Interpreter::runCallback(quint64 timerId, const Value &callable, CallbackDone done)
{
    if (m_lifecycle.isStopping())
        return;
    auto fiber = m_vm->spawn(callable, [this, timerId, done = std::move(done)](Fiber &ended, const RuntimeError *error) {
        QString message;
        if (error) {
            // Reported here, once, with the timer and the line; the script and the other
            // timers go on.
            message = error->message;
            printError(QStringLiteral("[line %1] RuntimeError in timer %2: %3\n")
                               .arg(error->line)
                               .arg(timerId)
                               .arg(error->message));
        }
        done(message, ended.result);
        m_lifecycle.scheduleCheck();
    }, timerId);
    m_vm->runNow(fiber);
}

void Interpreter::setFireObserver(FireObserver observer)
{
    m_timers->setFireObserver(std::move(observer));
}

quint64 Interpreter::currentTimerId() const
{
    const Fiber *fiber = m_vm->currentFiber();
    return fiber ? fiber->timerId : 0;
}

void Interpreter::parkUntil(std::function<bool()> done, std::function<Value()> value,
                            std::function<QString()> error)
{
    if (done())
        return;
    const std::weak_ptr<Fiber> fiber = m_vm->currentFiberRef();
    const quint64 token = m_vm->parkCurrent();
    m_waiters.push_back({fiber, token, std::move(done), std::move(value), std::move(error)});
}

Value Interpreter::awaitTimer(quint64 id, int line)
{
    return m_timers->awaitTimer(id, line);
}

void Interpreter::tasksChanged()
{
    m_lifecycle.scheduleCheck();
}

// --- what the VM asks of its host ------------------------------------------------------------

Value Interpreter::createTimerBlock(bool isInterval, const Value &delay, const Value &callable, int line)
{
    const QString function = isInterval ? QStringLiteral("interval") : QStringLiteral("timeout");
    const qint64 ms = Builtins::durationMs(delay, function, line);
    return Value(m_timers->create(isInterval, callable, ms, TimerBindings::Options(), function, line));
}

void Interpreter::stopTimer(quint64 id)
{
    m_timers->stop(id);
}

Value Interpreter::handleMember(const Ref<const TimerHandle> &handle, const QString &name,
                                int line)
{
    return m_timers->handleMember(handle, name, line);
}

Value Interpreter::callHandleMethod(const Ref<const TimerHandle> &handle,
                                    const QString &name, std::vector<Value> &args, int line)
{
    return m_timers->callHandleMethod(handle, name, args, line);
}

QString Interpreter::describeHandle(const TimerHandle &handle)
{
    return m_timers->describe(handle);
}

// --- tools -----------------------------------------------------------------------------------

QString Interpreter::dumpBytecode(const QString &source, bool *ok)
{
    havel::TimerManager timers;
    Interpreter interpreter(&timers);
    SyntaxError syntaxError;
    std::unique_ptr<Program> program = Parser::parse(source, &syntaxError);
    std::shared_ptr<const FunctionProto> body;
    if (program)
        body = Compiler::compile(*program, *interpreter.m_vm, &syntaxError);
    *ok = body != nullptr;
    if (!body)
        return syntaxError.toString() + u'\n';
    return Disassembler::disassemble(*body, *interpreter.m_vm);
}

} // namespace havel::script
