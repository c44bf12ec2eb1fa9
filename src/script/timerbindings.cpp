#include "timerbindings.h"

#include "environment.h"
#include "interpreter.h"
#include "scriptobjects.h"

#include <timermanager.h>

#include <QtCore/QFileInfo>

#include <algorithm>
#include <stdexcept>

namespace havel::script {

const QString TimerBindings::kCurrentTimerName = QStringLiteral("@timer");

namespace {

double toMs(std::chrono::nanoseconds ns)
{
    return double(ns.count()) / 1e6;
}

} // namespace

TimerBindings::TimerBindings(Interpreter &interpreter) : m_interpreter(interpreter) { }

TimerBindings::~TimerBindings() = default;

std::shared_ptr<const TimerHandle> TimerBindings::create(bool isInterval, const Value &callable,
                                                         qint64 ms, const Options &options,
                                                         const QString &function, int line)
{
    TimerManager &manager = m_interpreter.timerManager();
    TimerOptions coreOptions;
    coreOptions.label = QStringLiteral("%1:%2").arg(m_interpreter.scriptName()).arg(line);
    coreOptions.stopAfterErrors = options.stopAfterErrors;
    coreOptions.mode = options.mode;
    // The id is known only once the call returns, and the callback cannot run before then:
    // it is delivered to this very thread by a queued call.
    auto idCell = std::make_shared<quint64>(InvalidTimerId);
    TimerCallback callback = [this, idCell] { fire(*idCell); };
    const auto duration = std::chrono::milliseconds(ms);
    const TimerId id = isInterval
            ? manager.setInterval(&m_interpreter, duration, std::move(callback), coreOptions)
            : manager.setTimeout(&m_interpreter, duration, std::move(callback), coreOptions);
    if (id == InvalidTimerId)
        Interpreter::fail(line, QStringLiteral("%1: the timer module refused the timer").arg(function));
    *idCell = id;

    Entry entry;
    entry.callable = callable;
    entry.isInterval = isInterval;
    entry.ms = ms;
    entry.line = line;
    entry.mode = options.mode;
    entry.ref = options.ref;
    // Pauses live in the core, with their reasons, so that the inspector's Resume cannot wake
    // a timer outside its mode and a mode change cannot undo the user's pause.
    if (!entry.mode.isEmpty() && entry.mode != m_interpreter.mode())
        manager.pauseTimer(id, PauseByMode);
    m_entries.emplace(id, std::move(entry));

    auto handle = std::make_shared<TimerHandle>();
    handle->id = id;
    handle->isInterval = isInterval;
    handle->intervalMs = ms;
    return handle;
}

void TimerBindings::fire(quint64 id)
{
    const auto it = m_entries.find(id);
    if (it == m_entries.end())
        return;
    // Copies: the callback may stop its own timer, which erases the entry.
    const Value callable = it->second.callable;
    const bool isInterval = it->second.isInterval;
    m_running.push_back(id);
    const QString error = m_interpreter.runTimerCallback(id, callable);
    m_running.pop_back();
    if (!isInterval)
        m_entries.erase(id);
    m_interpreter.timersChanged();
    // The message is already on stderr with the script line; rethrown so that the core counts
    // it in the timer's status (errorCount, lastError) and applies its error policy.
    if (!error.isEmpty())
        throw std::runtime_error(error.toStdString());
}

bool TimerBindings::stop(quint64 id)
{
    const bool stopped = m_interpreter.timerManager().stopTimer(id);
    if (m_entries.erase(id) > 0)
        m_interpreter.timersChanged();
    return stopped;
}

bool TimerBindings::pause(quint64 id)
{
    const auto it = m_entries.find(id);
    if (it == m_entries.end() || !isLive(id))
        return false;
    m_interpreter.timerManager().pauseTimer(id, PauseByUser);
    m_interpreter.timersChanged();
    return true;
}

bool TimerBindings::resume(quint64 id)
{
    const auto it = m_entries.find(id);
    if (it == m_entries.end() || !isLive(id))
        return false;
    m_interpreter.timerManager().resumeTimer(id, PauseByUser);
    m_interpreter.timersChanged();
    return true;
}

bool TimerBindings::setRef(quint64 id, bool ref)
{
    const auto it = m_entries.find(id);
    if (it == m_entries.end())
        return false;
    it->second.ref = ref;
    m_interpreter.timersChanged();
    return true;
}

int TimerBindings::stopAll()
{
    const int count = m_interpreter.timerManager().cleanupAllTimers();
    // The callables go after the core has stopped every timer, so none can fire meanwhile.
    std::unordered_map<quint64, Entry> entries;
    entries.swap(m_entries);
    entries.clear();
    m_interpreter.timersChanged();
    return count;
}

void TimerBindings::clear()
{
    m_entries.clear();
}

bool TimerBindings::isLive(quint64 id) const
{
    return m_entries.count(id) != 0 && m_interpreter.timerManager().timerStatus(id).has_value();
}

bool TimerBindings::keepsAlive()
{
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        // The core may have stopped a timer by itself (its error policy).
        const auto status = m_interpreter.timerManager().timerStatus(it->first);
        if (!status) {
            it = m_entries.erase(it);
            continue;
        }
        if (it->second.ref && status->pauseReasons == 0)
            return true;
        ++it;
    }
    return false;
}

