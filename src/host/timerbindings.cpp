#include "timerbindings.h"

#include "engineseam.h"

#include <builtins.h>
#include <scriptobjects.h>
#include <vm.h>

#include <timermanager.h>

#include <QtCore/QFileInfo>

#include <algorithm>
#include <chrono>
#include <optional>
#include <stdexcept>

namespace havel::script {

namespace {

double toMs(std::chrono::nanoseconds ns)
{
    return double(ns.count()) / 1e6;
}

} // namespace

TimerBindings::TimerBindings(EngineSeam &engine) : m_engine(engine) { }

TimerBindings::~TimerBindings() = default;

Ref<const TimerHandle> TimerBindings::create(bool isInterval, const Value &callable,
                                                         qint64 ms, const Options &options,
                                                         const QString &function, int line)
{
    TimerManager &manager = m_engine.timerManager();
    TimerOptions coreOptions;
    coreOptions.label = QStringLiteral("%1:%2").arg(m_engine.scriptName()).arg(line);
    coreOptions.stopAfterErrors = options.stopAfterErrors;
    coreOptions.mode = options.mode;
    // The id is known only once the call returns, and the callback cannot run before then:
    // it is delivered to this very thread by a queued call.
    auto idCell = std::make_shared<quint64>(InvalidTimerId);
    TimerCallback callback = [this, idCell] { fire(*idCell); };
    const auto duration = std::chrono::milliseconds(ms);
    const TimerId id = isInterval
            ? manager.setInterval(m_engine.timerContext(), duration, std::move(callback), coreOptions)
            : manager.setTimeout(m_engine.timerContext(), duration, std::move(callback), coreOptions);
    if (id == InvalidTimerId)
        fail(line, QStringLiteral("%1: the timer module refused the timer").arg(function));
    *idCell = id;

    Entry entry;
    entry.callable = callable;
    entry.isInterval = isInterval;
    entry.ms = ms;
    entry.line = line;
    entry.mode = options.mode;
    entry.ref = options.ref;
    entry.stopAfterErrors = options.stopAfterErrors;
    // Pauses live in the core, with their reasons, so that the inspector's Resume cannot wake
    // a timer outside its mode and a mode change cannot undo the user's pause.
    if (!entry.mode.isEmpty() && entry.mode != m_engine.mode()) {
        entry.pauseReasons = PauseByMode;
        manager.pauseTimer(id, PauseByMode);
    }
    m_keepAlive += entry.keepsAlive() ? 1 : 0;
    m_entries.emplace(id, std::move(entry));

    auto handle = makeRef<TimerHandle>();
    handle->id = id;
    handle->isInterval = isInterval;
    handle->intervalMs = ms;
    return handle;
}

void TimerBindings::fire(quint64 id)
{
    const auto it = m_entries.find(id);
    if (it == m_entries.end())
        return; // cleared: a delivery already queued is dropped
    // No re-entry: the previous callback's fiber still sleeps or was preempted; this tick
    // coalesces with it.
    FireRecord trace;
    if (m_fireObserver) {
        // The core stored this fire's lateness before delivering it.
        const std::optional<TimerStatus> status = m_engine.timerManager().timerStatus(id);
        trace.timerId = id;
        trace.isInterval = it->second.isInterval;
        if (status) {
            trace.label = status->label;
            trace.latenessNs = status->lastLateness.count();
        }
        trace.startNs = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                std::chrono::steady_clock::now().time_since_epoch())
                                .count();
    }
    if (it->second.running) {
        ++it->second.coalesced;
        if (m_fireObserver) {
            trace.coalesced = true;
            m_fireObserver(trace);
        }
        return;
    }
    it->second.running = true;
    // Whether the callback ended before runCallback() returned: only then does the core, which
    // is calling us, learn of its error (its error count and policy).
    struct Run
    {
        bool synchronous = true;
        bool ended = false;
        QString error;
    };
    auto run = std::make_shared<Run>();
    m_engine.runCallback(id, it->second.callable, [this, id, run, trace](const QString &error, const Value &result) {
        run->ended = true;
        run->error = error;
        if (m_fireObserver) {
            FireRecord ended = trace;
            ended.durationNs = std::chrono::duration_cast<std::chrono::nanoseconds>(
                                       std::chrono::steady_clock::now().time_since_epoch())
                                       .count()
                    - trace.startNs;
            ended.error = error;
            m_fireObserver(ended);
        }
        callbackEnded(id, error, result, run->synchronous);
    });
    run->synchronous = false;
    // The engine has printed the error already; rethrown so that the core counts it in the
    // timer's status (errorCount, lastError) and applies its error policy.
    if (run->ended && !run->error.isEmpty())
        throw CallbackError(run->error);
}