void TimerBindings::modeChanged()
{
    TimerManager &manager = m_interpreter.timerManager();
    for (auto &[id, entry] : m_entries) {
        if (entry.mode.isEmpty())
            continue;
        // Only the mode's own reason changes: a pause by the user (or the inspector) stays.
        if (entry.mode == m_interpreter.mode())
            manager.resumeTimer(id, PauseByMode);
        else
            manager.pauseTimer(id, PauseByMode);
    }
    m_interpreter.timersChanged();
}

Value TimerBindings::status(quint64 id)
{
    const std::optional<TimerStatus> status = m_interpreter.timerManager().timerStatus(id);
    if (!status)
        return Value();
    auto object = std::make_shared<Object>(&m_interpreter.heap());
    const bool active = status->state == TimerState::Active;
    object->set(QStringLiteral("id"), qint64(status->id));
    object->set(QStringLiteral("kind"), status->kind == TimerKind::Interval ? QStringLiteral("interval")
                                                                           : QStringLiteral("timeout"));
    object->set(QStringLiteral("running"), active);
    object->set(QStringLiteral("state"), active ? QStringLiteral("active") : QStringLiteral("paused"));
    object->set(QStringLiteral("interval"), qint64(status->interval.count()));
    object->set(QStringLiteral("remaining"), toMs(status->remaining));
    object->set(QStringLiteral("fireCount"), qint64(status->fireCount));
    object->set(QStringLiteral("skippedTicks"), qint64(status->skippedTicks));
    object->set(QStringLiteral("errorCount"), qint64(status->errorCount));
    object->set(QStringLiteral("lastError"), status->lastError.isEmpty() ? Value() : Value(status->lastError));
    object->set(QStringLiteral("lastLateness"), toMs(status->lastLateness));
    object->set(QStringLiteral("maxLateness"), toMs(status->maxLateness));
    object->set(QStringLiteral("lastCallbackDuration"), toMs(status->lastCallbackDuration));
    object->set(QStringLiteral("maxCallbackDuration"), toMs(status->maxCallbackDuration));
    object->set(QStringLiteral("label"), status->label);
    const auto it = m_entries.find(id);
    object->set(QStringLiteral("mode"), it != m_entries.end() && !it->second.mode.isEmpty()
                                                ? Value(it->second.mode) : Value());
    object->set(QStringLiteral("ref"), it != m_entries.end() ? it->second.ref : false);
    return object;
}

QString TimerBindings::describe(const TimerHandle &handle) const
{
    QString state = QStringLiteral("stopped");
    if (const auto status = m_interpreter.timerManager().timerStatus(handle.id))
        state = status->state == TimerState::Active ? QStringLiteral("running") : QStringLiteral("paused");
    return QStringLiteral("<%1 #%2 %3ms %4>")
            .arg(handle.isInterval ? QStringLiteral("interval") : QStringLiteral("timeout"))
            .arg(handle.id)
            .arg(handle.intervalMs)
            .arg(state);
}

Value TimerBindings::handleMember(const std::shared_ptr<const TimerHandle> &handle,
                                  const QString &name, int line)
{
    if (name == QLatin1String("id"))
        return qint64(handle->id);
    if (name == QLatin1String("running")) {
        const auto status = m_interpreter.timerManager().timerStatus(handle->id);
        return status && status->state == TimerState::Active;
    }
    if (name == QLatin1String("kind"))
        return handle->isInterval ? QStringLiteral("interval") : QStringLiteral("timeout");
    if (name == QLatin1String("interval"))
        return handle->intervalMs;
    static const QStringList methods = {
        QStringLiteral("stop"), QStringLiteral("cancel"), QStringLiteral("clear"),
        QStringLiteral("pause"), QStringLiteral("resume"), QStringLiteral("wait"),
        QStringLiteral("unref"), QStringLiteral("ref"), QStringLiteral("status")};
    if (methods.contains(name))
        return std::make_shared<BoundMethod>(&m_interpreter.heap(), Value(handle), name);
    Interpreter::fail(line, QStringLiteral("Timer handles have no property '%1'.").arg(name));
}

Value TimerBindings::callHandleMethod(const std::shared_ptr<const TimerHandle> &handle,
                                      const QString &name, std::vector<Value> &, int line)
{
    const quint64 id = handle->id;
    if (name == QLatin1String("stop") || name == QLatin1String("cancel")
        || name == QLatin1String("clear"))
        return stop(id);
    if (name == QLatin1String("pause"))
        return pause(id);
    if (name == QLatin1String("resume"))
        return resume(id);
    if (name == QLatin1String("wait")) {
        wait(id, line);
        return Value();
    }
    if (name == QLatin1String("unref") || name == QLatin1String("ref")) {
        setRef(id, name == QLatin1String("ref"));
        return Value(handle);
    }
    if (name == QLatin1String("status"))
        return status(id);
    Interpreter::fail(line, QStringLiteral("Timer handles have no method '%1'.").arg(name));
}

void TimerBindings::wait(quint64 id, int line)
{
    if (std::find(m_running.begin(), m_running.end(), id) != m_running.end())
        Interpreter::fail(line, QStringLiteral("wait: timer %1 cannot wait for itself").arg(id));
    const auto status = m_entries.count(id) ? m_interpreter.timerManager().timerStatus(id) : std::nullopt;
    if (status && status->pauseReasons != 0 && !keepsAlive())
        Interpreter::fail(line, QStringLiteral("wait: timer %1 is paused and no other timer could resume it").arg(id));
    m_interpreter.runNestedLoop(-1, [this, id] { return !isLive(id); });
}

quint64 TimerBindings::idArgument(const std::vector<Value> &args, const QString &function,
                                  int line) const
{
    if (args.empty())
        Interpreter::fail(line, QStringLiteral("%1: expected a timer id or handle").arg(function));
    const Value &arg = args.front();
    if (arg.isHandle())
        return arg.asHandle()->id;
    if (arg.isInt())
        return arg.asInt() > 0 ? quint64(arg.asInt()) : InvalidTimerId;
    if (arg.isNull())
        return InvalidTimerId; // clearTimeout(null) is a no-op, as in browsers
    Interpreter::fail(line, QStringLiteral("%1: expected a timer id or handle, not %2")
                                    .arg(function, arg.typeName()));
}