void TimerBindings::callbackEnded(quint64 id, const QString &error, const Value &result, bool reportedToCore)
{
    if (const auto awaited = m_results.find(id); awaited != m_results.end()) {
        awaited->second = result;
        if (!error.isEmpty())
            m_resultErrors[id] = error;
        else
            m_resultErrors.erase(id);
    }
    const auto it = m_entries.find(id);
    if (it != m_entries.end()) {
        Entry &entry = it->second;
        entry.running = false;
        bool ended = !entry.isInterval;
        // The core stops a timer after stopAfterErrors errors it saw; the entry goes with it.
        if (!error.isEmpty() && reportedToCore && entry.stopAfterErrors > 0
            && ++entry.errors >= entry.stopAfterErrors)
            ended = true;
        if (ended)
            erase(it);
    }
    m_engine.timersChanged();
}

void TimerBindings::erase(std::unordered_map<quint64, Entry>::iterator it)
{
    if (it->second.keepsAlive())
        --m_keepAlive;
    m_entries.erase(it);
}

bool TimerBindings::stop(quint64 id)
{
    const bool stopped = m_engine.timerManager().stopTimer(id);
    const auto it = m_entries.find(id);
    if (it != m_entries.end()) {
        erase(it);
        m_engine.timersChanged();
    }
    return stopped;
}

bool TimerBindings::pause(quint64 id)
{
    const auto it = m_entries.find(id);
    if (it == m_entries.end() || !isLive(id))
        return false;
    update(it->second, [](Entry &entry) { entry.pauseReasons |= PauseByUser; });
    m_engine.timerManager().pauseTimer(id, PauseByUser);
    m_engine.timersChanged();
    return true;
}

bool TimerBindings::resume(quint64 id)
{
    const auto it = m_entries.find(id);
    if (it == m_entries.end() || !isLive(id))
        return false;
    update(it->second, [](Entry &entry) { entry.pauseReasons &= PauseReasons(~PauseByUser); });
    m_engine.timerManager().resumeTimer(id, PauseByUser);
    m_engine.timersChanged();
    return true;
}

bool TimerBindings::setRef(quint64 id, bool ref)
{
    const auto it = m_entries.find(id);
    if (it == m_entries.end())
        return false;
    update(it->second, [ref](Entry &entry) { entry.ref = ref; });
    m_engine.timersChanged();
    return true;
}

int TimerBindings::stopAll()
{
    const int count = m_engine.timerManager().cleanupAllTimers();
    // The callables go after the core has stopped every timer, so none can fire meanwhile.
    std::unordered_map<quint64, Entry> entries;
    entries.swap(m_entries);
    m_keepAlive = 0;
    entries.clear();
    m_engine.timersChanged();
    return count;
}

void TimerBindings::clear()
{
    m_entries.clear();
    m_results.clear();
    m_resultErrors.clear();
    m_keepAlive = 0;
}

bool TimerBindings::isLive(quint64 id) const
{
    return m_entries.count(id) != 0 && m_engine.timerManager().timerStatus(id).has_value();
}

void TimerBindings::reconcile()
{
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        // The core may have stopped a timer by itself (its error policy), and the inspector
        // may have paused or resumed it.
        const auto status = m_engine.timerManager().timerStatus(it->first);
        if (status) {
            const PauseReasons reasons = status->pauseReasons;
            update(it->second, [reasons](Entry &entry) { entry.pauseReasons = reasons; });
            ++it;
            continue;
        }
        if (it->second.keepsAlive())
            --m_keepAlive;
        it = m_entries.erase(it);
    }
}