Value TimerBindings::createFromArgs(bool isInterval, std::vector<Value> &args,
                                    const QString &function, int line, bool returnHandle)
{
    // Real scripts use both (ms, fn) and (fn, ms); an options object may come anywhere.
    const Value *callable = nullptr;
    const Value *delay = nullptr;
    const Value *options = nullptr;
    for (const Value &arg : args) {
        if (arg.isCallable() && !callable) {
            callable = &arg;
        } else if (arg.isObject() && !options) {
            options = &arg;
        } else if ((arg.isNumber() || arg.isString()) && !delay) {
            delay = &arg;
        } else {
            Interpreter::fail(line, QStringLiteral("%1: callback must be a function").arg(function));
        }
    }
    if (!callable)
        Interpreter::fail(line, QStringLiteral("%1: callback must be a function").arg(function));
    // A timer calls its callback with no arguments, so parameters would all be null: refused at
    // once rather than failing (or misbehaving) on every tick, far from the mistake.
    if (callable->type() == Value::Type::Closure) {
        const qsizetype params = callable->asClosure()->decl->params.size();
        if (params > 0)
            Interpreter::fail(line, QStringLiteral("%1: the callback takes %2 parameter%3, but a "
                                                   "timer calls it with none")
                                            .arg(function).arg(params).arg(params == 1 ? "" : "s"));
    }
    // A timeout without a delay runs on the next loop iteration, as in browsers; an interval
    // without one would run every millisecond, which is never what the script meant.
    if (!delay && isInterval)
        Interpreter::fail(line, QStringLiteral("%1: missing interval (a number of milliseconds "
                                               "or a string like \"500ms\")").arg(function));
    const qint64 ms = delay ? Interpreter::durationMs(*delay, function, line) : 0;

    Options timerOptions;
    if (options) {
        const auto &object = options->asObject();
        for (const QString &key : object->keys()) {
            const Value &value = *object->get(key);
            if (key == QLatin1String("mode") && value.isString())
                timerOptions.mode = value.asString();
            else if (key == QLatin1String("ref") && value.isBool())
                timerOptions.ref = value.asBool();
            else if (key == QLatin1String("stopAfterErrors") && value.isInt() && value.asInt() >= 0
                     && value.asInt() <= std::numeric_limits<int>::max())
                timerOptions.stopAfterErrors = int(value.asInt());
            else
                Interpreter::fail(line, QStringLiteral("%1: invalid option '%2'").arg(function, key));
        }
    }
    auto handle = create(isInterval, *callable, ms, timerOptions, function, line);
    if (returnHandle)
        return handle;
    return qint64(handle->id);
}

void TimerBindings::install(Environment &globals)
{
    Heap &heap = m_interpreter.heap();
    auto native = [](const QString &name, NativeFunction::Function function) {
        return std::make_shared<NativeFunction>(name, std::move(function));
    };
    auto creator = [this, native](const QString &name, bool isInterval, bool returnHandle) {
        return native(name, [this, name, isInterval, returnHandle](Interpreter &, std::vector<Value> &args, int line) {
            return createFromArgs(isInterval, args, name, line, returnHandle);
        });
    };
    auto stopper = [this, native](const QString &name) {
        return native(name, [this, name](Interpreter &, std::vector<Value> &args, int line) {
            return Value(stop(idArgument(args, name, line)));
        });
    };
    auto pauser = [this, native](const QString &name) {
        return native(name, [this, name](Interpreter &, std::vector<Value> &args, int line) {
            return Value(pause(idArgument(args, name, line)));
        });
    };
    auto resumer = [this, native](const QString &name) {
        return native(name, [this, name](Interpreter &, std::vector<Value> &args, int line) {
            return Value(resume(idArgument(args, name, line)));
        });
    };

    const std::vector<std::pair<QString, std::shared_ptr<NativeFunction>>> module = {
        {QStringLiteral("setTimeout"), creator(QStringLiteral("setTimeout"), false, false)},
        {QStringLiteral("setInterval"), creator(QStringLiteral("setInterval"), true, false)},
        {QStringLiteral("clearTimeout"), stopper(QStringLiteral("clearTimeout"))},
        {QStringLiteral("clearInterval"), stopper(QStringLiteral("clearInterval"))},
        {QStringLiteral("stopTimer"), stopper(QStringLiteral("stopTimer"))},
        {QStringLiteral("pauseTimer"), pauser(QStringLiteral("pauseTimer"))},
        {QStringLiteral("resumeTimer"), resumer(QStringLiteral("resumeTimer"))},
        {QStringLiteral("getTimerStatus"),
         native(QStringLiteral("getTimerStatus"), [this](Interpreter &, std::vector<Value> &args, int line) {
             return status(idArgument(args, QStringLiteral("getTimerStatus"), line));
         })},
        {QStringLiteral("getActiveTimers"),
         native(QStringLiteral("getActiveTimers"), [](Interpreter &interpreter, std::vector<Value> &, int) {
             std::vector<Value> ids;
             for (const TimerId id : interpreter.timerManager().activeTimers())
                 ids.emplace_back(qint64(id));
             return Value(std::make_shared<Array>(&interpreter.heap(), std::move(ids)));
         })},
        {QStringLiteral("cleanupAllTimers"),
         native(QStringLiteral("cleanupAllTimers"), [this](Interpreter &, std::vector<Value> &, int) {
             return Value(qint64(stopAll()));
         })},
        {QStringLiteral("unref"),
         native(QStringLiteral("unref"), [this](Interpreter &, std::vector<Value> &args, int line) {
             return Value(setRef(idArgument(args, QStringLiteral("timer.unref"), line), false));
         })},
        {QStringLiteral("ref"),
         native(QStringLiteral("ref"), [this](Interpreter &, std::vector<Value> &args, int line) {
             return Value(setRef(idArgument(args, QStringLiteral("timer.ref"), line), true));
         })},
    };
    auto timerModule = std::make_shared<Object>(&heap);
    for (const auto &[name, function] : module) {
        timerModule->set(name, function);
        // The whole module is also global: scripts call getActiveTimers() bare as often as not.
        globals.define(name, function);
    }
    globals.define(QStringLiteral("timer"), timerModule);

    // `interval(ms, fn)` is a call and `interval.stop(h)` a namespace: one native with members.
    auto interval = creator(QStringLiteral("interval"), true, true);
    interval->members.insert(QStringLiteral("start"), creator(QStringLiteral("interval.start"), true, true));
    interval->members.insert(QStringLiteral("stop"), stopper(QStringLiteral("interval.stop")));
    interval->members.insert(QStringLiteral("pause"), pauser(QStringLiteral("interval.pause")));
    interval->members.insert(QStringLiteral("resume"), resumer(QStringLiteral("interval.resume")));
    globals.define(QStringLiteral("interval"), interval);
    auto timeout = creator(QStringLiteral("timeout"), false, true);
    timeout->members.insert(QStringLiteral("start"), creator(QStringLiteral("timeout.start"), false, true));
    timeout->members.insert(QStringLiteral("cancel"), stopper(QStringLiteral("timeout.cancel")));
    timeout->members.insert(QStringLiteral("stop"), stopper(QStringLiteral("timeout.stop")));
    globals.define(QStringLiteral("timeout"), timeout);

    // The flat names of older scripts.
    globals.define(QStringLiteral("interval_start"), creator(QStringLiteral("interval_start"), true, true));
    globals.define(QStringLiteral("interval_stop"), stopper(QStringLiteral("interval_stop")));
    globals.define(QStringLiteral("interval_pause"), pauser(QStringLiteral("interval_pause")));
    globals.define(QStringLiteral("interval_resume"), resumer(QStringLiteral("interval_resume")));
    globals.define(QStringLiteral("timeout_start"), creator(QStringLiteral("timeout_start"), false, true));
    globals.define(QStringLiteral("timeout_cancel"), stopper(QStringLiteral("timeout_cancel")));

    auto modeModule = std::make_shared<Object>(&heap);
    modeModule->set(QStringLiteral("set"),
                    native(QStringLiteral("mode.set"), [](Interpreter &interpreter, std::vector<Value> &args, int line) {
                        if (args.size() != 1 || !args.front().isString())
                            Interpreter::fail(line, QStringLiteral("mode.set: expected a mode name string"));
                        interpreter.setMode(args.front().asString());
                        return Value();
                    }));
    modeModule->set(QStringLiteral("get"),
                    native(QStringLiteral("mode.get"), [](Interpreter &interpreter, std::vector<Value> &, int) {
                        return Value(interpreter.mode());
                    }));
    globals.define(QStringLiteral("mode"), modeModule);
}

} // namespace havel::script