void TimerBindings::modeChanged()
{
    TimerManager &manager = m_engine.timerManager();
    for (auto &[id, entry] : m_entries) {
        if (entry.mode.isEmpty())
            continue;
        // Only the mode's own reason changes: a pause by the user (or the inspector) stays.
        if (entry.mode == m_engine.mode()) {
            update(entry, [](Entry &e) { e.pauseReasons &= PauseReasons(~PauseByMode); });
            manager.resumeTimer(id, PauseByMode);
        } else {
            update(entry, [](Entry &e) { e.pauseReasons |= PauseByMode; });
            manager.pauseTimer(id, PauseByMode);
        }
    }
    m_engine.timersChanged();
}

Value TimerBindings::status(quint64 id)
{
    const std::optional<TimerStatus> status = m_engine.timerManager().timerStatus(id);
    if (!status)
        return Value();
    auto object = makeRef<Object>(&m_engine.heap());
    const bool active = status->state == TimerState::Active;
    object->set(QStringLiteral("id"), qint64(status->id));
    object->set(QStringLiteral("kind"), status->kind == TimerKind::Interval ? QStringLiteral("interval")
                                                                           : QStringLiteral("timeout"));
    object->set(QStringLiteral("running"), active);
    object->set(QStringLiteral("state"), active ? QStringLiteral("active") : QStringLiteral("paused"));
    object->set(QStringLiteral("interval"), qint64(status->interval.count()));
    object->set(QStringLiteral("remaining"), toMs(status->remaining));
    // A tick that came while the callback's fiber had not ended (it sleeps, or was preempted)
    // ran nothing: to the script it is a skipped tick, not a fire.
    const auto entry = m_entries.find(id);
    const qint64 coalesced = entry != m_entries.end() ? entry->second.coalesced : 0;
    object->set(QStringLiteral("fireCount"), qint64(status->fireCount) - coalesced);
    object->set(QStringLiteral("skippedTicks"), qint64(status->skippedTicks) + coalesced);
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
    if (const auto status = m_engine.timerManager().timerStatus(handle.id))
        state = status->state == TimerState::Active ? QStringLiteral("running") : QStringLiteral("paused");
    return QStringLiteral("<%1 #%2 %3ms %4>")
            .arg(handle.isInterval ? QStringLiteral("interval") : QStringLiteral("timeout"))
            .arg(handle.id)
            .arg(handle.intervalMs)
            .arg(state);
}

Value TimerBindings::handleMember(const Ref<const TimerHandle> &handle,
                                  const QString &name, int line)
{
    if (name == QLatin1String("id"))
        return qint64(handle->id);
    if (name == QLatin1String("running")) {
        const auto status = m_engine.timerManager().timerStatus(handle->id);
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
        return makeRef<BoundMethod>(&m_engine.heap(), Value(handle), name);
    fail(line, QStringLiteral("Timer handles have no property '%1'.").arg(name));
}

Value TimerBindings::callHandleMethod(const Ref<const TimerHandle> &handle,
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
    fail(line, QStringLiteral("Timer handles have no method '%1'.").arg(name));
}

void TimerBindings::wait(quint64 id, int line)
{
    if (m_engine.currentTimerId() == id)
        fail(line, QStringLiteral("wait: timer %1 cannot wait for itself").arg(id));
    if (!isLive(id))
        return;
    const auto it = m_entries.find(id);
    if (it != m_entries.end() && it->second.pauseReasons != 0 && !keepsAlive())
        fail(line, QStringLiteral("wait: timer %1 is paused and no other timer could resume it").arg(id));
    // The fiber parks; other fibers and timer callbacks run until the timer has ended.
    m_engine.parkUntil([this, id] { return !isLive(id); });
}

Value TimerBindings::awaitTimer(quint64 id, int line)
{
    if (m_engine.currentTimerId() == id)
        fail(line, QStringLiteral("await: timer %1 cannot wait for itself").arg(id));
    auto take = [this, id] {
        const auto it = m_results.find(id);
        if (it == m_results.end())
            return Value();
        Value result = std::move(it->second);
        m_results.erase(it);
        return result;
    };
    if (!isLive(id))
        return take();
    const auto it = m_entries.find(id);
    if (it != m_entries.end() && it->second.pauseReasons != 0 && !keepsAlive())
        fail(line, QStringLiteral("await: timer %1 is paused and no other timer could resume it").arg(id));
    m_results.emplace(id, Value());
    m_engine.parkUntil([this, id] { return !isLive(id); }, take, [this, id] {
        const auto it = m_resultErrors.find(id);
        if (it == m_resultErrors.end())
            return QString();
        const QString error = it->second;
        m_resultErrors.erase(it);
        return error;
    });
    return Value();
}

quint64 TimerBindings::idArgument(const std::vector<Value> &args, const QString &function,
                                  int line) const
{
    if (args.empty())
        fail(line, QStringLiteral("%1: expected a timer id or handle").arg(function));
    const Value &arg = args.front();
    if (arg.isHandle())
        return arg.asHandle()->id;
    if (arg.isInt())
        return arg.asInt() > 0 ? quint64(arg.asInt()) : InvalidTimerId;
    if (arg.isNull())
        return InvalidTimerId; // clearTimeout(null) is a no-op, as in browsers
    fail(line, QStringLiteral("%1: expected a timer id or handle, not %2")
                                    .arg(function, arg.typeName()));
}

Value TimerBindings::createFromArgs(bool isInterval, std::vector<Value> &args,
                                    const QString &function, int line, bool returnHandle)
{
    // Real scripts use both (ms, fn) and (fn, ms); an options object may come anywhere.
    const Value *callable = nullptr;
    const Value *delay = nullptr;
    const Value *options = nullptr;
    const Value *unplaced = nullptr; // the first argument that fits no slot
    for (const Value &arg : args) {
        if (arg.isCallable() && !callable) {
            callable = &arg;
        } else if (arg.isObject() && !options) {
            options = &arg;
        } else if ((arg.isNumber() || arg.isString()) && !delay) {
            delay = &arg;
        } else if (!unplaced) {
            unplaced = &arg;
        }
    }
    // Name the argument that is wrong: with the callback there, a stray value stands where
    // the delay goes (setTimeout(fn, true)); without it, it stands for the callback.
    if (!callable)
        fail(line, QStringLiteral("%1: callback must be a function").arg(function));
    if (unplaced && !delay && !unplaced->isCallable())
        fail(line, QStringLiteral("%1: %2 must be a number of milliseconds or a "
                                  "string like \"500ms\", not %3")
                           .arg(function, isInterval ? QStringLiteral("the interval")
                                                     : QStringLiteral("the delay"),
                                unplaced->typeName()));
    if (unplaced)
        fail(line, QStringLiteral("%1: unexpected %2 argument (expected a callback, "
                                  "a delay and an options object)")
                           .arg(function, unplaced->typeName()));
    // A timer calls its callback with no arguments, so parameters would all be null: refused at
    // once rather than failing (or misbehaving) on every tick, far from the mistake.
    if (callable->type() == Value::Type::Closure) {
        const qsizetype params = callable->asClosure()->proto->params.size();
        if (params > 0)
            fail(line, QStringLiteral("%1: the callback takes %2 parameter%3, but a "
                                                   "timer calls it with none")
                                            .arg(function).arg(params).arg(params == 1 ? "" : "s"));
    }
    // A timeout without a delay runs on the next loop iteration, as in browsers; an interval
    // without one would run every millisecond, which is never what the script meant.
    if (!delay && isInterval)
        fail(line, QStringLiteral("%1: missing interval (a number of milliseconds "
                                               "or a string like \"500ms\")").arg(function));
    const qint64 ms = delay ? Builtins::durationMs(*delay, function, line) : 0;

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
                fail(line, QStringLiteral("%1: invalid option '%2'").arg(function, key));
        }
    }
    auto handle = create(isInterval, *callable, ms, timerOptions, function, line);
    if (returnHandle)
        return handle;
    return qint64(handle->id);
}

void TimerBindings::install(Vm &vm)
{
    Heap &heap = vm.heap();
    auto native = [](const QString &name, NativeFunction::Function function) {
        return makeRef<NativeFunction>(name, std::move(function));
    };
    auto creator = [this, native](const QString &name, bool isInterval, bool returnHandle) {
        return native(name, [this, name, isInterval, returnHandle](Vm &, std::vector<Value> &args, int line) {
            return createFromArgs(isInterval, args, name, line, returnHandle);
        });
    };
    auto stopper = [this, native](const QString &name) {
        return native(name, [this, name](Vm &, std::vector<Value> &args, int line) {
            return Value(stop(idArgument(args, name, line)));
        });
    };
    auto pauser = [this, native](const QString &name) {
        return native(name, [this, name](Vm &, std::vector<Value> &args, int line) {
            return Value(pause(idArgument(args, name, line)));
        });
    };
    auto resumer = [this, native](const QString &name) {
        return native(name, [this, name](Vm &, std::vector<Value> &args, int line) {
            return Value(resume(idArgument(args, name, line)));
        });
    };

    const std::vector<std::pair<QString, Ref<NativeFunction>>> module = {
        {QStringLiteral("setTimeout"), creator(QStringLiteral("setTimeout"), false, false)},
        {QStringLiteral("setInterval"), creator(QStringLiteral("setInterval"), true, false)},
        {QStringLiteral("clearTimeout"), stopper(QStringLiteral("clearTimeout"))},
        {QStringLiteral("clearInterval"), stopper(QStringLiteral("clearInterval"))},
        {QStringLiteral("stopTimer"), stopper(QStringLiteral("stopTimer"))},
        {QStringLiteral("pauseTimer"), pauser(QStringLiteral("pauseTimer"))},
        {QStringLiteral("resumeTimer"), resumer(QStringLiteral("resumeTimer"))},
        {QStringLiteral("getTimerStatus"),
         native(QStringLiteral("getTimerStatus"), [this](Vm &, std::vector<Value> &args, int line) {
             return status(idArgument(args, QStringLiteral("getTimerStatus"), line));
         })},
        {QStringLiteral("getActiveTimers"),
         native(QStringLiteral("getActiveTimers"), [this](Vm &vm, std::vector<Value> &, int) {
             std::vector<Value> ids;
             for (const TimerId id : m_engine.timerManager().activeTimers())
                 ids.emplace_back(qint64(id));
             return Value(makeRef<Array>(&vm.heap(), std::move(ids)));
         })},
        {QStringLiteral("cleanupAllTimers"),
         native(QStringLiteral("cleanupAllTimers"), [this](Vm &, std::vector<Value> &, int) {
             return Value(qint64(stopAll()));
         })},
        {QStringLiteral("unref"),
         native(QStringLiteral("unref"), [this](Vm &, std::vector<Value> &args, int line) {
             return Value(setRef(idArgument(args, QStringLiteral("timer.unref"), line), false));
         })},
        {QStringLiteral("ref"),
         native(QStringLiteral("ref"), [this](Vm &, std::vector<Value> &args, int line) {
             return Value(setRef(idArgument(args, QStringLiteral("timer.ref"), line), true));
         })},
    };
    auto timerModule = makeRef<Object>(&heap);
    for (const auto &[name, function] : module) {
        timerModule->set(name, function);
        // The whole module is also global: scripts call getActiveTimers() bare as often as not.
        vm.defineGlobal(name, Value(function));
    }
    // Havel's own timer module names (its src/havel-lang/stdlib/TimerModule.cpp), on the
    // module only: globals named `now`, `clear` or `after` would take common names away.
    const std::vector<std::pair<QString, Ref<NativeFunction>>> havelNames = {
        {QStringLiteral("after"), creator(QStringLiteral("timer.after"), false, false)},
        {QStringLiteral("every"), creator(QStringLiteral("timer.every"), true, false)},
        {QStringLiteral("clear"), stopper(QStringLiteral("timer.clear"))},
        {QStringLiteral("clearAll"),
         native(QStringLiteral("timer.clearAll"), [this](Vm &, std::vector<Value> &, int) {
             return Value(qint64(stopAll()));
         })},
        {QStringLiteral("activeCount"),
         native(QStringLiteral("timer.activeCount"), [this](Vm &, std::vector<Value> &args, int line) {
             Builtins::expectArgs(args, 0, 0, QStringLiteral("timer.activeCount"), line);
             return Value(qint64(m_engine.timerManager().activeTimers().size()));
         })},
        {QStringLiteral("now"),
         native(QStringLiteral("timer.now"), [](Vm &, std::vector<Value> &args, int line) {
             Builtins::expectArgs(args, 0, 0, QStringLiteral("timer.now"), line);
             using namespace std::chrono;
             return Value(qint64(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count()));
         })},
        {QStringLiteral("sleep"),
         native(QStringLiteral("timer.sleep"), [](Vm &vm, std::vector<Value> &args, int line) {
             Builtins::expectArgs(args, 1, 1, QStringLiteral("timer.sleep"), line);
             vm.sleepCurrent(Builtins::durationMs(args.front(), QStringLiteral("timer.sleep"), line));
             return Value();
         })},
    };
    for (const auto &[name, function] : havelNames)
        timerModule->set(name, function);
    vm.defineGlobal(QStringLiteral("timer"), timerModule);
    vm.defineGlobal(QStringLiteral("stopInterval"), stopper(QStringLiteral("stopInterval")));

    // `interval(ms, fn)` is a call and `interval.stop(h)` a namespace: one native with members.
    auto interval = creator(QStringLiteral("interval"), true, true);
    interval->members.insert(QStringLiteral("start"), creator(QStringLiteral("interval.start"), true, true));
    interval->members.insert(QStringLiteral("stop"), stopper(QStringLiteral("interval.stop")));
    interval->members.insert(QStringLiteral("pause"), pauser(QStringLiteral("interval.pause")));
    interval->members.insert(QStringLiteral("resume"), resumer(QStringLiteral("interval.resume")));
    vm.defineGlobal(QStringLiteral("interval"), interval);
    auto timeout = creator(QStringLiteral("timeout"), false, true);
    timeout->members.insert(QStringLiteral("start"), creator(QStringLiteral("timeout.start"), false, true));
    timeout->members.insert(QStringLiteral("cancel"), stopper(QStringLiteral("timeout.cancel")));
    timeout->members.insert(QStringLiteral("stop"), stopper(QStringLiteral("timeout.stop")));
    vm.defineGlobal(QStringLiteral("timeout"), timeout);

    // The flat names of older scripts.
    vm.defineGlobal(QStringLiteral("interval_start"), creator(QStringLiteral("interval_start"), true, true));
    vm.defineGlobal(QStringLiteral("interval_stop"), stopper(QStringLiteral("interval_stop")));
    vm.defineGlobal(QStringLiteral("interval_pause"), pauser(QStringLiteral("interval_pause")));
    vm.defineGlobal(QStringLiteral("interval_resume"), resumer(QStringLiteral("interval_resume")));
    vm.defineGlobal(QStringLiteral("timeout_start"), creator(QStringLiteral("timeout_start"), false, true));
    vm.defineGlobal(QStringLiteral("timeout_cancel"), stopper(QStringLiteral("timeout_cancel")));

    auto modeModule = makeRef<Object>(&heap);
    modeModule->set(QStringLiteral("set"),
                    native(QStringLiteral("mode.set"), [this](Vm &, std::vector<Value> &args, int line) {
                        if (args.size() != 1 || !args.front().isString())
                            fail(line, QStringLiteral("mode.set: expected a mode name string"));
                        m_engine.setMode(args.front().asString());
                        return Value();
                    }));
    modeModule->set(QStringLiteral("get"),
                    native(QStringLiteral("mode.get"), [this](Vm &, std::vector<Value> &, int) {
                        return Value(m_engine.mode());
                    }));
    vm.defineGlobal(QStringLiteral("mode"), modeModule);
    // setMode/getMode: Havel's flat names for mode.set/mode.get.
    vm.defineGlobal(QStringLiteral("setMode"), *modeModule->get(QStringLiteral("set")));
    vm.defineGlobal(QStringLiteral("getMode"), *modeModule->get(QStringLiteral("get")));
}

} // namespace havel::script
